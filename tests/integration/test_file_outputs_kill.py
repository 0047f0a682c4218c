"""An export or a brief killed while its file is being written leaves the file that was there
before (or none), never a truncated spreadsheet or page that opens as if whole. A real
``heard export`` / ``heard report`` is stopped with SIGKILL half-way through writing its file
(``HEARD_TEST_KILL_AT=file_half_written``); the next run of the same command tidies up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from hotspot_store import build

REPO = Path(__file__).resolve().parents[2]
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def _heard(*args: str, kill: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("HEARD_TEST_KILL_AT", None)
    if kill:
        env["HEARD_TEST_KILL_AT"] = "file_half_written"
    return subprocess.run(HEARD + list(args), env=env, capture_output=True, text=True, timeout=300)


def test_a_killed_export_leaves_the_earlier_file_whole(tmp_path):
    db = build(tmp_path / "k.duckdb")
    out = tmp_path / "handover.csv"
    first = _heard("export", "--what", "topics", "--out", str(out), "--db", str(db))
    assert first.returncode == 0, first.stderr
    topics = out.read_bytes()
    killed = _heard("export", "--what", "posts", "--out", str(out), "--db", str(db), kill=True)
    assert killed.returncode == -signal.SIGKILL
    assert out.read_bytes() == topics  # the topics export, whole: not half of the posts
    left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert len(left) == 1 and left[0].startswith(".handover.csv.")
    again = _heard("export", "--what", "posts", "--out", str(out), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() != topics and out.read_bytes().count(b"\n") > 10
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_a_killed_brief_leaves_no_half_page(tmp_path):
    db = build(tmp_path / "b.duckdb")
    brief = tmp_path / "brief"
    args = ("report", "--out", str(brief), "--db", str(db), "--window", "24h")
    killed = _heard(*args, kill=True)
    assert killed.returncode == -signal.SIGKILL
    assert not (brief / "index.html").exists()
    done = _heard(*args)
    assert done.returncode == 0, done.stderr
    page = (brief / "index.html").read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    assert [p.name for p in brief.iterdir()] == ["index.html"]
