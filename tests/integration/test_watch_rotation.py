"""`heard watch FILE` on a file that is rotated, as a log is: cut and written again in place
(copytruncate), or renamed away and created again (create). The real CLI in a subprocess over a
real DuckDB file: every post written under the path is stored once, the half-written last line
the old file was left with is quarantined with its position, the watch keeps running. A restart
tells a rotated file from the one it read (the same name and, both empty when the watch began,
the same first 4 KiB), and a small file that grew past 4 KiB resumes where it stopped instead of
quarantining its bad lines a second time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heard.store import open_store

pytestmark = pytest.mark.slow


def _line(pid: str) -> bytes:
    post = {"id": pid, "author": f"a-{pid}", "text": f"公交站台的灯坏了 {pid}"}
    return json.dumps({**post, "created_at": "2026-11-01T10:00:00Z"}, ensure_ascii=False).encode()


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_watch_left_running():
    yield
    while STARTED:  # a test that failed while waiting leaves no watch behind
        STARTED.pop().kill()


class Watch:
    """``heard watch FEED`` in the background, its stderr in a file the test reads."""

    def __init__(self, tmp: Path, feed: Path, *args: str):
        self.err = tmp / f"watch-{time.monotonic_ns()}.err"
        env = {**os.environ, "HEARD_ALERT_LOG": str(tmp / "alerts.jsonl"), "COLUMNS": "300"}
        command = [sys.executable, "-c", "from heard.cli import main; main()", "watch"]
        self.proc = subprocess.Popen(
            [*command, str(feed), "--db", str(tmp / "w.duckdb"), "--max-wait", "0.1", *args],
            stdout=subprocess.DEVNULL,
            stderr=self.err.open("wb"),
            cwd=tmp,
            env=env,
        )
        STARTED.append(self.proc)

    def text(self) -> str:
        return " ".join(self.err.read_text(encoding="utf-8", errors="replace").split())

    def wait_for(self, words: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text():
            assert self.proc.poll() is None, self.text()
            assert time.monotonic() < deadline, f"no {words!r} in: {self.text()}"
            time.sleep(0.2)

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        try:
            assert self.proc.wait(timeout=240) == 0, self.text()
        finally:
            self.proc.kill()
        return self.text()


def _stored(db: Path) -> tuple[list[str], list[tuple[int, str]]]:
    with open_store(db, read_only=True) as store:
        posts = sorted(r["external_id"] for r in store.rows("SELECT external_id FROM posts"))
        bad = store.rows("SELECT position, reason FROM quarantine ORDER BY position")
    return posts, [(r["position"], r["reason"]) for r in bad]


def test_a_rotated_file_is_followed_into_its_new_file(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(_line("p1") + b"\n")
    watch = Watch(tmp_path, feed, "--refresh-every", "0")
    watch.wait_for("1 new post, 0 quarantined so far")
    _append(feed, _line("p2") + b"\r\n" + _line("p3")[:25])  # p3 is cut short by the rotation
    time.sleep(1.5)  # read, up to the half line
    with feed.open("r+b") as fh:  # copytruncate: cut in place, then written again
        fh.truncate(0)
    feed.write_bytes(_line("p4") + b"\n")
    watch.wait_for("3 new posts, 1 quarantined so far")
    feed.rename(tmp_path / "feed.jsonl.1")  # create: renamed away ...
    _append(tmp_path / "feed.jsonl.1", _line("p5") + b"\n")  # ... while its writer still writes
    feed.write_bytes(_line("p6") + b"\n" + _line("p7") + b"\n")  # ... and a new file made
    watch.wait_for("6 new posts, 1 quarantined so far")
    err = watch.stop()
    assert "was truncated" in err and "was replaced" in err
    posts, bad = _stored(tmp_path / "w.duckdb")
    assert posts == ["p1", "p2", "p4", "p5", "p6", "p7"]
    assert bad == [(3, "malformed_json")]  # the half line, at its line in the old file


def test_a_restart_reads_a_file_rotated_since_from_its_first_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"")  # the watch begins on an empty file, as after a rotation
    first = Watch(tmp_path, feed, "--refresh-every", "0")
    first.wait_for("watching")
    _append(feed, b"".join(_line(f"old{i}") + b"\n" for i in range(3)))
    first.wait_for("3 new posts")
    first.stop()
    feed.unlink()
    feed.write_bytes(b"")  # rotated while no watch ran: a new empty file
    second = Watch(tmp_path, feed, "--refresh-every", "0")
    second.wait_for("watching")
    _append(feed, b"".join(_line(f"new{i}") + b"\n" for i in range(3)))
    second.wait_for("3 new posts")  # before, the first 3 lines were skipped as already read
    second.stop()
    posts, _ = _stored(tmp_path / "w.duckdb")
    assert posts == ["new0", "new1", "new2", "old0", "old1", "old2"]


def test_a_small_file_that_grew_resumes_without_quarantining_again(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(_line("p1") + b"\n{not json\n" + _line("p2") + b"\n")  # under 4 KiB
    db = tmp_path / "w.duckdb"
    Watch(tmp_path, feed, "--once").proc.wait(timeout=240)
    _append(feed, b"".join(_line(f"q{i}") + b"\n" for i in range(60)))  # now past 4 KiB
    again = Watch(tmp_path, feed, "--once")
    assert again.proc.wait(timeout=240) == 0, again.text()
    assert "60 rows, 60 new posts, 0 quarantined" in again.text()
    posts, bad = _stored(db)
    assert len(posts) == 62 and bad == [(2, "malformed_json")]
