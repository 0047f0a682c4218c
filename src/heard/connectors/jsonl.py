"""JSON Lines (``.jsonl``, ``.ndjson``, ``.json-lines``): one JSON object per line.

Each line is read as bytes and decoded on its own, so one bad line is quarantined
(``invalid_utf8``, ``malformed_json``, ``not_an_object``, ``line_too_long``, ``too_deep``: nested
deeper than ``heard.connectors.clean.MAX_JSON_DEPTH``) and the rest goes on.
Blank lines are skipped without a quarantine entry. A UTF-8 byte-order mark at the start of a line
is ignored, on line 1 and on any later one (two exports joined with ``cat`` carry the second's
BOM mid-file; before, that line's post was quarantined as ``malformed_json``).
A file in another encoding throughout (UTF-16, GBK/GB18030) is an ``InputError`` that names the
``iconv`` to run, as for CSV, instead of one ``invalid_utf8`` entry per line; so is a file whose
lines end in a carriage return alone (one ``tr`` away), and a file that is one JSON document
(pretty-printed, or a single array line: one ``jq`` away).
The position of a record is its 1-based line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from heard.connectors.base import (
    MAX_LINE_BYTES,
    ConsumedBytes,
    check_line_endings,
    check_readable_file,
    excerpt,
    file_key,
    read_lines,
)
from heard.connectors.clean import MAX_JSON_DEPTH, json_depth
from heard.records import Quarantined, RawRow


class JsonlConnector:
    kind = "jsonl"
    columns: list[str] | None = None  # records may differ in their keys
    max_line_bytes = MAX_LINE_BYTES

    def __init__(self, path: Path):
        self.path = check_readable_file(path)
        self.file = str(self.path.resolve())
        check_encoding(self.path)
        self._read: ConsumedBytes | None = None

    def file_key(self) -> str:
        return file_key(self.path)

    def consumed(self) -> str | None:
        """What ``rows`` has read so far (``ConsumedBytes.mark``); None before it starts."""
        return self._read.mark() if self._read else None

    def rows(self, start_after: int = 0) -> Iterator[RawRow | Quarantined]:
        with self.path.open("rb") as fh:
            self._read = ConsumedBytes(fh)
            for number, line, too_long in read_lines(self._read, self.max_line_bytes):
                if number > start_after:
                    item = parse_line(self.file, number, line, too_long, self.max_line_bytes)
                    if item is not None:
                        yield item


def check_encoding(path: Path) -> None:
    """An ``InputError`` when the whole file is in another encoding than UTF-8 (UTF-16, or a
    GBK/GB18030 export): every line would be quarantined as ``invalid_utf8``, and the fix is one
    ``iconv``. One bad line in a UTF-8 file is not that: it is quarantined on its own."""
    check_encoding_only(path, ".jsonl")
    check_line_endings(path, ".jsonl")
    check_not_one_document(path)


def check_encoding_only(path: Path, suffix: str) -> None:
    """The encoding part of ``check_encoding``, also for a ``.json`` document."""
    from heard.connectors.csvfile import body_is_gb18030
    from heard.errors import InputError

    with path.open("rb") as fh:
        if fh.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError(
                f"{path} is UTF-16, not UTF-8",
                f"convert it: iconv -f UTF-16 -t UTF-8 {path} > {path.stem}.utf8{suffix}",
            )
        if body_is_gb18030(fh, header=False):
            raise InputError(
                f"{path} is not UTF-8: its text reads as GBK/GB18030",
                f"convert it: iconv -f GB18030 -t UTF-8 {path} > {path.stem}.utf8{suffix}",
            )


def check_not_one_document(path: Path) -> None:
    """An ``InputError`` when the file is one JSON document, not JSON Lines: its first line is a
    lone ``[`` or ``{`` (pretty-printed JSON: every line would be quarantined as
    ``malformed_json``), or its only line is an array (one ``not_an_object`` entry holding every
    post). Before, such a file ran to rc 0 with nothing stored. One array line among object lines
    is a bad line like any other, quarantined on its own."""
    from heard.errors import InputError

    with path.open("rb") as fh:
        first = b""
        while not first:
            line = fh.readline(MAX_LINE_BYTES)
            if not line:
                return
            first = line.strip().removeprefix(b"\xef\xbb\xbf").strip()
        pretty = first in (b"[", b"{")
        if not pretty:
            if not first.startswith(b"[") or len(line) >= MAX_LINE_BYTES:
                return  # an object line, or a line too long to judge
            while chunk := fh.read(1 << 20):  # one array line: is it the only line?
                if chunk.strip():
                    return
    what = "pretty-printed JSON" if pretty else "one JSON array on one line"
    raise InputError(
        f"{path} is one JSON document ({what}), not JSON Lines (one object per line)",
        f"read it as one document: heard ingest {path} --format json (or name it {path.stem}.json)",
    )


def parse_line(
    file: str, number: int, line: bytes, too_long: bool = False, limit: int = MAX_LINE_BYTES
) -> RawRow | Quarantined | None:
    """One JSONL line as a row, a quarantined item, or None for a blank line (also used by
    ``heard watch`` for a stream on stdin or a growing file)."""

    def bad(reason: str, detail: str, raw: bytes | str) -> Quarantined:
        return Quarantined(file, number, reason, detail, excerpt(raw))

    if too_long:
        return bad("line_too_long", f"longer than {limit} bytes", line)
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return bad("invalid_utf8", f"byte {exc.start}: {exc.reason}", line)
    if not text.strip():
        return None
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        return bad("too_deep", f"nested {depth} levels deep, the limit is {MAX_JSON_DEPTH}", text)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return bad("malformed_json", f"column {exc.colno}: {exc.msg}", text)
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return bad("malformed_json", str(exc)[:200], text)
    except RecursionError:  # json_depth bounds this; kept so no line can stop an ingest
        return bad("too_deep", f"nested too deep to parse (limit {MAX_JSON_DEPTH})", text)
    if not isinstance(record, dict):
        return bad("not_an_object", f"a JSON {type(record).__name__}, expected an object", text)
    return RawRow(fields=record, file=file, position=number)
