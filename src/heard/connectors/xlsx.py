"""Excel workbooks (``.xlsx``), read in streaming mode (openpyxl ``read_only=True``).

The first sheet is read unless a sheet name is given. Row 1 is the header; a record's position
is its sheet row number (the first record is row 2). Rows whose cells are all empty are skipped
(exports often carry thousands of styled, empty rows). Cells past the header's width that hold a
value are kept as ``column_N``. Cell values keep their types: Excel date cells arrive as
``datetime`` (read by the mapper in the configured time zone), numbers as int/float. An Excel
cell holds at most 32,767 characters, so texts longer than that cannot come from a workbook.
Text cells are unescaped as the format says (``_x000D_`` → a carriage return: Excel writes line
breaks that way, and openpyxl leaves them in the string).

A file that is not a readable workbook is an ``InputError``; so is a workbook that breaks
half-way (a damaged archive), naming the last row read. A 0-byte file gives zero rows. openpyxl
keeps the shared-strings table
in memory, which is small next to the sheet itself.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from heard.connectors.base import check_readable_file, content_key
from heard.errors import InputError
from heard.records import Quarantined, RawRow

_BROKEN = (zipfile.BadZipFile, ParseError, KeyError, OSError, ValueError, TypeError, EOFError)


def _load(path: Path) -> Any:
    from openpyxl import load_workbook

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
                cells = tuple(_unescape(v) for v in cells)
                fields = {
                    name: (cells[i] if i < len(cells) else None) for i, name in enumerate(names)
                }
                for i in range(len(names), len(cells)):
                    if cells[i] is not None:
                        fields[f"column_{i + 1}"] = cells[i]
                yield RawRow(fields=fields, file=self.file, position=number)


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
    except _BROKEN as exc:
        raise InputError(
            f"{path} is damaged after row {number}: {type(exc).__name__}: {exc}",
            "re-save the workbook in Excel/LibreOffice, or export it as CSV",
        ) from exc


class _Workbook:
    """Opens a workbook, yields its sheet's rows as value tuples, and always closes it."""

    def __init__(self, path: Path, sheet: str | None):
        self.path, self.sheet, self.book = path, sheet, None

    def __enter__(self) -> Iterator[tuple[Any, ...]]:
        self.book = _load(self.path)
        if self.sheet is None:
            ws = self.book.worksheets[0]
        elif self.sheet in self.book.sheetnames:
            ws = self.book[self.sheet]
        else:
            names = ", ".join(self.book.sheetnames)
            self.book.close()
            raise InputError(f"{self.path} has no sheet {self.sheet!r}", f"choose one of: {names}")
        ws.reset_dimensions()  # some writers record a wrong size; read what is really there
        result: Iterator[tuple[Any, ...]] = ws.iter_rows(values_only=True)
        return result

    def __exit__(self, *exc: object) -> None:
        if self.book is not None:
            self.book.close()
