"""A closed stderr, or one whose reader is gone, is no failure of the command.

``heard hot`` on stderr piped to a reader that had gone ended by SIGPIPE after printing its
table (its closing line could not be written), an error's exit code 2 became SIGPIPE too, and
with stderr closed (``2>&-``) a warning went to stdout and broke ``--json``. ``heard stats >&-``
ended in a traceback. Now what cannot be said is dropped and the command keeps its own exit code;
a closed stdout ends as a closed pipe does (SIGPIPE)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def _stderr_reader_gone(args: list[str]) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [*HEARD, *args], stdout=subprocess.PIPE, stderr=write_end, text=True, timeout=300
        )
    finally:
        os.close(write_end)


def _shell(redirect: str, args: list[str], **env: str) -> subprocess.CompletedProcess:
    """heard run by sh with ``redirect`` (2>&- closes stderr, >&- stdout)."""
    return subprocess.run(
        ["sh", "-c", f'"$@" {redirect}', "sh", *HEARD, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [(["hot", "--no-scan"], 0), (["topic", "999"], 2), (["posts", "--bogus"], 2)],
    ids=["hot", "not-found", "usage"],
)
def test_stderr_without_reader_keeps_the_exit_code(seeded_db_copy, args, code):
    done = _stderr_reader_gone([*args, "--db", str(seeded_db_copy)])
    assert done.returncode == code, done.returncode
    if code == 0:
        assert "停水 · 东湖路" in done.stdout  # the results, whole


def test_closed_stderr_leaves_json_alone(seeded_db_copy):
    # a HEARD_* variable that names no setting is warned of on stderr: with stderr closed the
    # warning went to stdout, in front of the JSON
    done = _shell("2>&-", ["stats", "--json", "--db", str(seeded_db_copy)], HEARD_DBB="x")
    assert done.returncode == 0
    assert json.loads(done.stdout)["posts"] > 0, done.stdout


def test_closed_stdout_ends_as_a_closed_pipe_without_a_traceback(seeded_db_copy):
    for args in (["stats"], ["stats", "--json"]):
        done = _shell(">&-", [*args, "--db", str(seeded_db_copy)])
        assert done.returncode in (-signal.SIGPIPE, 128 + signal.SIGPIPE), done.stderr
        assert "Traceback" not in done.stderr, done.stderr
