"""PostgreSQL restarted (maintenance, a failover) under a running `heard serve`: every request,
/health included, answered 500 "the connection is closed" until the server was restarted too.
Then the request in flight when the connection died failed and the next ones reconnected, which
still made one 500 per request thread after a restart (found with curl against `heard serve`
and `pg_ctl restart`, 2026-12-07: 12 of 24 requests). A connection the server closed while idle
is now opened again before its next statement; a read that was in flight is run once more (a
read-only session wrote nothing); a write that was in flight, or a database that is down,
answers 503 with Retry-After, never 500."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pg import PgServer


def _drop_connections(pg_url: str) -> None:
    """End every session of the database, as a restart does, and wait until they are gone."""
    import psycopg

    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    dbname = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )


def _drop_while(pg_url: str, after_s: float) -> threading.Thread:
    """Drop every connection to the database ``after_s`` seconds from now (in a thread)."""

    def later() -> None:
        time.sleep(after_s)
        _drop_connections(pg_url)

    thread = threading.Thread(target=later)
    thread.start()
    return thread


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_reconnects_after_its_connection_is_dropped(pg_url: str, read_only: bool) -> None:
    from heard.store.backends import open_store

    open_store(pg_url).close()
    store = open_store(pg_url, read_only=read_only)
    try:
        assert store.scalar("SELECT 1") == 1
        _drop_connections(pg_url)
        assert store.scalar("SELECT 1") == 1  # reconnected before the statement: no error
        if read_only:  # the session is read-only again
            assert store.scalar("SHOW default_transaction_read_only") == "on"
    finally:
        store.close()
    with pytest.raises(Exception):  # closed on purpose: stays closed
        store.scalar("SELECT 1")


def test_a_read_in_flight_is_run_again_and_a_write_is_not(pg_url: str) -> None:
    from heard.errors import StoreUnavailableError
    from heard.store.backends import open_store

    open_store(pg_url).close()
    with open_store(pg_url, read_only=True) as reader:
        dropping = _drop_while(pg_url, 0.5)
        assert reader.scalar("SELECT 7 FROM pg_sleep(1.5)") == 7  # dropped, run again
        dropping.join()
    with open_store(pg_url) as writer:
        dropping = _drop_while(pg_url, 0.5)
        with pytest.raises(StoreUnavailableError, match="lost the connection"):
            writer.execute("SELECT pg_sleep(1.5)")  # not known to be safe twice: the caller's
        dropping.join()
        assert writer.scalar("SELECT 1") == 1


def test_a_writer_lock_is_never_lost_silently(pg_url: str) -> None:
    """`heard watch` on PostgreSQL when the database restarted between its batches ended in a
    psycopg AdminShutdown traceback from the topics' writer lock; now the next batch reconnects.
    A connection lost while the lock is held is an error: the lock went with it."""
    from heard.errors import StoreUnavailableError
    from heard.store.backends import open_store

    store = open_store(pg_url)
    try:
        with store.writer_lock("topics"):
            pass
        _drop_connections(pg_url)
        with store.writer_lock("topics"):  # between batches: reconnected, locked
            assert store.scalar("SELECT 1") == 1
            _drop_connections(pg_url)
            with pytest.raises(StoreUnavailableError, match="lost the connection"):
                store.scalar("SELECT 1")
        with store.writer_lock("topics"):  # and the next batch goes on
            assert store.scalar("SELECT 1") == 1
    finally:
        store.close()


def test_every_request_thread_reads_again_after_a_restart(restartable_pg: PgServer) -> None:
    from heard.store.backends import open_store

    url = restartable_pg.create_database()
    with open_store(url) as store:
        view = store.reader(max_queries=8)
        barrier = threading.Barrier(8)

        def read(_: int) -> int:
            barrier.wait(timeout=30)  # eight threads, eight connections
            return int(view.scalar("SELECT count(*) FROM posts"))

        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(read, range(8))) == [0] * 8
            restartable_pg.halt()
            restartable_pg.resume()
            assert list(pool.map(read, range(8))) == [0] * 8
        view.close()


def test_the_server_answers_after_a_restart_and_503_while_down(
    restartable_pg: PgServer, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.auth import Accounts, Role
    from heard.settings import Settings
    from heard.store.backends import open_store

    url = restartable_pg.create_database()
    with open_store(url) as store:
        accounts = Accounts(store)
        accounts.add_user("ana", "pw-12345678", Role.admin)
        _, token = accounts.create_token("ana", "check")
    settings = Settings(db=url, alert_log=tmp_path / "alerts.jsonl", notify_interval_s=0)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/stats", headers=headers).status_code == 200
        restartable_pg.halt()
        try:
            down = client.get("/api/v1/stats", headers=headers)
            assert down.status_code == 503, down.text
            assert int(down.headers["Retry-After"]) > 0
            assert "try again" in " ".join(down.json()["errors"])
            new = client.post("/api/v1/tokens", json={"username": "ana"}, headers=headers)
            assert new.status_code == 503, new.text
        finally:
            restartable_pg.resume()
        statuses = [client.get("/api/v1/stats", headers=headers).status_code for _ in range(10)]
        assert statuses == [200] * 10
        assert client.get("/health").status_code == 200
        new = client.post("/api/v1/tokens", json={"username": "ana"}, headers=headers)
        assert new.status_code == 201, new.text
        restartable_pg.halt()
        restartable_pg.resume()  # a restart between requests: nothing fails
        assert client.get("/api/v1/stats", headers=headers).status_code == 200
        new = client.post("/api/v1/tokens", json={"username": "ana"}, headers=headers)
        assert new.status_code == 201, new.text
