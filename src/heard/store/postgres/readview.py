"""Read access for request threads on PostgreSQL: ``heard.read.view.ReadView``'s interface.

On DuckDB the server owns the file, each thread takes a cursor of the one connection, and the
data changes only through the server's own uploads. On PostgreSQL each request thread gets its
own read-only connection (a psycopg connection runs one statement at a time), and other
processes (``heard watch``, ``heard ingest``) write too: ``data_version`` therefore reads the
database's write counter as well, so the aggregate caches notice their batches.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heard.store.postgres.store import PostgresStore


class PostgresReadView:
    """``rows``/``scalar``/``tables``/``columns``/``has_search_index`` safe from any thread;
    at most ``max_queries`` run at once (the rest wait their turn, as on DuckDB)."""

    def __init__(self, store: PostgresStore, max_queries: int | None = None):
        self.store = store
        self._local = threading.local()
        self._slots = threading.BoundedSemaphore(max_queries or max(2, os.cpu_count() or 2))
        self._readers: list[PostgresStore] = []
        self._readers_lock = threading.Lock()
        self.write_lock = threading.RLock()  # re-entrant: a filing holds it over its ingest
        self._local_version = 0
        from heard.store.repos.cases import Cases
        from heard.store.repos.hotspots import Hotspots
        from heard.store.repos.topics import Topics

        self.topics = Topics(self)
        self.hotspots = Hotspots(self)
        self.cases = Cases(self)  # reads only: writes go through the store, under write_lock

    def _reader(self) -> PostgresStore:
        reader: PostgresStore | None = getattr(self._local, "reader", None)
        if reader is None or reader.con.closed:
            reader = self.store.read_connection()
            self._local.reader = reader
            with self._readers_lock:
                self._readers.append(reader)
        return reader

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self._slots:
            return self._reader().rows(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        with self._slots:
            return self._reader().scalar(sql, params)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._slots:
            return self._reader().fetchall(sql, params)

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        with self._slots:
            return self._reader().arrow(sql, params)

    def tables(self) -> set[str]:
        with self._slots:
            return self._reader().tables()

    def columns(self, table: str) -> list[str]:
        with self._slots:
            return self._reader().columns(table)

    def has_search_index(self) -> bool:
        with self._slots:
            return self._reader().has_search_index()

    def search_ranked(
        self,
        query: str,
        limit: int,
        after: tuple[float, int] | None = None,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
        frozen: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        with self._slots:
            return self._reader().search_ranked(query, limit, after, where, params, frozen)

    def search_stats(self, query: str) -> dict[str, Any]:
        with self._slots:
            return self._reader().search_stats(query)

    @property
    def data_version(self) -> tuple[int, int]:
        """Changes after this server's writes and after any other process's (caches key on it)."""
        with self._slots:
            return (self._local_version, self._reader().data_version())

    def changed(self) -> None:
        self._local_version += 1

    def close(self) -> None:
        """Close every thread's connection (the store itself is the caller's)."""
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()
