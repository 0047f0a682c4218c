"""The embedded store: one DuckDB file owned by one process, written in Arrow batches."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from heard.errors import InputError, StoreError, StoreLockedError
from heard.testing import test_hook
from heard.store.duckdb_search import ranked, stats
from heard.store.duckdb.runs import RunLog
from heard.store.duckdb.writes import PostWrites
from heard.store.duckdb.schema import FTS_IGNORE, HAS_SEARCH_INDEX, LATEST, MIGRATIONS
from heard.store.versions import apply_each, to_apply

if TYPE_CHECKING:
    from heard.store.duckdb.view import ReadView

MEMORY_LIMIT = "512MB"
"""DuckDB's buffer-pool cap (its default is 80 % of RAM, which lets a long ingest's RSS grow with
the file). Larger work spills to a temporary folder beside the database."""
INGEST_MEMORY_LIMIT = "288MB"
"""The cap for ingest runs (``heard ingest``, ``heard watch``, ``heard demo``): one writer, whose
models already hold most of its memory. On 200k posts 384 MB took the peak RSS from 1,552 to
1,319 MB; with the faster embedder and the topics' neighbour vote it had risen to 1,521 MB, and
320 MB brought it to 1,448 MB (target 1.5 GB). With the int8 embedder as the default it was
1,519 MB at 320 MB; 288 MB, with the embedder's onnxruntime memory patterns off, gives 1,422 MB.
The full-text index builds as fast at 256–512 MB (bench/ingest_throughput.py, BENCHMARKS.md)."""
CHECKPOINT_THRESHOLD = "128MB"
"""WAL gathered before DuckDB checkpoints (default 16 MB). In DuckDB 1.5 a checkpoint rewrites the
last row group (≤ 122,880 rows) of each indexed table appended to, so at 16 MB a 60k ingest
rewrote the stored vectors every ~3,500 posts: commits 37.0 s CPU; at 128 MB 7.9 s, peak RSS
unchanged (bench/ingest_profile.py). A killed run's WAL is replayed at the next open."""


