"""Storage: a protocol (``base.Store``) and the embedded DuckDB implementation (default)."""

from heard.store.duckdb_store import DuckDBStore, open_store

__all__ = ["DuckDBStore", "open_store"]
