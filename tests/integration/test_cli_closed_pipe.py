"""``heard posts | head -1``: a reader that goes early ends the command quietly, with the status of
a closed pipe (141 in the shell, as ``ls | head -1``), for every command.

Rich turned the broken pipe of a results table into a silent SystemExit(1) and typer did the same
for --json: a ``set -o pipefail`` script read it as a failure of heard's own, with nothing said."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def _with_stdout_closed(args: list[str]) -> subprocess.CompletedProcess:
    """Run heard with stdout a pipe whose reader has gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [*HEARD, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [["posts"], ["posts", "--json"], ["stats"], ["topics"]],
    ids=["posts-table", "posts-json", "stats", "topics"],
)
def test_closed_stdout_ends_by_sigpipe_without_a_word(seeded_db_copy, args):
    done = _with_stdout_closed([*args, "--db", str(seeded_db_copy)])
    assert done.returncode == -signal.SIGPIPE, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
