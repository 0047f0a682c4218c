"""Read access for request threads: one DuckDB cursor per thread over the store's database.

A DuckDB connection must not be used by two threads at once; ``con.cursor()`` gives each worker
thread its own connection to the same database. Writes (uploads) go through the store itself,
one at a time, under ``write_lock``.

At most ``max_queries`` queries run at once (the rest wait their turn): DuckDB parallelises each
query over the cores already, and dozens of simultaneous queries under one buffer-pool cap only
thrash and fail with out-of-memory errors, so an overloaded server would collapse instead of
queueing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from heard.store.duckdb.schema import HAS_SEARCH_INDEX

if TYPE_CHECKING:
    from heard.store.duckdb.store import DuckDBStore


class ReadView:
    """``rows``/``scalar`` like the store's, safe to call from any request thread."""

    def __init__(self, store: DuckDBStore, max_queries: int | None = None):
        self.store = store
        self._local = threading.local()
        self._slots = threading.BoundedSemaphore(max_queries or max(2, os.cpu_count() or 2))
        self.write_lock = threading.RLock()  # re-entrant: a filing holds it over its ingest
        self.data_version = 0
        """Bumped after every write: caches of aggregates key on it."""
        from heard.store.repos.hotspots import Hotspots
        from heard.store.repos.topics import Topics

        self.topics = Topics(self)
        self.hotspots = Hotspots(self)
        from heard.store.repos.cases import Cases

        self.cases = Cases(self)  # reads only: writes go through the store, under write_lock

    def _cursor(self) -> Any:
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self.store.con.cursor()
            self._local.cur = cur
        return cur

    @property
    def con(self) -> Any:
        """This thread's connection (so store-level helpers of other packages can take a
        ReadView)."""
        return self._cursor()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self._slots:
            cur = self._cursor().execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        with self._slots:
            row = self._cursor().execute(sql, params or []).fetchone()
        return row[0] if row else None

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._slots:
            result: list[tuple[Any, ...]] = self._cursor().execute(sql, params or []).fetchall()
        return result

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        with self._slots:
            return self._cursor().execute(sql, params or []).to_arrow_table()

    def search_ranked(
        self,
        query: str,
        limit: int,
        after: tuple[float, int] | None = None,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
        frozen: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Best matches first: ``[{name, score, docid}]`` (``heard.store.duckdb_search``)."""
        from heard.store.duckdb_search import ranked

        return ranked(self, query, limit, after, where, params, frozen)

    def search_stats(self, query: str) -> dict[str, Any]:
        """What BM25 ranks ``query`` by now (``heard.store.duckdb_search.stats``)."""
        from heard.store.duckdb_search import stats

        return stats(self, query)

    def tables(self) -> set[str]:
        return {r["table_name"] for r in self.rows("SELECT table_name FROM duckdb_tables()")}

    def registered(self, name: str, table: Any) -> Any:
        return self.store.registered(name, table)

    def columns(self, table: str) -> list[str]:
        return [
            r["column_name"]
            for r in self.rows(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY "
                "column_index",
                [table],
            )
        ]

    def has_search_index(self) -> bool:
        return bool(self.scalar(HAS_SEARCH_INDEX))

    def changed(self) -> None:
        self.data_version += 1
