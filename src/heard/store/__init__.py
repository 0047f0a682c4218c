"""Storage: a protocol (``base.Store``) and the embedded DuckDB implementation (default)."""

from heard.store.duckdb_store import INGEST_MEMORY_LIMIT, DuckDBStore, open_store

__all__ = ["INGEST_MEMORY_LIMIT", "DuckDBStore", "open_store"]
