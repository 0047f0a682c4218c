"""kill -9 of `heard watch FILE` right after a batch commits (its posts and checkpoint are in;
the topics' write, the next batches are not), then a restart with --once: every post once, each
with its topic, each poison line once in the quarantine. The real CLI, a real DuckDB file
(bench/kill_watch.py kills at random moments instead)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"


@pytest.mark.slow
def test_a_watch_killed_after_a_commit_resumes_with_nothing_lost_or_twice(tmp_path):
    lines = DEMO.read_bytes().splitlines()[:40]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\n".join([*lines[:10], b"{not json", *lines[10:]]) + b"\n")
    db = tmp_path / "w.duckdb"
    command = [sys.executable, "-c", "from heard.cli import main; main()", "watch", str(feed)]
    command += ["--db", str(db), "--batch-size", "8", "--once"]
    env = {**os.environ, "HEARD_ALERT_LOG": str(tmp_path / "alerts.jsonl")}
    killed = subprocess.run(
        command, env={**env, "HEARD_TEST_KILL_AT": "batch_committed"}, capture_output=True
    )
    assert killed.returncode == -9, killed.stderr.decode()
    resumed = subprocess.run(command, env=env, capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert "33 rows, 32 new posts, 1 quarantined" in " ".join(resumed.stderr.decode().split())
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(DISTINCT id) FROM posts") == 40
        assert store.scalar("SELECT count(*) FROM posts") == 40
        assert store.scalar("SELECT count(DISTINCT post_id) FROM post_topics") == 40
        assert store.rows("SELECT position, reason FROM quarantine") == [
            {"position": 11, "reason": "malformed_json"}
        ]
        assert not store.pending_work()
