"""Storage: the ``Store`` protocol (``heard.store.protocol``) and its backends.

``duckdb/`` is the embedded default: one file, one process. Code outside this package talks to a
``Store`` — its ingest methods, ``transaction()``, and one repository per concern
(``store.topics``, ``store.hotspots``, ``store.accounts``) — and never runs SQL itself; the read
model (``heard.read``) reads through ``rows``/``scalar``.
"""

from heard.store.duckdb.store import INGEST_MEMORY_LIMIT, DuckDBStore, open_store
from heard.store.protocol import Reader, Store

__all__ = ["INGEST_MEMORY_LIMIT", "DuckDBStore", "Reader", "Store", "open_store"]
