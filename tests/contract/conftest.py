"""Fixtures for the store contract: one throwaway PostgreSQL server per test session (tests/pg.py)
and a store factory parametrised over both backends."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pg import INSTALL_HINT, PgServer, find_bindir  # noqa: E402


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            f"needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin): {INSTALL_HINT}"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("needs psycopg: pip install -c requirements.lock -e '.[test]'")
    server = PgServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def restartable_pg() -> Iterator[PgServer]:
    """A server of the test module's own, which its tests may stop and start (``halt``,
    ``resume``) as a maintenance restart does; the session's is shared by every other test."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            f"needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin): {INSTALL_HINT}"
        )
    server = PgServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh, empty database on the session's server."""
    return pg_server.create_database()


@pytest.fixture(params=["duckdb", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """What ``--db`` would say for this backend: a DuckDB file or a PostgreSQL URL."""
    if backend == "duckdb":
        return str(tmp_path / "contract.duckdb")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def open_target(target: str) -> Iterator[Callable[..., Any]]:
    """``open_target(read_only=False)`` opens the test's store; every store opened is closed."""
    from heard.store.backends import open_store

    opened: list[Any] = []

    def _open(read_only: bool = False) -> Any:
        store = open_store(target, read_only=read_only)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        try:
            store.close()
        except Exception:
            pass
