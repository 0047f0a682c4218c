"""Follow a stream: stdin or a file that grows (like ``tail -f``), as numbered complete lines.

The position is the line number, an opaque resume point for the caller's checkpoint; a restarted
follow skips the lines already committed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from heard.connectors.base import MAX_LINE_BYTES


def _is_whole_record(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def follow(
    fh: IO[bytes],
    *,
    start_after: int = 0,
    keep_following: bool = False,
    poll: float = 0.5,
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
    limit: int = MAX_LINE_BYTES,
) -> Iterator[tuple[int, bytes]]:
    """Complete lines of ``fh`` numbered from 1, skipping the first ``start_after``. At end of data,
    wait for more when ``keep_following`` (a growing file) until ``stop`` is set; else end. A line
    still being written (no newline yet) is not read until it is whole. A line longer than
    ``limit`` bytes is not held: its first ``limit`` bytes are yielded (they fail to parse and are
    quarantined) and the rest is read and dropped, so an endless stream without newlines (a pipe
    from /dev/zero) costs bounded memory."""
    number, partial, dropping = 0, b"", False
    while True:
        chunk = fh.readline(limit)
        if chunk:
            if dropping:  # the rest of an overlong line
                dropping = not chunk.endswith(b"\n")
                continue
            partial += chunk
            if len(partial) >= limit and not partial.endswith(b"\n"):
                number += 1
                if number > start_after:
                    yield number, partial[:limit]
                partial, dropping = b"", True
                continue
            if not partial.endswith(b"\n"):
                continue  # a line still being written: wait for its end
            number += 1
            line, partial = partial, b""
            if number > start_after:
                yield number, line.rstrip(b"\r\n")
            continue
        if not keep_following or (stop is not None and stop.is_set()):
            # a last line without its newline is read only when it is already a whole record
            # (a file that simply ends without one); a half-written line is left for the next run
            if partial and _is_whole_record(partial):
                number += 1
                if number > start_after:
                    yield number, partial
            return
        sleep(poll)


def open_input(path: Path | None) -> tuple[IO[bytes], str]:
    """stdin (``None`` or ``-``) or a file, opened for binary line reads."""
    import sys

    if path is None or str(path) == "-":
        return sys.stdin.buffer, "<stdin>"
    return Path(path).open("rb"), str(Path(path).resolve())
