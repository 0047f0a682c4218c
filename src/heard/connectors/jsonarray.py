"""JSON documents (``.json``) holding one array of objects: what APIs and open-data portals hand
out (an Open311 ``requests.json``, a saved API response), or an object with such an array under
one key (``{"data": [...]}``, ``{"statuses": [...]}``).

A top-level array is read element by element (``json.JSONDecoder.raw_decode`` over a buffer of
a few MiB), never loaded whole. An object is loaded whole, once, up to ``MAX_WRAPPED_BYTES``,
when the connector is made, and its one array of objects is read from that; an object with
none, or with several, is an ``InputError`` naming its keys and the ``jq`` that picks one.

A record's position is its 1-based index in the array. One bad element is quarantined and the
rest goes on: ``not_an_object`` (a number, a string, a nested array), ``too_deep``,
``invalid_utf8`` (bytes that are not UTF-8 inside it), ``line_too_long`` (an element over
``MAX_LINE_BYTES``) and ``malformed_json``: broken syntax, quarantined from where the element
starts to the next ``, {`` from which an object reads whole, where reading starts again (an error
with none after it quarantines the rest of the file as one entry). A comma missing between two
elements is forgiven. A file in another encoding throughout
(UTF-16, GBK/GB18030) is an ``InputError`` naming the ``iconv``, as for JSONL. The file is
rewritten, not appended to, so it is keyed by all of its bytes, like XLSX and Parquet.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from heard.connectors.base import MAX_LINE_BYTES, check_readable_file, content_key, excerpt
from heard.connectors.clean import MAX_JSON_DEPTH, json_depth
from heard.errors import InputError
from heard.records import Quarantined, RawRow

CHUNK_BYTES = 1 << 20
MAX_WRAPPED_BYTES = 256 * 1024 * 1024
"""Largest ``{"key": [...]}`` document read (it is parsed whole); a top-level array has no limit."""

_NEXT_START = re.compile(r",\s*\{")
_SPACE = " \t\r\n"


class JsonArrayConnector:
    kind = "json"
    columns: list[str] | None = None  # records may differ in their keys

    def __init__(self, path: Path):
        from heard.connectors.jsonl import check_encoding_only

        self.path = check_readable_file(path)
        self.file = str(self.path.resolve())
        check_encoding_only(self.path, ".json")
        self._first = _first_char(self.path)
        if self._first not in ("[", "{", ""):
            raise InputError(
                f"{self.path} is not a JSON array or object (it starts with {self._first!r})",
                "a .json file holds one array of posts; for one object per line use .jsonl",
            )
        self._key: str | None = None
        self._wrapped: list[Any] | None = None  # a wrapped document's array, read once
        if self._first == "{":
            self._key, self._wrapped = _wrapped_array(self.path)

    def file_key(self) -> str:
        return content_key(self.path)

    def rows(self, start_after: int = 0) -> Iterator[RawRow | Quarantined]:
        if self._first == "":
            return  # an empty file: zero rows
        if self._key is not None:
            yield from self._wrapped_rows(start_after)
            return
        with self.path.open("rb") as fh:
            for position, item in _elements(fh, self.file):
                if position > start_after:
                    yield item

    def _wrapped_rows(self, start_after: int) -> Iterator[RawRow | Quarantined]:
        """The array read when the connector was made (it was parsed then, to name the array or
        refuse the document); it is let go as it is handed out. Read again by a second call."""
        elements, self._wrapped = self._wrapped, None
        if elements is None:
            elements = _wrapped_array(self.path)[1]
        for position in range(start_after, len(elements)):
            element, elements[position] = elements[position], None
            yield _row(self.file, position + 1, element, None)


def _first_char(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff" + _SPACE)
    return head[:1]


def _wrapped_array(path: Path) -> tuple[str, list[Any]]:
    """The one key of a top-level object whose value is an array of objects, and that array."""
    size = path.stat().st_size
    fix = f"pick the array of posts: jq -c '.KEY[]' {path} > {path.stem}.jsonl"
    if size > MAX_WRAPPED_BYTES:
        raise InputError(
            f"{path} is a JSON object of {size / 2**20:,.0f} MiB: only an array is read piece "
            f"by piece, and an object is read whole up to {MAX_WRAPPED_BYTES // 2**20} MiB",
            fix,
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one object, then another: JSON Lines under a .json name
            raise InputError(
                f"{path} holds one JSON object after another (JSON Lines), not one document",
                f"read it as JSON Lines: --format jsonl (or name it {path.stem}.jsonl)",
            ) from exc
        raise InputError(f"{path} is not valid JSON: {str(exc)[:200]}", fix) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path} is not valid JSON: {str(exc)[:200]}", fix) from exc
    keys = [
        k
        for k, v in document.items()
        if isinstance(v, list) and v and sum(isinstance(x, dict) for x in v) * 2 >= len(v)
    ]
    if len(keys) != 1:
        found = ", ".join(f"{k!r}" for k in document) or "none"
        what = "no array of objects" if not keys else f"{len(keys)} arrays of objects"
        raise InputError(f"{path} is a JSON object with {what} (its keys: {found})", fix)
    return str(keys[0]), document[keys[0]]


def _row(file: str, position: int, element: Any, text: str | None) -> RawRow | Quarantined:
    if isinstance(element, dict):
        return RawRow(fields=element, file=file, position=position)
    shown = text if text is not None else json.dumps(element, ensure_ascii=False)[:2000]
    return Quarantined(
        file,
        position,
        "not_an_object",
        f"element {position} is a JSON {type(element).__name__}, expected an object",
        excerpt(shown),
    )


def array_items(fh: BinaryIO, file: str) -> Iterator[RawRow | Quarantined]:
    """Each element of the JSON array ``fh`` holds as a row or a quarantined item (also the
    upload API's array body that ``json.loads`` cannot read: one item nested too deep)."""
    for _, item in _elements(fh, file):
        yield item


def _elements(fh: BinaryIO, file: str) -> Iterator[tuple[int, RawRow | Quarantined]]:
    """``(position, row or quarantined item)`` for each element of the array ``fh`` holds."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    buf, pos, eof = "", 0, False

    def more() -> None:  # keep buf[pos:], read the next chunk after it
        nonlocal buf, pos, eof
        chunk = fh.read(CHUNK_BYTES)
        eof = not chunk
        buf = buf[pos:] + utf8.decode(chunk, final=eof)
        pos = 0

    def next_char() -> str:  # the next character that is not space ("" at the end)
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in _SPACE:
                pos += 1
            if pos < len(buf) or eof:
                return buf[pos] if pos < len(buf) else ""
            more()

    more()
    if next_char() == "\ufeff":
        pos += 1
    next_char()
    pos += 1  # the opening "["
    position, element = 0, None

    def next_start() -> int | None:
        """Where reading starts again after a broken element at ``pos``: the first "{" after a
        "," from which an object decodes and is followed by ",", "]" or "{"."""
        rel = 1  # searched from pos + rel; more() moves the buffer to start at pos
        while True:
            found = _NEXT_START.search(buf, pos + rel)
            if found is None:
                if eof or len(buf) - pos > MAX_LINE_BYTES:
                    return None
                rel = max(1, len(buf) - pos - 1)
                more()
                continue
            at = found.end() - 1
            try:
                end = decoder.raw_decode(buf, at)[1]
            except (ValueError, RecursionError):
                rel = found.end() - pos
                continue
            while end < len(buf) and buf[end] in _SPACE:
                end += 1
            if end == len(buf) and not eof:
                rel = found.start() - pos
                more()
                continue
            if end == len(buf) or buf[end] in ",]{":
                return at
            rel = found.end() - pos

    while True:
        c = next_char()
        if c in ("]", ""):
            return
        if position and c == ",":
            pos += 1
            if next_char() in ("]", ""):
                return  # a trailing comma
        # (a missing comma between two elements is forgiven: both are read)
        position += 1
        error: str | None = None
        while True:  # one element; read on while it may go on in the next chunk
            try:
                element, end = decoder.raw_decode(buf, pos)
                error = None
            except json.JSONDecodeError as exc:
                error, end = exc.msg, exc.pos
            except ValueError as exc:  # e.g. an integer of more than 4,300 digits
                error, end = str(exc)[:200], pos
            except RecursionError:
                error, end = "too_deep", pos
            if (error is None and end < len(buf)) or eof or len(buf) - pos > MAX_LINE_BYTES:
                break
            more()
        if error is None:
            yield position, _checked(file, position, element, buf[pos:end])
            pos = end
            continue
        # broken syntax, too long or too deep: quarantined up to where an element starts again
        at = next_start()
        bad = buf[pos:] if at is None else buf[pos:at].rstrip(_SPACE).removesuffix(",")
        reason, detail = _why(error, bad)
        yield position, Quarantined(file, position, reason, detail, excerpt(_raw(bad)))
        if at is None:
            return
        pos = at


def _checked(file: str, position: int, element: Any, text: str) -> RawRow | Quarantined:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a byte that is not UTF-8, kept by surrogateescape
        return Quarantined(
            file, position, "invalid_utf8", f"element {position}: byte {exc.start} is not UTF-8",
            excerpt(_raw(text)),
        )  # fmt: skip
    if json_depth(text) > MAX_JSON_DEPTH:
        return Quarantined(
            file, position, "too_deep", f"nested deeper than {MAX_JSON_DEPTH} levels",
            excerpt(text),
        )  # fmt: skip
    return _row(file, position, element, text)


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _why(error: str, bad: str) -> tuple[str, str]:
    if error == "too_deep":
        return "too_deep", f"nested deeper than the parser can read (limit {MAX_JSON_DEPTH})"
    if len(bad) > MAX_LINE_BYTES:
        return "line_too_long", f"an element longer than {MAX_LINE_BYTES} bytes"
    return "malformed_json", f"{error}; read again from the next element"
