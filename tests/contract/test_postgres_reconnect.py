"""PostgreSQL restarted (maintenance, a failover) under a running `heard serve`: every request,
/health included, answered 500 "the connection is closed" until the server was restarted too.
The request in flight when the connection dies fails; the next ones reconnect."""

from __future__ import annotations

from pathlib import Path

import pytest


def _drop_connections(pg_url: str) -> None:
    import psycopg

    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    dbname = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_reconnects_after_its_connection_is_dropped(pg_url: str, read_only: bool) -> None:
    from heard.errors import StoreError
    from heard.store.backends import open_store

    open_store(pg_url).close()
    store = open_store(pg_url, read_only=read_only)
    try:
        assert store.scalar("SELECT 1") == 1
        _drop_connections(pg_url)
        with pytest.raises(StoreError, match="lost the connection"):
            store.scalar("SELECT 1")
        assert store.scalar("SELECT 1") == 1
        if read_only:  # the session is read-only again
            assert store.scalar("SHOW default_transaction_read_only") == "on"
    finally:
        store.close()
    with pytest.raises(Exception):  # closed on purpose: stays closed
        store.scalar("SELECT 1")


def test_the_server_answers_again_after_the_database_restarts(pg_url: str, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings
    from heard.store.backends import open_store

    with open_store(pg_url) as store:
        from heard.auth import Accounts, Role

        accounts = Accounts(store)
        accounts.add_user("ana", "pw-12345678", Role.admin)
        _, token = accounts.create_token("ana", "check")
    settings = Settings(db=pg_url, alert_log=tmp_path / "alerts.jsonl", notify_interval_s=0)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/stats", headers=headers).status_code == 200
        _drop_connections(pg_url)
        client.get("/api/v1/stats", headers=headers)  # the request in flight may fail
        client.get("/health")
        assert client.get("/api/v1/stats", headers=headers).status_code == 200
        assert client.get("/health").status_code == 200


def test_a_writer_that_lost_its_connection_says_so(pg_url: str) -> None:
    """`heard watch` on PostgreSQL when the database restarted between its batches ended in a
    psycopg AdminShutdown traceback from the topics' writer lock."""
    from heard.errors import StoreError
    from heard.store.backends import open_store

    store = open_store(pg_url)
    try:
        with store.writer_lock("topics"):
            pass
        _drop_connections(pg_url)
        with pytest.raises(StoreError, match="lost the connection"):
            with store.writer_lock("topics"):
                pass
        with store.writer_lock("topics"):  # and the next batch goes on
            assert store.scalar("SELECT 1") == 1
    finally:
        store.close()
