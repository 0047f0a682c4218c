"""CSV and TSV files (UTF-8, a header row, RFC 4180 quoting; quoted fields may span lines).

The file is read as bytes one physical line at a time and each line is decoded on its own, so a
record with bytes that are not UTF-8 is quarantined (``invalid_utf8``) and the rest goes on.
A record whose field count differs from the header's, or whose quoting is broken (an unclosed
quote at the end of the file, text after a closing quote), is quarantined as ``malformed_row``.
A broken record that spans several lines is a stray quote that swallowed the lines after it: only
the line it started on is quarantined, and the lines after it are read again as records (before,
one unclosed quote dropped every later row, counted nowhere).
Blank lines are skipped. A UTF-8 byte-order mark at the start of any line is dropped (the second
of two joined exports carries one before its header). A record's position is the physical line
on which it starts (header = 1).
A later line that names every header column again (two exports joined into one file, maybe with
the columns reordered or more of them) is quarantined as ``header_again``, and the rows after it
are read by its names.

A .csv whose header is one column holding ``;``, a tab or ``|`` (Excel's export in locales with a
decimal comma) is read with that separator.
Header names are stripped; an empty name becomes ``column_N`` and a repeated one ``NAME_2``.
A CSV that Excel saved on a Chinese Windows is GB18030 (GBK), not UTF-8: when the lines with
non-ASCII bytes in its first 64 KiB (header included; or, under an ASCII header, two or more text
lines or the only row) all read as GB18030 and none as UTF-8, the whole file is read as GB18030,
and a line that is not GB18030 is quarantined (``invalid_gb18030``). Before, such a file was
refused with an ``iconv`` to run, which a Windows user does not have. A header in neither
encoding is an ``InputError``. So is a file whose lines end in a carriage return alone (classic
Mac; the fix is one ``tr``).
A CSV converted from an Excel sheet keeps Excel's escaped line breaks (``_x000D_``, hundreds in
the Teddy Cup CSVs): they are read as the line breaks they stand for, as the xlsx reader does, so
no page shows them.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from heard.connectors.base import (
    MAX_LINE_BYTES,
    ConsumedBytes,
    check_line_endings,
    check_readable_file,
    excerpt,
    file_key,
    read_lines,
)
from heard.connectors.scrub import scrub_csv_record, scrub_csv_text
from heard.errors import InputError
from heard.records import Quarantined, RawRow

OTHER_DELIMITERS = (";", "\t", "|")
"""Separators a .csv file may use instead of ',' (read when its header has no comma)."""
FIELD_LIMIT_CHARS = 16 * 1024 * 1024
"""Largest CSV field accepted (the csv module's default, 128 Ki chars, is below
MAX_TEXT_CHARS·n)."""


_EXCEL_CR_BEFORE_NEWLINE = re.compile(r"_x000[dD]_(?=\r?\n)")
_EXCEL_BREAK = re.compile(r"_x000[dDaA]_")


def excel_breaks_read(value: str) -> str:
    """``value`` with Excel's escaped line breaks as line breaks: ``_x000D_`` before a real line
    break is the carriage return of that break (dropped); elsewhere it, or ``_x000A_``, is one."""
    if "_x000" not in value:
        return value
    return _EXCEL_BREAK.sub("\n", _EXCEL_CR_BEFORE_NEWLINE.sub("", value))


class _DecodedLines:
    """Feeds decoded lines to ``csv.reader``, remembers which physical lines were unreadable, and
    keeps the lines of the record being read so that a broken one can be read again.

    ``number`` is the physical line number of the last line handed out (the reader's own
    ``line_num`` does not survive a replay)."""

    def __init__(self, fh, encoding: str = "utf-8"):
        self.encoding = encoding
        self._lines = read_lines(fh, MAX_LINE_BYTES)
        self.bad: dict[int, str] = {}  # line number -> reason
        self.raw: dict[int, bytes] = {}  # excerpt of each bad line
        self.number = 0
        self.record: list[tuple[int, str, tuple[str, bytes] | None]] = []  # (number, text, bad)
        self._replay: deque[tuple[int, str, tuple[str, bytes] | None]] = deque()

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._replay:
            number, text, bad = self._replay.popleft()
        else:
            number, text, bad = self._decode(*next(self._lines))
        if bad is not None:
            self.bad[number], self.raw[number] = bad
        self.number = number
        self.record.append((number, text, bad))
        return text

    def _decode(
        self, number: int, line: bytes, too_long: bool
    ) -> tuple[int, str, tuple[str, bytes] | None]:
        if line.startswith(b"\xef\xbb\xbf"):  # line 1, or a joined file's header
            line = line[3:]
        if too_long:
            return number, "\n", ("line_too_long", line)
        try:
            return number, line.decode(self.encoding), None
        except UnicodeDecodeError:
            reason = "invalid_utf8" if self.encoding == "utf-8" else "invalid_gb18030"
            return number, line.decode(self.encoding, errors="replace"), (reason, line)

    def first_line(self) -> int:
        """The physical line on which the record just read started."""
        return self.record[0][0] if self.record else self.number + 1

    def next_record(self) -> None:
        self.record = []

    def replay_after_first(self) -> None:
        """Hand the lines of the record just read, all but its first, to the reader again."""
        self._replay.extendleft(reversed(self.record[1:]))
        self.record = []

    def take_bad(self, first: int, last: int) -> tuple[str, bytes] | None:
        """The first problem on lines ``first..last`` (and forget everything up to ``last``)."""
        found = None
        for number in sorted(n for n in self.bad if n <= last):
            if found is None and number >= first:
                found = (self.bad[number], self.raw[number])
            del self.bad[number], self.raw[number]
        return found


def _is_header(record: list[str], columns: list[str]) -> bool:
    """Whether a record is a header line again: its cells name every column of the file's header
    (in any order, maybe with more), as where two exports were joined into one file."""
    return len(record) >= len(columns) and set(columns) <= set(_unique_names(record))


def _unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for i, name in enumerate(header):
        name = name.strip() or f"column_{i + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


SNIFF_BYTES = 64 * 1024


def _foreign_lines(fh: BinaryIO) -> tuple[list[bytes], int]:
    """The lines with non-ASCII bytes in the file's first 64 KiB (a BOM dropped), and how many
    non-blank lines it holds."""
    fh.seek(0)
    head = fh.read(SNIFF_BYTES)
    lines = head.split(b"\n")
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the last may be cut off mid-character
    lines = [line.removeprefix(b"\xef\xbb\xbf") for line in lines if line.strip()]
    return [line for line in lines if not line.isascii()], len(lines)


def _mostly_gb18030(foreign: list[bytes]) -> bool:
    """None of ``foreign`` is UTF-8 and more than half are GB18030 (the others: damaged lines,
    quarantined one by one)."""
    readable = 0
    for line in foreign:
        try:
            line.decode("utf-8")
            return False
        except UnicodeDecodeError:
            pass
        try:
            line.decode("gb18030")
            readable += 1
        except UnicodeDecodeError:
            pass
    return readable * 2 > len(foreign)


def reads_as_gb18030(fh: BinaryIO) -> bool:
    """Whether the lines with non-ASCII bytes in the file's first 64 KiB, its header included, are
    GB18030 and not UTF-8 (``_mostly_gb18030``): a CSV saved by Excel on a Chinese Windows."""
    return _mostly_gb18030(_foreign_lines(fh)[0])


def body_is_gb18030(fh: BinaryIO, header: bool = True) -> bool:
    """Whether the file's first 64 KiB hold two or more lines with non-ASCII bytes — or the file's
    only row (after its ``header`` line, for a CSV) is one — and they are GB18030, not UTF-8
    (``_mostly_gb18030``): a GBK export under an ASCII header. One bad line among others in a
    UTF-8 file is not that: it is quarantined on its own."""
    foreign, n_lines = _foreign_lines(fh)
    whole_body = len(foreign) == 1 and n_lines <= (2 if header else 1)  # the only row
    if len(foreign) < 2 and not whole_body:
        return False
    return _mostly_gb18030(foreign)


class CsvConnector:
    kind = "csv"

    def __init__(self, path: Path, delimiter: str | None = None):
        self.path = check_readable_file(path)
        self.file = str(self.path.resolve())
        self.delimiter = delimiter or ("\t" if self.path.suffix.lower() == ".tsv" else ",")
        self.encoding = "utf-8"  # or "gb18030": a Chinese Excel's CSV (``_read_header``)
        if csv.field_size_limit() < FIELD_LIMIT_CHARS:
            csv.field_size_limit(FIELD_LIMIT_CHARS)
        self.columns: list[str] | None = self._read_header()
        if delimiter is None and self.columns is not None and len(self.columns) == 1:
            # a one-column header holding ';' (Excel in many locales), a tab or '|': the file is
            # separated by it (before: "no column for text; the file has: id;text;created_at")
            other = next((d for d in OTHER_DELIMITERS if d in self.columns[0]), None)
            if other is not None and other != self.delimiter:
                self.delimiter = other
                self.columns = self._read_header()
        self._read: ConsumedBytes | None = None

    def file_key(self) -> str:
        return file_key(self.path)

    def _reader(self, fh) -> tuple[_DecodedLines, "csv._reader"]:
        lines = _DecodedLines(fh, self.encoding)
        return lines, csv.reader(lines, delimiter=self.delimiter, strict=True)

    def _read_header(self) -> list[str] | None:
        with self.path.open("rb") as fh:
            if fh.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                raise InputError(
                    f"{self.path} is UTF-16, not UTF-8",
                    f"convert it: iconv -f UTF-16 -t UTF-8 {self.path} > out.csv",
                )
            check_line_endings(self.path, self.path.suffix.lower() or ".csv")
            fh.seek(0)
            lines, reader = self._reader(fh)
            try:
                header = next((rec for rec in reader if rec), None)
            except csv.Error as exc:
                raise InputError(
                    f"the header of {self.path} cannot be read: {exc}",
                    "check the file's first line (quoting)",
                ) from exc
            if header is None:
                return None  # an empty file: zero rows, not an error
            bad_header = lines.take_bad(1, reader.line_num)
            if self.encoding == "utf-8" and (
                reads_as_gb18030(fh) if bad_header else body_is_gb18030(fh)
            ):
                self.encoding = "gb18030"  # what Excel saves as CSV on a Chinese Windows
                return self._read_header()
            if bad_header:
                raise InputError(
                    f"the header of {self.path} is neither UTF-8 nor GB18030",
                    f"save the file as UTF-8 (iconv -f ENCODING -t UTF-8 {self.path} "
                    f"> {self.path.stem}.utf8.csv), or export it as XLSX",
                )
            return _unique_names(header)

    def consumed(self) -> str | None:
        """What ``rows`` has read so far (``ConsumedBytes.mark``): the reader holds no line ahead
        of the record it last gave (a broken record's later lines were read, and count)."""
        return self._read.mark() if self._read else None

    def rows(self, start_after: int = 0) -> Iterator[RawRow | Quarantined]:
        if self.columns is None:
            return
        names = self.columns  # the header the rows are read by: a later header line replaces it
        width = len(names)
        with self.path.open("rb") as fh:
            self._read = ConsumedBytes(fh)
            lines, reader = self._reader(self._read)
            header_seen = False
            while True:
                try:
                    record = next(reader)
                    error = None
                except StopIteration:
                    return
                except csv.Error as exc:
                    record, error = None, str(exc)
                start, ended = lines.first_line(), lines.number
                broken = error is not None or (header_seen and record and len(record) != width)
                if broken and ended > start:
                    # a stray quote opened a field that ran over the next lines (to the end of
                    # the file, or to some later quote): only the line it started on is bad
                    lines.take_bad(start, start)
                    lines.replay_after_first()
                    reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
                    if header_seen and start > start_after:
                        yield Quarantined(
                            self.file,
                            start,
                            "malformed_row",
                            f"broken quoting: a quote on line {start} is never closed "
                            f"properly ({error or 'wrong field count'}); lines "
                            f"{start + 1}..{ended} are read again",
                            "",
                        )
                    continue
                lines.next_record()
                bad = lines.take_bad(start, ended)
                if record == [] and error is None:
                    continue  # blank line
                if not header_seen:
                    header_seen = True
                    continue
                if bad is None and error is None and _is_header(record, self.columns):
                    # files joined together: the header again, its columns maybe reordered or
                    # more; the rows after it are read by it (also when resuming after it)
                    names, width = _unique_names(record), len(record)
                    if start > start_after:
                        yield Quarantined(
                            self.file,
                            start,
                            "header_again",
                            f"a header line on line {start}: the rows after it are read by its "
                            "column names",
                            excerpt(self.delimiter.join(record)),
                        )
                    continue
                if start <= start_after:
                    continue
                if bad is not None:
                    reason, raw = bad
                    text = (
                        raw.decode(self.encoding, errors="replace")
                        if isinstance(raw, bytes)
                        else raw
                    )
                    yield Quarantined(
                        self.file,
                        start,
                        reason,
                        f"on line {start}..{ended}",
                        excerpt(scrub_csv_text(text, self.columns, self.delimiter)),
                    )
                elif error is not None:
                    yield Quarantined(
                        self.file, start, "malformed_row", f"broken quoting: {error}", ""
                    )
                elif len(record) != width:
                    detail = f"{len(record)} fields, the header has {width}"
                    # the author column goes by its header position (RIGHTS.md §4)
                    raw = excerpt(self.delimiter.join(scrub_csv_record(record, self.columns)))
                    yield Quarantined(self.file, start, "malformed_row", detail, raw)
                else:
                    fields = dict(zip(names, map(excel_breaks_read, record)))
                    yield RawRow(fields=fields, file=self.file, position=start)