class _NoPandas:
    """A meta-path finder that answers "no such module" for ``pandas`` at once (see below)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas":
            raise ModuleNotFoundError("No module named 'pandas'", name="pandas")
        return None


def _stop_pandas_searches() -> bool:
    """When pandas is not installed, make ``import pandas`` fail at once; True when it did so.

    DuckDB's Python client tries ``import pandas`` twice for every Python value it binds (each
    parameter of ``execute``, each cell of ``executemany``). A failed import is not remembered,
    so without pandas each try searched every folder of the import path again: 5,000 two-column
    rows by ``executemany`` cost 2.3 s of CPU, 1.0 s with this finder in front of the others.
    ``import pandas`` raises the same ``ModuleNotFoundError`` as before (``sys.modules`` is left
    alone: pyarrow and scikit-learn look pandas up there). Installed later in the process, pandas
    stays unseen by it; a new process finds it.
    """
    if "pandas" in sys.modules or any(isinstance(f, _NoPandas) for f in sys.meta_path):
        return False
    if importlib.util.find_spec("pandas") is not None:
        return False  # installed: the client imports it once, and nothing is searched again
    sys.meta_path.insert(0, _NoPandas())
    return True


_stop_pandas_searches()


def _fts_extension_path() -> str:
    import duckdb_extension_fts

    base = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    path = base / "fts.duckdb_extension"
    if not path.exists():
        raise StoreError(
            f"the DuckDB fts extension for duckdb {duckdb.__version__} is not at {path}",
            "install the matching wheel: pip install duckdb-extension-fts==" + duckdb.__version__,
        )
    return str(path)


class DuckDBStore(PostWrites, RunLog):
    """Posts, their enrichments, embeddings, quarantine and ingest checkpoints in one file.

    Use ``open_store(path)``; one process owns the file while it is open.
    """

    backend = "duckdb"
    shared = False
    """One process owns the file: no writer lock is needed between processes."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool = False):
        self.con = con
        self.path = path
        self.read_only = read_only
        self._fts_loaded = False
        self._depth = 0
        from heard.store.repos.accounts import Accounts
        from heard.store.repos.deployment import Deployment
        from heard.store.repos.cases import Cases
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

    def reader(self, max_queries: int | None = None) -> ReadView:
        """Per-thread cursors over this file, for the server's request threads."""
        from heard.store.duckdb.view import ReadView

        return ReadView(self, max_queries)

    def columns(self, table: str) -> list[str]:
        return [
            r["column_name"]
            for r in self.rows(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY "
                "column_index",
                [table],
            )
        ]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside the block commit together or not at all; an interrupt (Ctrl-C,
        SIGTERM turned into an exception) rolls back too. Nested blocks join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:  # an interrupt too: never leave the transaction open
            self._depth = 0
            self.con.execute("ROLLBACK")
            raise
        self._depth = 0
        self.con.execute("COMMIT")

    # ---- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at "
            "TIMESTAMP)"
        )
        apply_each(self, MIGRATIONS, self._pending())  # each in its own transaction
        return LATEST

    def _pending(self) -> list[int]:
        """Migrations not applied yet (``StoreError`` for a store a newer Heard made)."""
        return to_apply(self, MIGRATIONS, str(self.path), "schema_version" in self.tables())

    def schema_version(self) -> int:
        return int(self.scalar("SELECT max(version) FROM schema_version"))

    # ---- generic query helpers --------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""
        result: list[tuple[Any, ...]] = self.con.execute(sql, params or []).fetchall()
        return result

    search_ranked = ranked
    """Best matches first: ``[{name, score, docid}]`` (``heard.store.duckdb_search``)."""
    search_stats = stats

    @contextmanager
    def writer_lock(self, name: str = "topics", wait_s: float = 0.0) -> Iterator[None]:
        """Nothing to lock: the process that opened the file is its only writer."""
        yield

    def fetchall_any_thread(
        self, sql: str, params: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """``fetchall`` on a cursor of its own, safe beside another thread's use of the store."""
        cur = self.con.cursor()
        try:
            result: list[tuple[Any, ...]] = cur.execute(sql, params or []).fetchall()
            return result
        finally:
            cur.close()

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table (vectors as float lists)."""
        return self.con.execute(sql, params or []).to_arrow_table()

    def arrow_batches(
        self, sql: str, params: Sequence[Any] | None, batch_size: int
    ) -> Iterator[pa.Table]:
        """A query's result in Arrow tables of up to ``batch_size`` rows, read as DuckDB makes
        them: a large result is never whole in memory twice (DuckDB's and Arrow's copies)."""
        reader = self.con.execute(sql, params or []).to_arrow_reader(batch_size)
        for batch in reader:
            if batch.num_rows:
                yield pa.Table.from_batches([batch])

    def stream_arrow(self, sql: str, batch_size: int) -> Iterator[pa.Table]:
        """A long query's rows as Arrow tables of ``batch_size`` rows, read on a cursor of its
        own (so the caller may write between batches)."""
        cur = self.con.cursor()
        try:
            for batch in cur.execute(sql).to_arrow_reader(batch_size):
                if batch.num_rows:
                    yield pa.Table.from_batches([batch])
        finally:
            cur.close()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run a statement (``?`` placeholders)."""
        self.con.execute(sql, params or [])

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.con.executemany(sql, rows)

    def tables(self) -> set[str]:
        return {r["table_name"] for r in self.rows("SELECT table_name FROM duckdb_tables()")}

    # ---- writes ----------------------------------------------------------------------------
    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[None]:
        """``table`` (Arrow) is visible to SQL as ``name`` for the duration of the block."""
        self.con.register(name, table)
        try:
            yield
        finally:
            self.con.unregister(name)

    # ---- full-text search ------------------------------------------------------------------
    def load_fts(self) -> None:
        if not self._fts_loaded:
            self.con.execute(f"LOAD '{_fts_extension_path()}'")
            self._fts_loaded = True

    def rebuild_search_index(self, finished: bool = False) -> None:
        """(Re)build the BM25 index over ``posts.search_text`` (segmented Chinese + English words).

        DuckDB's fts extension tokenises and counts; we then copy its term occurrences into
        ``fts_main_posts.postings`` (term, docid, tf, doc length) sorted by term, so a query reads
        only the row groups of its own terms instead of scoring the whole corpus
        (``heard.read.posts``). The postings live in the index's schema, so rebuilding the
        index drops and remakes them together.

        One transaction: a kill during the build leaves the previous index whole (or none), never
        half of one. ``finished``: this build ends a run's end-of-run work, so the ``finish``
        marker (``pending_work``) is cleared in the same transaction.
        """
        self.load_fts()
        with self.transaction():
            self.con.execute(
                "PRAGMA create_fts_index('posts', 'id', 'search_text', stemmer='none', "
                f"stopwords='none', ignore='{FTS_IGNORE}', lower=1, overwrite=1)"
            )
            self.con.execute(
                """CREATE TABLE fts_main_posts.postings AS
                   SELECT d.term, t.docid, count(*)::INTEGER AS tf, any_value(c.len)::INTEGER AS len
                   FROM fts_main_posts.terms t JOIN fts_main_posts.dict d USING (termid)
                        JOIN fts_main_posts.docs c USING (docid)
                   GROUP BY d.term, t.docid ORDER BY d.term, t.docid"""
            )
            test_hook("index_built")
            if finished:
                self.con.execute("DELETE FROM pending_work")

    def has_search_index(self) -> bool:
        return bool(self.scalar(HAS_SEARCH_INDEX))


def open_store(
    path: str | os.PathLike[str], read_only: bool = False, memory_limit: str = MEMORY_LIMIT
) -> DuckDBStore:
    """Open (creating and migrating if needed) the DuckDB file at ``path``; DuckDB's buffer pool
    is capped at ``memory_limit``.

    Raises ``StoreLockedError`` when another process owns the file, with what to do.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise InputError(
            f"no Heard database at {path}",
            "ingest something first (heard ingest FILE --db " + str(path) + ") or pass --db",
        )
    if path.parent and not path.parent.exists():
        raise InputError(
            f"the folder {path.parent} does not exist", "create it or choose another --db path"
        )
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            pid = message.split("PID")[-1].strip(" )").split(")")[0] if "PID" in message else "?"
            raise StoreLockedError(
                f"{path} is in use by another process (PID {pid}); one process owns a Heard "
                f"database",
                "stop that process (e.g. a running 'heard serve' or 'heard ingest'), or work on "
                "a copy / another --db file; to run the server, a watch and commands together, "
                "use PostgreSQL (--db postgresql://…, docs/store-backends.md)",
            ) from exc
        raise StoreError(
            f"cannot open {path}: {message}", "check the path and its permissions"
        ) from exc
    except duckdb.Error as exc:  # e.g. a file that is not a database, opened read-only
        raise StoreError(
            f"cannot open {path} as a Heard database: {exc}",
            "pass --db the .duckdb file heard ingest made (or a new path to create one)",
        ) from exc
    con.execute(f"SET memory_limit = '{memory_limit}'")
    if not read_only:
        con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    store = DuckDBStore(con, path, read_only=read_only)
    try:
        todo = store._pending()  # refuses a store a newer Heard made, read-only or not
    except BaseException:
        store.close()
        raise
    if todo and read_only:  # an older Heard made it: migrate it first, as a writing command would
        store.close()
        open_store(path, memory_limit=memory_limit).close()
        return open_store(path, read_only=True, memory_limit=memory_limit)
    if todo:
        store.migrate()
    return store
