"""`heard watch FILE --db postgresql://…` and `heard ingest` stopped at the first batch that
met the database down (a maintenance restart, a failover): "error: cannot connect to …", and a
service manager had to start the watch again (found 2026-12-07 with pg_ctl stop/start under a
running watch). They now wait for the database, store the batch when it is back and go on from
there: every line once, the checkpoint at the last one. The real CLI as a process, a real
PostgreSQL stopped and started under it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pg import PgServer

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"


def _count(url: str) -> tuple[int, int]:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as con:
            row = con.execute("SELECT count(*), count(DISTINCT id) FROM posts").fetchone()
    except psycopg.Error:  # not there yet (the watch migrates it) or the server is down
        return (-1, -1)
    assert row is not None
    return int(row[0]), int(row[1])


def _wait_for(url: str, posts: int, watch: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _count(url)[0] >= posts:
            return
        if watch.poll() is not None:
            raise AssertionError(f"the watch stopped: {watch.stderr.read().decode()}")  # type: ignore[union-attr]
        time.sleep(0.3)
    raise AssertionError(f"{posts} posts not stored after {timeout} s: {_count(url)}")


@pytest.mark.slow
def test_a_watch_waits_for_the_database_and_loses_nothing(
    restartable_pg: PgServer, tmp_path: Path
) -> None:
    url = restartable_pg.create_database()
    lines = DEMO.read_bytes().splitlines()[:40]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"")

    def append(part: list[bytes]) -> None:
        with feed.open("ab") as fh:
            fh.write(b"\n".join(part) + b"\n")

    command = [sys.executable, "-c", "from heard.cli import main; main()", "watch", str(feed)]
    command += ["--db", url, "--max-wait", "0.2", "--refresh-every", "3600"]
    env = {**os.environ, "HEARD_ALERT_LOG": str(tmp_path / "alerts.jsonl"), "TERM": "dumb"}
    watch = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        append(lines[:10])
        _wait_for(url, 10, watch)
        restartable_pg.halt()  # down while lines arrive: the batch waits for it
        try:
            append(lines[10:20])
            time.sleep(3)
            assert watch.poll() is None, watch.stderr.read().decode()  # type: ignore[union-attr]
        finally:
            restartable_pg.resume()
        _wait_for(url, 20, watch)
        restartable_pg.halt()  # a restart between batches
        restartable_pg.resume()
        append(lines[20:40])
        _wait_for(url, 40, watch)
    finally:
        watch.send_signal(signal.SIGTERM)
        _, err = watch.communicate(timeout=120)
    said = " ".join(err.decode().split())
    assert watch.returncode == 0, said
    assert "waiting for the database" in said
    assert "40 rows, 40 new posts, 0 quarantined" in said
    assert _count(url) == (40, 40)
    import psycopg

    with psycopg.connect(url) as con:
        assert con.execute("SELECT position FROM checkpoints").fetchall() == [(40,)]


@pytest.mark.slow
def test_an_ingest_waits_for_the_database_and_counts_each_row_once(
    restartable_pg: PgServer, tmp_path: Path
) -> None:
    """`heard ingest` stopped with the error; run again, it resumed. It now waits and goes on in
    the same run, and its figures count each row once (a batch the database lost is read
    again, not counted again)."""
    import json

    url = restartable_pg.create_database()
    total = len(DEMO.read_bytes().splitlines())
    command = [sys.executable, "-c", "from heard.cli import main; main()", "ingest", str(DEMO)]
    command += ["--db", url, "--json"]
    env = {**os.environ, "HEARD_BATCH_SIZE": "16", "TERM": "dumb"}
    ingest = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for(url, 100, ingest)
        restartable_pg.halt()
        time.sleep(2)
    finally:
        restartable_pg.resume()
    out, err = ingest.communicate(timeout=300)
    said = " ".join(err.decode().split())
    assert ingest.returncode == 0, said
    assert "waiting for the database" in said
    summary = json.loads(out)
    assert summary["rows_read"] == total and summary["stored"] == total
    assert summary["already_stored"] == 0
    assert _count(url) == (total, total)
