"""Standard streams that are closed, or whose reader is gone, as ``main`` meets them.

``heard stats 2>&-`` (stderr closed) and stderr on a pipe whose reader went: a status line that
could not be written ended the command by SIGPIPE (``heard hot`` after printing its table, its
work done), a warning written with ``print(file=sys.stderr)`` went to stdout instead (and broke
``--json``). ``heard stats >&-`` ended in a traceback. Now messages that cannot be written are
dropped and the command ends with its own exit code, as ``ls /nowhere 2>&-`` does; a stdout with
no reader ends the command as a closed pipe does (``heard.cli.CLOSED_PIPE``).
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any


class QuietStderr:
    """``sys.stderr``, where a write or flush that fails (no reader: EPIPE; closed: EBADF) is
    dropped, and every later one goes to /dev/null: what the user no longer reads is not a
    failure of the command."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except (OSError, ValueError):
            self._gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self._gone()

    def _gone(self) -> None:
        """fd 2 onto /dev/null, so that the text still buffered (and any C library's write)
        goes there; then the buffer is let go of."""
        _null_onto(2)
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self._stream = _text(open(os.devnull, "wb"))  # noqa: SIM115 (lives as long as heard)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class NoReader(io.TextIOBase):
    """``sys.stdout`` when fd 1 was closed (``>&-``): a result written has no reader, as on a
    pipe closed early (``BrokenPipeError``, which ``heard.cli.run`` ends with SIGPIPE)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise BrokenPipeError("stdout is closed")

    def fileno(self) -> int:
        return 1

    def isatty(self) -> bool:
        return False


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _null_onto(fd: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)


def _text(binary: Any) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        binary, encoding="utf-8", errors="backslashreplace", line_buffering=True
    )


def guard() -> None:
    """Before a command runs (``heard.cli.main``): each of fds 0-2 that is closed gets /dev/null,
    so that no file the command opens (a DuckDB file) takes its number and receives what is
    written there; stdout closed reads as a reader gone, stderr as nothing to say it to."""
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    for fd in closed:
        _null_onto(fd)
    if 0 in closed:
        sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False), encoding="utf-8")
    if 1 in closed:
        sys.stdout = NoReader()
    stderr = _text(open(2, "wb", closefd=False)) if 2 in closed else sys.stderr
    sys.stderr = QuietStderr(stderr)
