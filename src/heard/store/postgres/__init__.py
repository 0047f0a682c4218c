"""The PostgreSQL store (``--db postgresql://…``): the DuckDB store's methods over a server
database that several processes share. See ``store.py`` for what is serialised and how."""

from heard.store.postgres.store import PostgresStore, open_store

__all__ = ["PostgresStore", "open_store"]
