"""`heard watch` as a user runs it: the demo corpus piped on stdin (with two bad lines) into a
fresh store, `--json`, a refresh after every stored batch. The incident's alert is printed as a JSON
line on stdout, everything else goes to stderr, bad lines are quarantined and counted, and a
status line tells that the watch is alive between alerts."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"


@pytest.mark.slow
def test_watch_on_stdin_prints_the_incident_alert_as_json(tmp_path):
    lines = DEMO.read_bytes().splitlines()
    stream = (
        b"\n".join([*lines[:300], b"{not json", b'{"id": "x", "text": ""}', *lines[300:]]) + b"\n"
    )
    db, log = tmp_path / "w.duckdb", tmp_path / "alerts.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from heard.cli import main; main()",
            "watch",
            "-",
            "--db",
            str(db),
            "--json",
            "--refresh-every",
            "0",
        ],
        input=stream,
        capture_output=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "HEARD_ALERT_LOG": str(log), "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr.decode()
    err = done.stderr.decode()
    every = [json.loads(line) for line in done.stdout.decode().splitlines()]  # stdout: alerts only
    alerts = [a for a in every if a.get("kind") != "issue"]  # topic alerts
    assert len(alerts) == 1
    assert "长乐路" in alerts[0]["label"] and alerts[0]["evidence"]["authors"] >= 5
    issues = [a for a in every if a.get("kind") == "issue"]  # the burst as issues, once each
    assert any(re.search("长乐路|changle", a["label"]) for a in issues), issues
    assert len({a["issue_id"] for a in issues}) == len(issues)
    assert [
        json.loads(line)["alert_id"] for line in log.read_text(encoding="utf-8").splitlines()
    ] == [a["alert_id"] for a in every]
    n = len(every)
    assert f"{len(lines) + 2:,} rows, {len(lines)} new posts, 2 quarantined, {n} alert" in err
    assert "quarantined so far; topic labels refreshed" in err
    # the status line's clock is the deployment's, its offset marked, as every CLI time
    assert re.search(r"\d\d:\d\d:\d\d \+08:00 [\d,]+ new posts?, ", err), err[-400:]
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM quarantine") == 2
        assert store.scalar("SELECT count(*) FROM posts") == len(lines)


@pytest.mark.slow
def test_sigterm_stores_every_line_already_read_then_stops(tmp_path):
    # a service manager stops the watch with SIGTERM while stdin is still open and lines wait in
    # its queue: they are stored (stdin cannot be re-read), topics are finished, exit code 0
    import signal
    import time

    lines = DEMO.read_bytes().splitlines()
    db = tmp_path / "t.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from heard.cli import main; main()", "watch", "-", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "HEARD_ALERT_LOG": str(tmp_path / "a.jsonl"), "COLUMNS": "200"},
    )
    try:
        proc.stdin.write(b"\n".join(lines) + b"\n")
        proc.stdin.flush()  # stdin stays open: the stream has not ended
        deadline = time.monotonic() + 120
        while not db.exists() and time.monotonic() < deadline:  # the watch has started
            time.sleep(0.2)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err.decode()
    assert f"stopped (stop requested): {len(lines)} rows, {len(lines)} new posts" in err.decode()
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == len(lines)
        assert store.scalar("SELECT count(*) FROM post_topics") == len(lines)  # topics finished
        assert (
            store.scalar("SELECT count(*) FROM topics WHERE status = 'active' AND label = ''") == 0
        )


@pytest.mark.parametrize("name", ["board.csv", "board.tsv", "board.xlsx", "board.parquet"])
def test_watch_refuses_a_file_that_is_not_json_lines(tmp_path, capsys, name):
    """``heard watch board.csv`` read each CSV line as JSON: every row quarantined as
    malformed_json, in a database it made for them."""
    from heard.cli import run

    src = tmp_path / name
    src.write_text("id,text,created_at\n1,东湖路停水,2026-11-01T10:00:00Z\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert run(["watch", str(src), "--once", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "heard watch follows JSON Lines" in err and f"heard ingest {src}" in err
    assert not db.exists()


def test_watch_refuses_a_gbk_file_with_the_iconv_that_fixes_it(tmp_path, capsys):
    from heard.cli import run

    src = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": i, "text": t, "created_at": "2026-11-01"}, ensure_ascii=False)
        for i, t in enumerate(["公交站太少", "噪音扰民"])
    ]
    src.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    db = tmp_path / "w.duckdb"
    assert run(["watch", str(src), "--once", "--db", str(db)]) == 2
    assert "iconv -f GB18030" in capsys.readouterr().err and not db.exists()
