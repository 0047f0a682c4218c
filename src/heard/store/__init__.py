"""Storage: the ``Store`` protocol (``heard.store.protocol``) and its backends.

``duckdb/`` is the embedded default: one file, one process; ``postgres/`` is the server backend
that several processes share. ``open_store(target)`` opens whichever ``--db`` names (a file path
or a ``postgresql://`` URL). Code outside this package talks to a ``Store`` — its ingest methods,
``transaction()``, and one repository per concern (``store.topics``, ``store.hotspots``,
``store.accounts`` …, shared by both backends in ``repos/``) — and never runs SQL itself; the read
model (``heard.read``) reads through the query functions of ``queries/`` (one module per concern),
which run their SQL through ``rows``/``scalar``.
"""

from heard.store.backends import is_postgres, open_store, store_exists
from heard.store.duckdb.store import INGEST_MEMORY_LIMIT, DuckDBStore
from heard.store.protocol import Reader, Store

__all__ = [
    "INGEST_MEMORY_LIMIT",
    "DuckDBStore",
    "Reader",
    "Store",
    "is_postgres",
    "open_store",
    "store_exists",
]
