"""Ctrl-C stops a command with one clear line on stderr and exit code 130, never a traceback, and
an interrupted ingest resumes where it stopped.

typer turns a KeyboardInterrupt into its own ``Exit(130)`` before ``heard.cli.run`` sees it, so the
"interrupted" line was never printed; and a Ctrl-C that lands while DuckDB runs a query comes out
as DuckDB's ``RuntimeError: Query interrupted``, which ended in a traceback and exit code 1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heard.cli import run

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def _ctrl_c() -> None:
    raise KeyboardInterrupt


def _ctrl_c_in_duckdb() -> None:
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as exc:  # what DuckDB's Python client raises on SIGINT
        raise RuntimeError("Query interrupted") from exc


@pytest.mark.parametrize("interrupt", [_ctrl_c, _ctrl_c_in_duckdb])
def test_ctrl_c_says_so_and_exits_130(seeded_db_copy, capsys, monkeypatch, interrupt):
    import heard.read.stats

    monkeypatch.setattr(heard.read.stats, "stats", lambda *a, **k: interrupt())
    assert run(["stats", "--db", str(seeded_db_copy)]) == 130
    err = capsys.readouterr().err
    assert "interrupted: what was committed is kept" in err, err


def test_other_errors_still_surface(seeded_db_copy, monkeypatch):
    import heard.read.stats

    def broken(*a, **k):
        raise RuntimeError("a bug, not a Ctrl-C")

    monkeypatch.setattr(heard.read.stats, "stats", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        run(["stats", "--db", str(seeded_db_copy)])


def _ingest(db: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [*HEARD, "ingest", str(CORPUS), "--db", str(db), "--batch-size", "32", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ctrl_c_until_it_stops(proc: subprocess.Popen) -> tuple[str, str]:
    """Press Ctrl-C, and again every few seconds as a user would: a SIGINT that lands inside
    DuckDB's own C code can be lost there (DuckDB's client, not Heard)."""
    for _ in range(40):
        proc.send_signal(signal.SIGINT)
        try:
            return proc.communicate(timeout=3)
        except subprocess.TimeoutExpired:
            continue
    return proc.communicate(timeout=120)


def test_sigint_during_ingest_is_clean_and_resumable(tmp_path):
    db = tmp_path / "h.duckdb"
    marks = tmp_path / "marks"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HEARD_TEST_MARKS": str(marks)}
    env.pop("HEARD_TEST_KILL_AT", None)
    proc = _ingest(db, env)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if marks.exists() and "batch_committed" in marks.read_text():
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest ended before its first batch was committed"
    out, err = _ctrl_c_until_it_stops(proc)
    assert proc.returncode == 130, (out[-1500:], err[-2000:], marks.read_text())
    assert "Traceback" not in err, err[-2000:]
    assert "interrupted: what was committed is kept" in err
    assert out == ""  # no half result on stdout for a script to misread

    again = _ingest(db, {**env, "HEARD_TEST_MARKS": str(tmp_path / "marks2")})
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-2000:]
    summary = json.loads(out)
    assert summary["resumed_after"], summary  # it went on after the committed batches
    total = sum(1 for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip())
    stats = subprocess.run(
        [*HEARD, "stats", "--db", str(db), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(stats.stdout)["posts"] == total  # each post once, none lost


CTRL_C_WHILE_STARTING = """
import builtins, os, signal
real = builtins.__import__

def importing(name, *args, **kwargs):
    if name.startswith("heard.answer") and not importing.pressed:  # as the commands load
        importing.pressed = True
        os.kill(os.getpid(), signal.SIGINT)
    return real(name, *args, **kwargs)

importing.pressed = False
builtins.__import__ = importing
from heard.cli import main
main()
"""


def test_ctrl_c_while_heard_starts_is_clean(seeded_db_copy):
    # importing the commands took seconds (scikit-learn, numpy; 6 s on a busy machine; under a
    # second since scikit-learn loads only to fit or read a router): a Ctrl-C then ended in a
    # Python traceback, before heard.cli.run could say anything
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_STARTING, "stats", "--db", str(seeded_db_copy)],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 130, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    said = "interrupted: what was committed is kept; run the same command again to resume"
    assert done.stderr.strip() == said
    assert done.stdout == ""
