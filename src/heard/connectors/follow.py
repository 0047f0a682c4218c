"""Follow a stream: stdin or a file that grows (like ``tail -f``), as numbered complete lines.

The position is the line number, an opaque resume point for the caller's checkpoint; a restarted
follow skips the lines already committed. ``follow_file`` follows a path as ``tail -F`` does: a
file rotated away (renamed, deleted, or cut and written again) is followed by the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

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


class Line(NamedTuple):
    """A complete line of a followed file: its number in the file it came from, its bytes
    (without the line end) and ``ConsumedBytes.mark`` of the file up to and including it."""

    number: int
    data: bytes
    mark: str


@dataclass(frozen=True)
class NewFile:
    """The followed path names another file from here on: ``truncated`` (cut and written again
    in place, as ``copytruncate`` log rotation does) or ``replaced`` (renamed or deleted, and a
    new file created under the path). The lines after it are numbered from 1 again."""

    reason: str


def follow_file(
    path: Path,
    *,
    start_after: int = 0,
    poll: float = 0.5,
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
    limit: int = MAX_LINE_BYTES,
    keep_following: bool = True,
) -> Iterator[Line | NewFile]:
    """Follow the file at ``path`` as ``tail -F`` does: complete lines (``Line``), each with the
    fingerprint of the bytes read up to it (a checkpoint keeps it, so a restarted watch can tell
    the file it left from a new one under the same name). At end of data the path is looked at
    again: a file cut shorter than what was read, or a new file under the path (the old one
    renamed or deleted), is read from its first line, after a ``NewFile``. What the old file
    still held is read first; a last line it left without its newline is handed out as it is
    (it fails to parse and is quarantined with its position, rather than lost). Lines up to
    ``start_after`` of the first file are skipped. Ends with ``stop``, or at end of data when
    not ``keep_following``. Not seen: a file cut and written again past what was read between
    two looks (``poll``), as ``tail -F`` does not see it either."""
    fh = Path(path).open("rb")
    try:
        number, partial, dropping = 0, b"", False
        size, digest = 0, hashlib.sha1()
        skip = start_after
        while True:
            chunk = fh.readline(limit)
            if chunk:
                size += len(chunk)
                digest.update(chunk)
                if dropping:  # the rest of an overlong line
                    dropping = not chunk.endswith(b"\n")
                    continue
                partial += chunk
                too_long = len(partial) >= limit and not partial.endswith(b"\n")
                if not too_long and not partial.endswith(b"\n"):
                    continue  # a line still being written: wait for its end
                number += 1
                line, partial, dropping = partial, b"", too_long
                if number > skip:
                    data = line[:limit] if too_long else line.rstrip(b"\r\n")
                    yield Line(number, data, f"{size}:{digest.hexdigest()}")
                continue
            stopping = stop is not None and stop.is_set()
            reason = None if stopping or not keep_following else _changed(path, fh, size)
            if reason is None:
                if stopping or not keep_following:  # as ``follow``: a whole last record is read
                    if partial and number + 1 > skip and _is_whole_record(partial):
                        yield Line(number + 1, partial, f"{size}:{digest.hexdigest()}")
                    return
                sleep(poll)
                continue
            if reason == "replaced" and (more := fh.read(1)):  # the old file is still written to
                fh.seek(-len(more), 1)
                continue
            if partial and number + 1 > skip:  # the old file's unfinished last line
                yield Line(number + 1, partial, f"{size}:{digest.hexdigest()}")
            if reason == "replaced":
                try:
                    new = Path(path).open("rb")
                except FileNotFoundError:  # gone again before it could be opened
                    sleep(poll)
                    continue
                fh.close()
                fh = new
            else:
                fh.seek(0)
            number, partial, dropping, skip = 0, b"", False, 0
            size, digest = 0, hashlib.sha1()
            yield NewFile(reason)
    finally:
        fh.close()


def _changed(path: Path, fh: IO[bytes], size: int) -> str | None:
    """``replaced`` when ``path`` names another file than ``fh`` now, ``truncated`` when it is
    the same file cut below the ``size`` bytes read; None otherwise (also while the path names
    nothing: a renamed file whose successor is not created yet, whose writer may still add)."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return None
    held = os.fstat(fh.fileno())
    if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
        return "replaced"
    return "truncated" if now.st_size < size else None
