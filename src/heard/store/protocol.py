"""What every store backend provides. Code outside ``heard.store`` sees only this.

A store holds posts with their enrichments, the quarantine, checkpoints and runs, and one
repository per concern (``topics``, ``hotspots``, ``accounts``, ``deployment``, ``cases``,
``protect``). All writes of one logical step go inside ``transaction()``: they commit together or
not
at all. The read model (``heard.read``) reads through ``heard.store.queries``, which runs its SQL
through ``rows``/``scalar``; no package outside ``heard.store`` runs SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from heard.records import Post, Quarantined

FINISH = "finish"
"""The ``pending_work`` kind for a run's end-of-run work (``heard.pipeline.pending``)."""
TOPICS_CONSOLIDATED = "topics_consolidated"
"""Progress within it: the run's final topic consolidation has committed (not to be redone)."""

Checkpoint = tuple[str, str, int] | tuple[str, str, int, str | None]
"""``(file key, file, last position[, read])``: ``read`` fingerprints the bytes read up to that
position (``heard.connectors.base.ConsumedBytes.mark``), for ``heard.pipeline.resume``."""


@runtime_checkable
class Store(Protocol):
    backend: str
    """``duckdb`` (embedded, one process) or ``postgresql`` (a server, several processes)."""
    shared: bool
    """Whether other processes may write at the same time (then topic writers take
    ``writer_lock``)."""
    read_only: bool
    topics: Any
    hotspots: Any
    accounts: Any
    deployment: Any
    cases: Any
    """Departments, cases, case events and routing corrections (``store/duckdb/cases.py``):
    ``save_departments``, ``departments``, ``open_cases``, ``case``, ``case_for_post``,
    ``case_by_token_hash``, ``update_case``, ``add_events``, ``events``, ``add_correction``,
    ``training_rows``, ``posts_without_case``."""
    protect: Any
    """Flags, decisions, appeals, gold items and the audit log (``heard.protect``)."""

    def transaction(self) -> AbstractContextManager[None]: ...

    def writer_lock(
        self, name: str = "topics", wait_s: float = 0.0
    ) -> AbstractContextManager[None]:
        """The database-wide lock of one kind of stateful writer (a no-op on DuckDB)."""
        ...

    def close(self) -> None: ...

    # ---- ingest ------------------------------------------------------------------------------
    def existing_ids(self, ids: Sequence[str]) -> set[str]: ...

    def known_text_hashes(self, hashes: Sequence[str]) -> set[str]: ...

    def write_batch(
        self,
        posts: Sequence[Post],
        columns: dict[str, Any],
        models: dict[str, str],
        quarantined: Iterable[Quarantined] = (),
        source: str = "",
        checkpoint: Checkpoint | None = None,
    ) -> int: ...

    def is_empty(self) -> bool: ...

    def checkpoint(self, file_key: str) -> int: ...

    def checkpoint_mark(self, file_key: str) -> str | None:
        """What had been read when the checkpoint was written (``heard.pipeline.resume``)."""

    def record_run(
        self,
        run_id: str,
        started_at: datetime,
        source: str,
        files: list[str],
        summary: dict[str, Any],
    ) -> None: ...

    def rebuild_search_index(self, finished: bool = False) -> None: ...

    def mark_pending(self, kind: str) -> None: ...

    def pending_work(self) -> set[str]: ...

    def source_of_file(self, content_key: str) -> str | None: ...

    def has_search_index(self) -> bool: ...

    # ---- the read model's access -------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]: ...

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...

    def tables(self) -> set[str]: ...

    def columns(self, table: str) -> list[str]: ...

    # ---- the repositories' SQL surface (``heard.store.repos``) --------------------------------
    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]: ...

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...

    def arrow_batches(
        self, sql: str, params: Sequence[Any] | None, batch_size: int
    ) -> Iterator[Any]:
        """A query's result as Arrow tables of up to ``batch_size`` rows, on this connection (it
        sees the open transaction's writes); run nothing else on the store until it is read."""
        ...

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def registered(self, name: str, table: Any) -> AbstractContextManager[None]: ...

    def reader(self, max_queries: int | None = None) -> Reader:
        """A reader safe to share between request threads (the server's)."""
        ...


@runtime_checkable
class Reader(Protocol):
    """What the read model needs: a store, or a request threads' reader over one."""

    topics: Any
    hotspots: Any
    cases: Any
    """Read methods only (``case``, ``departments`` …); writes go through the store."""

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]: ...

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...

    def tables(self) -> set[str]: ...

    def columns(self, table: str) -> list[str]: ...

    def has_search_index(self) -> bool: ...

    def search_ranked(
        self,
        query: str,
        limit: int,
        after: tuple[float, int] | None = None,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
        frozen: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """BM25 matches, best first: ``[{name, score, docid}]`` (one implementation per
        backend: ``store/duckdb_search.py``, ``store/postgres/search.py``); ``frozen``: a
        ``search_stats`` to score by instead of the index's statistics now."""
        ...

    def search_stats(self, query: str) -> dict[str, Any]:
        """The statistics BM25 ranks ``query`` by now: ``{num_docs, avgdl, df: {term: posts}}``
        with every distinct term of the query. Pages of one search are all ranked by their first
        page's, so new posts indexed between pages neither repeat nor skip a match."""
        ...
