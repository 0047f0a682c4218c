"""The server store: one PostgreSQL database that several processes use at once.

The same public methods as ``heard.store.duckdb.store.DuckDBStore`` (the contract suite runs
both), over psycopg 3. Unlike a DuckDB file, a PostgreSQL database has no single owner: ``heard
serve``, ``heard watch`` and any CLI command can have it open together. What must still be
serialised is serialised by the database:

- migrations: one migrator at a time (an advisory transaction lock), so two processes starting
  on a fresh database do not both create the tables;
- the search-index build: one at a time, swapped in at commit (``search.rebuild``);
- stateful writers: the topics operator keeps per-writer state (centroids, its window), so only
  one ingest/watch may run the topics at once — ``writer_lock("topics")`` takes a session
  advisory lock that the database drops when the process dies, and raises ``StoreLockedError``
  when another process holds it.
Batches themselves need no lock: ``write_batch`` is one transaction and ids are primary keys.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

import psycopg
import pyarrow as pa
from psycopg.rows import dict_row

from heard.clock import utcnow
from heard.errors import StoreError, StoreLockedError, StoreUnavailableError
import heard.store.postgres.arrowio as arrowio
import heard.store.postgres.search as search
from heard.store.postgres.connection import (
    dropped,
    migration_refused,
    teaching_errors as _teaching_errors,
)
from heard.store.postgres.runs import RunLog
from heard.store.postgres.writes import PostWrites
from heard.store.postgres.schema import LATEST, MIGRATIONS
from heard.store.postgres.sql import redact_url, to_psycopg
from heard.store.versions import pending, to_apply

MIGRATION_LOCK = 0x48454152_0000
"""Advisory-lock key held while migrating (any 64-bit constant of our own)."""

T = TypeVar("T")


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name (the same in every process)."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class PostgresStore(PostWrites, RunLog):
    """Posts, enrichments, embeddings, quarantine and checkpoints in a PostgreSQL database.

    Use ``open_store(url)``. The connection runs in autocommit mode; ``transaction()`` (and every
    ``write_batch``) groups statements into one transaction, nested blocks become savepoints.
    """

    backend = "postgresql"
    shared = True
    """Several processes write it at once (serve, watch, ingest): topic writers take a lock."""

    def __init__(
        self,
        con: psycopg.Connection[Any],
        url: str,
        read_only: bool = False,
        batch_insert: str = "copy",
    ):
        self._con = con
        self._closed = False
        self._pinned = 0  # blocks whose session state (a lock, a temp table) lives on _con
        self._reconnect_lock, self._pin_lock = threading.Lock(), threading.Lock()
        self.url = url
        self.path = redact_url(url)  # what messages show where the DuckDB store shows its file
        self.read_only = read_only
        if batch_insert not in ("copy", "executemany"):
            raise ValueError("batch_insert is 'copy' or 'executemany'")
        self.batch_insert = batch_insert
        from heard.store.repos.accounts import Accounts
        from heard.store.repos.cases import Cases
        from heard.store.repos.deployment import Deployment
        from heard.store.repos.hotspots import Hotspots
        from heard.store.repos.issues import Issues
        from heard.store.repos.protect import Protect
        from heard.store.repos.topics import Topics

        self.topics = Topics(self)
        self.hotspots = Hotspots(self)
        self.accounts = Accounts(self)
        self.deployment = Deployment(self)
        self.cases = Cases(self)
        self.protect = Protect(self)
        self.issues = Issues(self)

    # ---- lifecycle -------------------------------------------------------------------------
    @property
    def con(self) -> psycopg.Connection[Any]:
        """The connection; one the database closed (a restart, a failover) is opened again
        before the next statement, with this store's session settings, except in a block that
        keeps session state on it (``_session``: a lock, a temporary table would be lost
        unsaid). A store closed with ``close()`` stays closed."""
        con = self._con
        if self._closed or (not con.closed and (self._pinned or not dropped(con))):
            return con
        with self._reconnect_lock:  # request threads share the server's writable store
            if self._con is con and not self._closed:
                con.close()
                try:
                    fresh = _connect(self.url, self.path)
                except StoreError as exc:
                    raise StoreUnavailableError(exc.what, exc.fix) from exc
                with _teaching_errors(self.path):
                    if self.read_only:
                        _read_only_session(fresh)
                self._con = fresh
        return self._con

    @contextmanager
    def _session(self) -> Iterator[None]:
        """The block keeps session state on this connection: no silent reconnect inside."""
        with self._pin_lock:  # the server's request threads share its writable store
            self._pinned += 1
        try:
            yield
        finally:
            with self._pin_lock:
                self._pinned -= 1

    def _again(self, run: Callable[[], T]) -> T:
        """``run()``, a read, once more on a new connection if the server dropped a read-only
        store's connection under it (a read-only session wrote nothing). A writable store's
        caller decides (the server answers 503, ``heard watch`` waits for the database)."""
        retry = self.read_only and not self._pinned
        try:
            with _teaching_errors(self.path):
                return run()
        except StoreUnavailableError:
            if not retry or self._closed:
                raise
        with _teaching_errors(self.path):
            return run()

    def close(self) -> None:
        self._closed = True
        self._con.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[PostgresStore]:
        """Everything in the block commits together or not at all (an exception rolls it back)."""
        with _teaching_errors(self.path), self._session(), self.con.transaction():
            yield self

    def migrate(self) -> int:
        """Apply pending migrations (one process at a time); return the schema version. An
        up-to-date store needs no DDL right; a role that may not migrate (another owns the
        tables or the schema) is told which role can."""
        ddl = [False]
        try:
            return self._migrate(ddl)
        except psycopg.errors.InsufficientPrivilege as exc:
            if not ddl[0]:  # may not even read schema_version: the GRANT (_teaching_errors)
                raise
            what, fix = migration_refused(self.con, self.url, self.path, LATEST, exc)
            raise StoreError(what, fix) from exc

    def _migrate(self, ddl: list[bool]) -> int:
        with self.con.transaction():
            self.con.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            exists = bool(self.scalar("SELECT to_regclass('schema_version') IS NOT NULL"))
            if not exists:
                to_apply(self, MIGRATIONS, self.path, False, self._own_tables())  # not another's
            applied = (
                {r[0] for r in self.con.execute("SELECT version FROM schema_version")}
                if exists
                else set()
            )
            todo = pending(applied, MIGRATIONS, self.path)  # a newer Heard's store: refused
            if exists and not todo:
                return LATEST
            ddl[0] = True
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP)"
            )
            for version, statements in MIGRATIONS:  # by set, as on DuckDB (branches number apart)
                if version not in todo:
                    continue
                for step in statements:  # a function of the store, or DDL run as it is
                    step(self) if callable(step) else self.con.execute(step)
                self.con.execute("INSERT INTO schema_version VALUES (%s, %s)", [version, utcnow()])
        return LATEST

    def _own_tables(self) -> list[str]:
        """Tables of the schema, less those an extension made (PostGIS's spatial_ref_sys)."""
        return [
            r[0]
            for r in self.fetchall(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
                "AND d.deptype = 'e')"
            )
        ]

    def schema_version(self) -> int:
        return int(self.scalar("SELECT max(version) FROM schema_version"))

    @contextmanager
    def writer_lock(self, name: str = "topics", wait_s: float = 0.0) -> Iterator[None]:
        """Hold the database-wide lock ``name`` for the block; ``StoreLockedError`` when another
        session holds it for longer than ``wait_s`` seconds. For writers whose state lives in
        the process (the topics operator)."""
        key = lock_key(f"heard:{name}")
        deadline = time.monotonic() + wait_s
        while True:
            with _teaching_errors(self.path):
                got = self.con.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
            if (got and got[0]) or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        if not (got and got[0]):
            raise StoreLockedError(
                f"another process is writing {name} to {self.path} (one {name} writer at a time)",
                "wait for that 'heard ingest' or 'heard watch' to finish, or stop it; "
                "reading (heard serve, queries) needs no lock",
            )
        try:
            with self._session():
                yield
        finally:
            if not self._con.closed:  # a connection lost in the block lost its lock too
                with _teaching_errors(self.path):
                    self._con.execute("SELECT pg_advisory_unlock(%s)", [key])

    def data_version(self) -> int:
        """A number that changes whenever any process has written a batch or rebuilt the search
        index (a sequence: cheap to read, never rolled back). ``heard serve``'s caches key on it;
        on DuckDB the server owns the file and counts its own writes instead."""
        return int(
            self.scalar(
                "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM heard_data_version"
            )
        )

    def read_connection(self) -> PostgresStore:
        """Another, read-only connection to the same database: one per request thread (a psycopg
        connection runs one statement at a time; the read view opens one for each)."""
        return open_store(self.url, read_only=True)

    def reader(self, max_queries: int | None = None) -> Any:
        """A read view for the server's request threads (``PostgresReadView``)."""
        from heard.store.postgres.readview import PostgresReadView

        return PostgresReadView(self, max_queries)

    # ---- generic query helpers --------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query (``?`` placeholders, as on DuckDB) and return its rows as dicts."""

        def run() -> list[dict[str, Any]]:
            with self.con.cursor(row_factory=dict_row) as cur:
                cur.execute(to_psycopg(sql) if params else sql, list(params) if params else None)
                return cur.fetchall() if cur.description else []

        return self._again(run)

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        def run() -> Any:
            with self.con.cursor() as cur:
                cur.execute(to_psycopg(sql) if params else sql, list(params) if params else None)
                row = cur.fetchone() if cur.description else None
                return row[0] if row else None

        return self._again(run)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        def run() -> list[tuple[Any, ...]]:
            with self.con.cursor() as cur:
                cur.execute(to_psycopg(sql) if params else sql, list(params) if params else None)
                return cur.fetchall() if cur.description else []

        return self._again(run)

    def fetchall_any_thread(
        self, sql: str, params: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """``fetchall`` from any thread (a psycopg connection serialises its statements)."""
        return self.fetchall(sql, params)

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """A query's result as an Arrow table (``real[]`` vectors as float32 lists)."""
        return self._again(
            lambda: arrowio.arrow(self.con, to_psycopg(sql) if params else sql, params)
        )

    def arrow_batches(
        self, sql: str, params: Sequence[Any] | None, batch_size: int
    ) -> Iterator[pa.Table]:
        """A query's result in Arrow tables of up to ``batch_size`` rows (read whole here, then
        cut: the server holds the rows, and psycopg's client copy is the only one)."""
        table = self.arrow(sql, params)
        for at in range(0, table.num_rows, batch_size):
            yield table.slice(at, batch_size)

    def stream_arrow(self, sql: str, batch_size: int) -> Iterator[pa.Table]:
        """A long query's rows as Arrow tables of ``batch_size`` rows, read on a connection of
        its own (so the caller may write between batches)."""
        return arrowio.stream(self.url, sql, batch_size)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run a statement (``?`` placeholders, as on DuckDB)."""
        with _teaching_errors(self.path):
            self.con.execute(to_psycopg(sql) if params else sql, list(params) if params else None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with _teaching_errors(self.path), self.con.cursor() as cur:
                cur.executemany(to_psycopg(sql), [list(r) for r in rows])

    def registered(self, name: str, table: pa.Table) -> AbstractContextManager[None]:
        """``table`` (Arrow) is visible to SQL as ``name`` for the block (a temporary table)."""
        return self._registered(name, table)

    @contextmanager
    def _registered(self, name: str, table: pa.Table) -> Iterator[None]:
        with self._session(), arrowio.registered(self.con, name, table):
            yield

    def tables(self) -> set[str]:
        return {
            r["table_name"]
            for r in self.rows(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }

    def columns(self, table: str) -> list[str]:
        return [
            r["column_name"]
            for r in self.rows(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            )
        ]

    # ---- full-text search ------------------------------------------------------------------
    def rebuild_search_index(self, finished: bool = False) -> None:
        """(Re)build the BM25 postings over ``posts.search_text`` (``search.rebuild``);
        ``finished``: this build ends a run's end-of-run work, so what is owed is cleared."""
        with _teaching_errors(self.path):
            search.rebuild(self.con)
            self.con.execute("SELECT nextval('heard_data_version')")
            if finished:
                with self.con.transaction():
                    self.con.execute("DELETE FROM pending_work")

    def has_search_index(self) -> bool:
        return bool(self.scalar(search.HAS_INDEX))

    def search_ranked(
        self,
        query: str,
        limit: int,
        after: tuple[float, int] | None = None,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
        frozen: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Best matches first: ``[{name, score, docid}]`` as ``heard.read.posts`` ranks them."""
        return self._again(
            lambda: search.ranked(self.con, query, limit, after, where, params, frozen)
        )

    def search_stats(self, query: str) -> dict[str, Any]:
        """What BM25 ranks ``query`` by now (``heard.store.postgres.search.stats``)."""
        return self._again(lambda: search.stats(self.con, query))


READ_WORK_MEM = "32MB"
"""Memory for each sort or hash of a read-only connection (the server's default is 4 MB)."""


def _connect(url: str, shown: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="heard")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            f"cannot connect to {shown}: {first}",
            "check that the server runs, the URL (user, host, port, database) "
            "and the password (PGPASSWORD or ~/.pgpass)",
        ) from exc


def _read_only_session(con: psycopg.Connection[Any]) -> None:
    con.execute("SET default_transaction_read_only = on")
    # the dashboard's aggregates group a million posts by (group, author): at the server's
    # default 4 MB they sort and hash on disk (bench/overview_sql_ab.py, 1M posts: the overview
    # 4.71 s at 4 MB, 2.63 s at 32 MB)
    con.execute(f"SET work_mem = '{READ_WORK_MEM}'")


def open_store(
    url: str, read_only: bool = False, batch_insert: str = "copy", **_duckdb_only: Any
) -> PostgresStore:
    """Connect to the PostgreSQL database at ``url`` (``postgresql://user@host:port/db``),
    migrating it unless ``read_only``. ``memory_limit`` and other DuckDB options are ignored."""
    shown = redact_url(url)
    con = _connect(url, shown)
    store = PostgresStore(con, url, read_only=read_only, batch_insert=batch_insert)
    try:
        with _teaching_errors(shown):  # a role without rights on the tables, say
            if read_only:
                exists = bool(store.scalar("SELECT to_regclass('schema_version') IS NOT NULL"))
                tables = None if exists else store._own_tables()
                if to_apply(store, MIGRATIONS, shown, exists, tables):  # older: migrate first
                    store.migrate()
                _read_only_session(con)
            else:
                store.migrate()
    except BaseException:
        con.close()
        raise
    return store
