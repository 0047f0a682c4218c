"""Excel workbooks (``.xlsx``), read in streaming mode (openpyxl ``read_only=True``).

The first sheet whose row 1 names two or more columns is read (a cover or notes sheet before the
data, or an empty first sheet, is passed over; before, such a workbook failed with "no column for
text; the file has: 本表为…导出" or "holds no rows", and no option could pick the sheet); with none
such, the first sheet; a sheet name, when given, is read. Row 1 is the header; a record's position
is its sheet row number (the first record is row 2). Rows whose cells are all empty are skipped
(exports often carry thousands of styled, empty rows). Cells past the header's width that hold a
value are kept as ``column_N``. Cell values keep their types: Excel date cells arrive as
``datetime`` (read by the mapper in the configured time zone), numbers as int/float. An Excel cell
holds at most 32,767 characters, so texts longer than that cannot come from a workbook. Text cells
are unescaped as the format says (``_x000D_`` → a carriage return: Excel writes line breaks that
way, and openpyxl leaves them in the string).

A formula cell is read as the value the spreadsheet program last computed and saved with it. A
workbook written by a script (openpyxl, pandas) keeps the formula and no computed value: such a
cell reads as empty, and its column is named in the row's ``formulas`` (column → formula), so the
mapper can quarantine a row whose text or time is one with a reason that says so and what to do
("formula without a computed value"), not as an empty cell nobody can find.

A file that is not a readable workbook is an ``InputError``; so is a workbook that breaks
half-way (a damaged archive), naming the last row read. A 0-byte file gives zero rows. openpyxl
keeps the shared-strings table
in memory, which is small next to the sheet itself.

A workbook is a ZIP archive, and a small one can unpack to gigabytes (a "zip bomb": one cell of
a billion characters, a shared-strings table of a hundred million entries). Before openpyxl
reads anything, every part it reads whole (all but the worksheets) must unpack to at most
``MAX_PART_BYTES``; a worksheet is streamed, and each of its rows may take at most
``MAX_ROW_XML_BYTES`` of XML (an Excel cell holds at most 32,767 characters); a row number past
Excel's last row (1,048,576), or one that does not come after the row before it, is a damaged
sheet. Each is an ``InputError`` that says what to do, not a process that runs out of memory,
or walks a billion empty rows, or drops a row nobody can find.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from heard.connectors.base import check_readable_file, content_key
from heard.errors import InputError
from heard.records import Quarantined, RawRow

_BROKEN = (zipfile.BadZipFile, ParseError, KeyError, OSError, ValueError, TypeError, EOFError)

MAX_PART_BYTES = 256 * 1024 * 1024
"""Largest unpacked size of a part read whole (shared strings, styles, theme, workbook)."""
MAX_ROW_XML_BYTES = 32 * 1024 * 1024
"""Largest amount of worksheet XML one row may take (32,767 characters a cell, escaped)."""
EXCEL_MAX_ROW = 1_048_576
_WORKSHEET_TYPE = re.compile(rb'PartName="/?([^"]+)"\s+ContentType="[^"]*worksheet[^"]*"')
_FIX = "re-save the workbook in Excel/LibreOffice, or export it as CSV"


class _SheetTooLarge(Exception):
    """A row of a worksheet takes more than ``MAX_ROW_XML_BYTES`` of XML."""


def _check_unpacked_sizes(path: Path) -> None:
    """An ``InputError`` when a part that openpyxl reads whole would unpack to more than
    ``MAX_PART_BYTES`` (the sizes are the archive's own: ``zipfile`` never unpacks more than a
    member's recorded size). A file that is not a ZIP archive is left to ``_load``."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            types = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
            if types is not None and types.file_size <= MAX_PART_BYTES:
                sheets = set(_WORKSHEET_TYPE.findall(archive.read(types)))
            else:
                sheets = set()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    for info in infos:
        if info.file_size > MAX_PART_BYTES and info.filename.encode() not in sheets:
            raise InputError(
                f"{path} is not a usable workbook: its part {info.filename} unpacks to "
                f"{info.file_size:,} bytes from {info.compress_size:,} (the limit is "
                f"{MAX_PART_BYTES:,}; a zip bomb?)",
                _FIX,
            )


def _load(path: Path) -> Any:
    from openpyxl import load_workbook

    _check_unpacked_sizes(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; all mean "not a usable workbook"
        raise InputError(
            f"{path} is not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
            "open and re-save it as .xlsx (Excel 2007+), or export it as CSV",
        ) from exc


def _header_names(cells: tuple[Any, ...]) -> list[str]:
    names: list[str] = []
    for i, value in enumerate(cells):
        name = "" if value is None else str(value).strip()
        name = name or f"column_{i + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    while names and names[-1].startswith("column_") and cells[len(names) - 1] is None:
        names.pop()  # trailing empty header cells are not columns
    return names


class XlsxConnector:
    kind = "xlsx"

    def __init__(self, path: Path, sheet: str | None = None):
        self.path = check_readable_file(path)
        self.file = str(self.path.resolve())
        self.sheet = sheet
        self.columns: list[str] | None = None
        if self.path.stat().st_size == 0:
            return  # an empty file: zero rows, not an error
        with _Workbook(self.path, sheet) as rows:
            first = _next_row(rows, self.path, 0)
            if first is not None:
                self.columns = _header_names(first)

    def file_key(self) -> str:
        return content_key(self.path)

    def rows(self, start_after: int = 0) -> Iterator[RawRow | Quarantined]:
        if not self.columns:
            return
        names = self.columns
        with _Workbook(self.path, self.sheet) as rows:
            number = 1
            _next_row(rows, self.path, 0)  # header
            while (cells := _next_row(rows, self.path, number)) is not None:
                number += 1
                if number <= start_after or all(v is None or v == "" for v in cells):
                    continue
                formulas: dict[str, str] = {}
                fields: dict[str, Any] = {}
                for i, value in enumerate(cells):
                    name = names[i] if i < len(names) else f"column_{i + 1}"
                    if isinstance(value, _Uncalculated):
                        formulas[name], value = value.formula, None
                    if i < len(names) or value is not None:
                        fields[name] = _unescape(value)
                for name in names[len(cells) :]:
                    fields[name] = None
                yield RawRow(fields, self.file, number, formulas or None)


def _unescape(value: Any) -> Any:
    """A text cell with OOXML escapes (``_xHHHH_``) → the characters they stand for."""
    if isinstance(value, str) and "_x" in value:
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return value


def _next_row(rows: Iterator[tuple[Any, ...]], path: Path, number: int) -> tuple[Any, ...] | None:
    """The next row's values, None at the end; a damaged sheet is an ``InputError``."""
    try:
        return next(rows, None)
    except _SheetTooLarge as exc:
        raise InputError(
            f"{path}: the row after row {number} takes more than {MAX_ROW_XML_BYTES:,} bytes "
            f"of XML ({exc}); an Excel cell holds at most 32,767 characters",
            _FIX,
        ) from exc
    except _BROKEN as exc:
        raise InputError(
            f"{path} is damaged after row {number}: {type(exc).__name__}: {exc}",
            _FIX,
        ) from exc


class _Workbook:
    """Opens a workbook, yields its sheet's rows as value tuples, and always closes it."""

    def __init__(self, path: Path, sheet: str | None):
        self.path, self.sheet, self.book = path, sheet, None

    def __enter__(self) -> Iterator[tuple[Any, ...]]:
        self.book = _load(self.path)
        if self.sheet is None:
            ws = next(
                (w for w in self.book.worksheets if _names_columns(w)), self.book.worksheets[0]
            )
        elif self.sheet in self.book.sheetnames:
            ws = self.book[self.sheet]
        else:
            names = ", ".join(self.book.sheetnames)
            self.book.close()
            raise InputError(f"{self.path} has no sheet {self.sheet!r}", f"choose one of: {names}")
        return _values(ws)

    def __exit__(self, *exc: object) -> None:
        if self.book is not None:
            self.book.close()


def _names_columns(ws: Any) -> bool:
    """Whether the sheet's row 1 has two or more cells with a value (read as ``rows`` reads it,
    under the same limits; a sheet that cannot be read is not chosen here)."""
    rows = _values(ws)
    try:
        first = next(rows, ())
    except (*_BROKEN, _SheetTooLarge):
        return False
    finally:
        rows.close()
    return sum(1 for v in first if v is not None and str(v).strip()) >= 2


class _Uncalculated:
    """A formula cell saved without a computed value (its formula kept, for the message)."""

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula


def _values(ws: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as value tuples, as ``ws.iter_rows(values_only=True)`` gives them after
    ``reset_dimensions()`` (a row missing from the file is ``()``; each row as wide as its last
    cell; some writers record a wrong size, so what is really there is read), except that a
    formula cell without a computed value is an ``_Uncalculated``, not None. openpyxl's
    read-only parser drops the formula when it reads values, so its parser is extended here:
    openpyxl is pinned (pyproject.toml), and ``tests/integration/test_xlsx_formulas.py`` and the
    connector tests hold this to ``iter_rows``'s behaviour."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    text = formula.text
                    cell["value"] = _Uncalculated(f"={text}" if text else "(a shared formula)")
            return cell

    book = ws.parent
    with ws._get_source() as src:
        parser = Parser(
            _RowBytes(src),
            ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        counter = 1
        for idx, row in parser.parse():
            if idx > EXCEL_MAX_ROW or idx < counter:
                raise ValueError(
                    f"row number {idx} "
                    + ("is past Excel's last row" if idx > EXCEL_MAX_ROW else "comes out of order")
                )
            while counter < idx:  # rows the file leaves out
                counter += 1
                yield ()
            if counter <= idx:
                counter += 1
                yield ws._get_row(row, 1, None, True)


class _RowBytes:
    """A worksheet's XML as the parser reads it, refusing a row of more than
    ``MAX_ROW_XML_BYTES``: it counts the bytes since the last ``<row`` tag began, so one
    enormous cell (or a row of millions of cells) stops here before it is built in memory."""

    def __init__(self, src: Any):
        self.src = src
        self.since = 0
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.src.read(size)
        seen = self.tail + data
        start = seen.rfind(b"<row")
        self.since = len(seen) - start if start >= 0 else self.since + len(data)
        self.tail = seen[-3:]
        if self.since > MAX_ROW_XML_BYTES:
            raise _SheetTooLarge(f"{self.since:,} bytes read since the row began")
        return data
