"""What every file connector shares: the ``Connector`` protocol, quarantine reason codes, the
file key used by checkpoints, and bounded line reading.

Positions: a connector numbers its records so that an ingest can resume after the last one it
finished (``rows(start_after=N)`` skips every record whose position is ``<= N``).

- JSONL: the 1-based physical line number of the record.
- CSV/TSV: the 1-based physical line on which the record *starts* (the header is line 1; a quoted
  field with newlines makes a record span several lines, and the next record starts after them).
- XLSX: the sheet's row number, the header being row 1 (so the first record is row 2).
- Parquet: the row index + 1 (there is no header row).

Memory stays bounded: files are read line by line, row by row, or batch by batch, never whole.
A single physical line longer than ``MAX_LINE_BYTES`` is not held in memory: it is skipped with
reason ``line_too_long``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from heard.errors import InputError
from heard.records import AUTHOR_COLUMNS, Quarantined, RawRow

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Longest physical line (bytes) a JSONL/CSV connector will hold; longer ones are quarantined."""

EXCERPT_CHARS = 500
EXCERPT_PARSE_CHARS = 65_536
"""How much of an unreadable record is kept in ``Quarantined.raw`` to help diagnose it."""

REASONS: dict[str, str] = {
    "invalid_utf8": "the record's bytes are not valid UTF-8",
    "invalid_gb18030": "the record's bytes are not valid GB18030 (its file was read as GB18030)",
    "malformed_json": "the JSONL line is not valid JSON",
    "not_an_object": "the JSONL line is valid JSON but not an object ({...})",
    "malformed_row": "the CSV record has the wrong number of fields or broken quoting",
    "header_again": "a CSV header line after the first (files joined): later rows read by it",
    "line_too_long": f"a physical line is longer than {MAX_LINE_BYTES} bytes",
    "too_deep": "the JSON record nests arrays/objects deeper than 64 levels",
    "bad_value": "a Parquet value Python cannot hold (e.g. a time past the year 9999)",
}
"""Reason codes connectors quarantine with (the mapper adds its own, see
``heard.connectors.mapping``)."""


@runtime_checkable
class Connector(Protocol):
    """A source of raw rows that can resume after a position."""

    path: Path
    kind: str
    columns: list[str] | None
    """The file's column names when it has a fixed header (CSV, XLSX, Parquet); None for JSONL."""
    file: str
    """What its rows name as their file (quarantine, duplicates): its resolved path, or the name
    an upload was sent as (``ingest_paths(named=)``)."""

    def file_key(self) -> str: ...

    def rows(self, start_after: int = 0) -> Iterator[RawRow | Quarantined]: ...


HEAD_BYTES = 4096
"""How much of a line-based file (JSONL, CSV) names it for checkpoints."""


def file_key(path: Path) -> str:
    """The identity of a line-based file (JSONL, CSV) for checkpoints: a hash of its first
    ``HEAD_BYTES`` bytes, and nothing else — neither its path nor its size.

    Such files grow by appending (``heard watch`` follows them; an export is re-run with more
    rows): with the size in the key a grown file was a new file, re-read from line 1. Without
    the path, a renamed or copied file is the same file: it resumes after its last committed
    line, under the source it was first ingested as (``ingest_paths``), instead of storing every
    row again under a new source name. The cost: two different files whose first 4 KiB are the
    same bytes share a checkpoint, and the second resumes after the first's last line; a file
    shorter than 4 KiB that grows gets a new key and is read again (its ids are already stored,
    so nothing is stored twice). What was read is checked apart from the key: a checkpoint keeps
    a fingerprint of every byte read before it (``ConsumedBytes``), and a file whose read part
    changed (a board exported again with replies filled in for old rows) is read again from its
    first line (``heard.pipeline.resume``)."""
    with Path(path).open("rb") as fh:
        return hashlib.sha1(fh.read(HEAD_BYTES)).hexdigest()


