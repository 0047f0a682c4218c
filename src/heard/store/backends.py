"""Which store a ``--db`` value names: a ``postgresql://`` URL or a DuckDB file path.

``open_store(target)`` is the one entry point the CLI, the server and the runner need: the
settings hold ``db`` as given (``HEARD_DB``, ``--db``, ``heard.toml``) and this decides.
"""

from __future__ import annotations

import os
from typing import Any

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def postgres_url(target: str | os.PathLike[str]) -> str | None:
    """The PostgreSQL URL ``target`` names, or ``None`` for a DuckDB file path.

    ``Settings.db`` and ``--db`` keep the text as written. A URL that went through
    ``pathlib.Path`` elsewhere has lost one slash of ``://``; it is put back. (A URL without a
    host, ``postgresql:///db``, cannot be told from ``postgresql://db`` once a Path: pass text.)
    """
    text = os.fspath(target)
    lower = text.lower()
    if lower.startswith(POSTGRES_SCHEMES):
        return text
    for scheme in POSTGRES_SCHEMES:  # a Path, or the str() of one
        if lower.startswith(scheme[:-1]) and not lower.startswith(scheme):
            return scheme + text[len(scheme) - 1 :]
    return None


def shown(target: str | os.PathLike[str]) -> str:
    """How messages name a store: its file path, or its URL with any password hidden."""
    url = postgres_url(target)
    if url is None:
        return os.fspath(target)
    from heard.store.postgres.sql import redact_url

    return redact_url(url)


def store_exists(target: str | os.PathLike[str]) -> bool:
    """Whether there is a store to open: a DuckDB file that exists, or any PostgreSQL URL (the
    server says, when connecting, whether the database is there)."""
    return is_postgres(target) or os.path.exists(os.fspath(target))


def is_postgres(target: str | os.PathLike[str]) -> bool:
    """Whether ``target`` is a PostgreSQL URL (anything else is a DuckDB file path)."""
    return postgres_url(target) is not None


def open_store(target: str | os.PathLike[str], read_only: bool = False, **options: Any) -> Any:
    """Open the store ``target`` names, creating and migrating it unless ``read_only``.

    ``options`` go to the backend: ``memory_limit`` (DuckDB's buffer pool) is ignored by
    PostgreSQL, whose memory the server's configuration sets. The PostgreSQL driver is imported
    only when a URL asks for it.
    """
    url = postgres_url(target)
    if url is not None:
        from heard.store.postgres import open_store as open_postgres

        return open_postgres(
            url, read_only=read_only, **{k: v for k, v in options.items() if k != "memory_limit"}
        )
    from heard.store.duckdb.store import open_store as open_duckdb

    return open_duckdb(target, read_only=read_only, **options)
