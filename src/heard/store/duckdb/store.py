"""The embedded store: one DuckDB file owned by one process, written in Arrow batches."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from heard.clock import to_naive_utc, utcnow
from heard.errors import InputError, StoreError, StoreLockedError
from heard.connectors.scrub import scrub_excerpt
from heard.connectors.clean import fix_surrogates
from heard.records import Post, Quarantined, content_hash
from heard.store.protocol import FINISH, TOPICS_CONSOLIDATED, Checkpoint
from heard.testing import test_hook
from heard.store.duckdb_search import ranked, stats
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

RAW_KEEP_CHARS = 2000
"""How much of a quarantined row's raw text is kept (the file and position point to the rest)."""


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


class DuckDBStore:
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

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored already (re-ingest skips them before any model runs)."""
        return self._stored_values("id", ids)

    def known_text_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Which of these text hashes some stored post already has (duplicate-text counting)."""
        return self._stored_values("text_hash", hashes)

    def _stored_values(self, column: str, values: Sequence[str]) -> set[str]:
        """The ``values`` that some stored post has in ``column`` (``id`` or ``text_hash``).

        Probes go in as a registered Arrow table, never as a bound list: DuckDB's Python client
        tries ``import pandas`` twice for every value it binds, and without pandas each try searches
        the import path again (512 hashes against 60k posts: 79 ms bound, 23 ms registered)."""
        if not values:
            return set()
        table = pa.table({"v": pa.array(list(values), pa.string())})
        with self.registered("_probe", table):
            found = self.con.execute(
                f"SELECT DISTINCT p.{column} FROM posts p JOIN _probe q ON p.{column} = q.v"
            ).fetchall()
        return {r[0] for r in found}

    def write_batch(
        self,
        posts: Sequence[Post],
        columns: dict[str, Any],
        models: dict[str, str],
        quarantined: Iterable[Quarantined] = (),
        source: str = "",
        checkpoint: Checkpoint | None = None,
    ) -> int:
        """Store one enriched batch, its quarantined rows and the checkpoint in one transaction.

        ``columns`` holds what the stages assigned (``lang``, ``search_text``, ``entities``,
        ``sentiment_*``, ``embedding`` …); missing columns are stored as NULL. Returns the number
        of posts newly stored (ids already present are ignored).
        """
        with self.transaction():
            added = self._insert_posts(posts, columns, models) if posts else 0
            if added:  # new posts: the end-of-run work is owed, all of it
                self.mark_pending(FINISH)
                self.con.execute(f"DELETE FROM pending_work WHERE kind = '{TOPICS_CONSOLIDATED}'")
            identity = checkpoint[0].rsplit("|", 1)[-1] if checkpoint else None
            self._insert_quarantine(quarantined, source, identity)
            if checkpoint is not None:
                file_key, file, position, read = (*checkpoint, None)[:4]
                self.con.execute(
                    "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?, ?)",
                    [file_key, file, position, utcnow(), read],
                )
        return added

    def _insert_posts(
        self, posts: Sequence[Post], columns: dict[str, Any], models: dict[str, str]
    ) -> int:
        n = len(posts)
        now = utcnow()

        def col(name: str, default: Any = None) -> list[Any]:
            values = columns.get(name)
            return list(values) if values is not None else [default] * n

        def as_json(values: list[Any]) -> list[str | None]:
            return [
                None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                for v in values
            ]

        has_lang = "lang" in columns
        has_sent = "sentiment_score" in columns
        has_intent = "intent_label" in columns
        table = pa.table(
            {
                "id": [p.id for p in posts],
                "source": [p.source for p in posts],
                "external_id": [p.external_id for p in posts],
                "author_key": [p.author_key for p in posts],
                "title": [p.title for p in posts],
                "text": [p.text for p in posts],
                "text_hash": [content_hash(p.text) for p in posts],
                "created_at": pa.array(
                    [to_naive_utc(p.created_at) for p in posts], pa.timestamp("us")
                ),
                "ingested_at": pa.array([now] * n, pa.timestamp("us")),
                "url": [p.url for p in posts],
                "parent_id": [p.parent_id for p in posts],
                "thread_id": [p.thread_id for p in posts],
                "likes": pa.array([p.likes for p in posts], pa.int32()),
                "shares": pa.array([p.shares for p in posts], pa.int32()),
                "replies": pa.array([p.replies for p in posts], pa.int32()),
                "dislikes": pa.array([p.dislikes for p in posts], pa.int32()),
                "place": [p.place for p in posts],
                "lang": pa.array(col("lang"), pa.string()),
                "lang_model": pa.array(
                    [models.get("langid")] * n if has_lang else [None] * n, pa.string()
                ),
                "entities": pa.array(as_json(col("entities")), pa.string()),
                "search_text": pa.array(col("search_text"), pa.string()),
                "sentiment_score": pa.array(col("sentiment_score"), pa.float32()),
                "sentiment_label": pa.array(col("sentiment_label"), pa.string()),
                "sentiment_model": pa.array(
                    [models.get("sentiment")] * n if has_sent else [None] * n, pa.string()
                ),
                "sentiment_evidence": pa.array(as_json(col("sentiment_evidence")), pa.string()),
                "intent_label": pa.array(col("intent_label"), pa.string()),
                "intent_confidence": pa.array(col("intent_confidence"), pa.float32()),
                "intent_evidence": pa.array(as_json(col("intent_evidence")), pa.string()),
                "intent_model": pa.array(
                    [models.get("intent")] * n if has_intent else [None] * n, pa.string()
                ),
                "raw": [p.raw_json() for p in posts],
                "file": [p.file for p in posts],
                "position": pa.array([p.position for p in posts], pa.int64()),
            }
        )
        before = self.scalar("SELECT count(*) FROM posts")
        with self.registered("_new_posts", table):
            self.con.execute("INSERT OR IGNORE INTO posts BY NAME SELECT * FROM _new_posts")
        added = self.scalar("SELECT count(*) FROM posts") - before
        embedding = columns.get("embedding")
        if embedding is not None and added:
            model = models.get("embed", "unknown")
            emb = pa.table(
                {
                    "post_id": [p.id for p in posts],
                    "model": [model] * n,
                    "vec": pa.FixedSizeListArray.from_arrays(
                        pa.array(embedding.astype("float32").ravel()), embedding.shape[1]
                    ).cast(pa.list_(pa.float32())),
                }
            )
            with self.registered("_new_emb", emb):
                self.con.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM _new_emb")
        result: int = added
        return result

    def _insert_quarantine(
        self, items: Iterable[Quarantined], source: str, identity: str | None = None
    ) -> None:
        items = list(items)
        if not items:
            return
        now = utcnow()
        table = pa.table(
            {
                "key": [q.key(identity) for q in items],
                "source": [source] * len(items),
                "file": [q.file for q in items],
                "position": pa.array([q.position for q in items], pa.int64()),
                "reason": [q.reason for q in items],
                "detail": [fix_surrogates(q.detail or "") for q in items],
                # handles never stored, whoever quarantined the row (RIGHTS.md §4); a lone
                # surrogate in what was read never stops the write of its quarantine row
                "raw": [fix_surrogates(scrub_excerpt(q.raw))[:RAW_KEEP_CHARS] for q in items],
                "quarantined_at": pa.array([now] * len(items), pa.timestamp("us")),
            }
        )
        with self.registered("_new_q", table):
            self.con.execute("INSERT OR IGNORE INTO quarantine SELECT * FROM _new_q")

    # ---- end-of-run work owed ----------------------------------------------------------------
    def mark_pending(self, kind: str) -> None:
        """Record ``kind`` in ``pending_work`` (call inside the caller's transaction). Written as
        literals: a bound parameter costs two pandas import searches in DuckDB's client."""
        if kind not in (FINISH, TOPICS_CONSOLIDATED):
            raise ValueError(f"unknown pending_work kind {kind!r}")
        self.con.execute(
            f"INSERT OR IGNORE INTO pending_work VALUES ('{kind}', now() AT TIME ZONE 'UTC')"
        )

    def pending_work(self) -> set[str]:
        """What a run left unfinished: ``"finish"`` when posts were stored and the end-of-run work
        (topic consolidation and labels, the search index) has not completed since; with
        ``"topics_consolidated"`` when that run's consolidation had committed before it died."""
        return {r[0] for r in self.con.execute("SELECT kind FROM pending_work").fetchall()}

    def source_of_file(self, content_key: str) -> str | None:
        """The source a file with this content key (``connectors.base.file_key``) was ingested
        as, when it was (checkpoint keys are ``source|content key``); the most recent if several."""
        row = self.con.execute(
            "SELECT file_key FROM checkpoints WHERE suffix(file_key, ?) ORDER BY updated_at DESC "
            "LIMIT 1",
            ["|" + content_key],
        ).fetchone()
        return row[0].rsplit("|", 1)[0] if row else None

    def is_empty(self) -> bool:
        """No post and no quarantined row (a database only just created)."""
        return not self.scalar(
            "SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM quarantine)"
        )

    def checkpoint(self, file_key: str) -> int:
        """The last position committed for this file (0 when never ingested)."""
        found = self.scalar("SELECT position FROM checkpoints WHERE file_key = ?", [file_key])
        return int(found or 0)

    def checkpoint_mark(self, file_key: str) -> str | None:
        """What had been read at that position (``heard.pipeline.resume``); None if unknown."""
        found = self.scalar("SELECT read_mark FROM checkpoints WHERE file_key = ?", [file_key])
        return str(found) if found else None

    def record_run(
        self,
        run_id: str,
        started_at: datetime,
        source: str,
        files: list[str],
        summary: dict[str, Any],
    ) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?)",
            [
                run_id,
                to_naive_utc(started_at),
                utcnow(),
                source,
                json.dumps(files, ensure_ascii=False),
                json.dumps(summary, ensure_ascii=False),
            ],
        )

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