class ConsumedBytes:
    """A binary file read through ``readline`` that fingerprints every byte handed out, so a
    checkpoint can say what it covers: ``mark()`` is ``"<bytes read>:<sha1 of them>"``.

    A line-based connector reads its file from the first byte even when it resumes (it counts
    lines to skip), so the fingerprint always starts at byte 0 and costs one SHA-1 pass."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self._digest = hashlib.sha1()
        self._size = 0

    def readline(self, limit: int = -1) -> bytes:
        line = self._fh.readline(limit)
        self._digest.update(line)
        self._size += len(line)
        return line

    def mark(self) -> str:
        return f"{self._size}:{self._digest.hexdigest()}"


def prefix_mark(path: Path, size: int) -> str | None:
    """``ConsumedBytes.mark()`` of the file's first ``size`` bytes as the file is now; None when
    it holds fewer (it was cut or replaced)."""
    digest, left = hashlib.sha1(), size
    with Path(path).open("rb") as fh:
        while left > 0 and (chunk := fh.read(min(left, 1 << 20))):
            digest.update(chunk)
            left -= len(chunk)
    return None if left else f"{size}:{digest.hexdigest()}"


def content_key(path: Path) -> str:
    """The identity of a whole-file format (XLSX, Parquet) for checkpoints: a hash of all its
    bytes. These are rewritten, never appended to, so any change makes a new file; a renamed or
    copied file is the same one."""
    digest = hashlib.sha1()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_readable_file(path: Path) -> Path:
    """The path as given if it is a readable regular file, else an ``InputError`` with a fix."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"input file {path} does not exist", "check the path (and the working directory)"
        )
    if path.is_dir():
        raise InputError(
            f"{path} is a directory, not a file", "give one file per ingest, e.g. DIR/*.jsonl"
        )
    if not path.is_file():  # a device (/dev/zero), a FIFO, a socket: may never end
        raise InputError(
            f"{path} is not a regular file (a device, pipe or socket, or a link to one)",
            "ingest a file saved on disk; to follow a stream, pipe it to 'heard watch -'",
        )
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputError(
            f"cannot open {path}: {exc.strerror}", "check the file's permissions"
        ) from exc
    return path


_AUTHOR_VALUE = re.compile(
    r'("(?:'
    + "|".join(re.escape(c) for c in sorted(AUTHOR_COLUMNS, key=len, reverse=True))
    + r')"\s*:\s*)'
    r'("(?:[^"\\]|\\.)*"|"[^"]*$|[^,{}\[\]\s"]+)',
    re.IGNORECASE,
)


def excerpt(data: bytes | str) -> str:
    """A short printable excerpt of an unreadable record for ``Quarantined.raw``; the values of
    author-like JSON fields (``"user": "…"``, ``"screen_name": …``) are removed from it."""
    from heard.connectors.scrub import scrub_excerpt

    if isinstance(data, bytes):
        data = data[:EXCERPT_PARSE_CHARS].decode("utf-8", errors="replace")
    data = data[:EXCERPT_PARSE_CHARS]  # parsed whole where it is JSON: handles go at any depth
    return scrub_excerpt(data)[:EXCERPT_CHARS].rstrip("\r\n")


def check_line_endings(path: Path, suffix: str) -> None:
    """An ``InputError`` when the file's lines end in a carriage return alone (classic Mac
    line endings, Excel for Mac's "CSV (Macintosh)"): lines are split at line feeds, so the
    whole file would be one line (for JSONL one ``malformed_json`` entry holding every post; for
    CSV a header error about "universal-newline mode"). The fix is one ``tr``."""
    with Path(path).open("rb") as fh:
        head = fh.read(64 * 1024)
    if b"\n" not in head and b"\r" in head.rstrip(b"\r"):
        raise InputError(
            f"{path} has lines that end in a carriage return alone (classic Mac line endings), "
            "so it reads as one line",
            f"convert it: tr '\\r' '\\n' < {path} > {Path(path).stem}.unix{suffix}",
        )


def read_lines(
    fh: BinaryIO | ConsumedBytes, limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes, bool]]:
    """Yield ``(line_number, line_bytes, too_long)`` from a binary stream, 1-based.

    A line longer than ``limit`` is yielded once with only its first ``limit`` bytes and
    ``too_long=True``; the rest of it is read and dropped in ``limit``-sized pieces.
    """
    number = 0
    while True:
        line = fh.readline(limit)
        if not line:
            return
        number += 1
        if len(line) >= limit and not line.endswith(b"\n"):
            rest = fh.readline(limit)
            while rest and not rest.endswith(b"\n"):
                rest = fh.readline(limit)
            yield number, line, True
            continue
        yield number, line, False
