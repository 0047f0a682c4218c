"""Choose a connector from a file's suffix (or an explicit format) and open it."""

from __future__ import annotations

from pathlib import Path

from heard.connectors.base import Connector, check_readable_file
from heard.errors import InputError

FORMATS = ("jsonl", "json", "csv", "xlsx", "parquet")

SUFFIXES: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json-lines": "jsonl",
    ".jsonlines": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}

_HINTS = {
    ".xls": "old .xls workbooks are not read; re-save it as .xlsx or export it as CSV",
    ".gz": "compressed files are not read directly; decompress it first (gunzip -k FILE)",
    ".zip": "unzip the archive and ingest the files inside",
}


def detect_format(path: Path) -> str:
    """The format named by the file's suffix, or an ``InputError`` that says what to do."""
    suffix = Path(path).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    known = ", ".join(sorted(SUFFIXES))
    fix = _HINTS.get(
        suffix,
        f"rename the file to one of {known}, or name the format: --format {'|'.join(FORMATS)}",
    )
    raise InputError(
        f"cannot tell the format of {path} from its suffix {suffix or '(none)'!r}", fix
    )


def open_connector(path: Path, fmt: str | None = None) -> Connector:
    """A connector for ``path``; ``fmt`` (jsonl, json, csv, xlsx, parquet) overrides the
    suffix."""
    path = check_readable_file(Path(path))
    if fmt is None:
        fmt = detect_format(path)
    fmt = fmt.lower()
    if fmt == "jsonl":
        from heard.connectors.jsonl import JsonlConnector

        return JsonlConnector(path)
    if fmt == "json":
        from heard.connectors.jsonarray import JsonArrayConnector

        return JsonArrayConnector(path)
    if fmt in ("csv", "tsv"):
        from heard.connectors.csvfile import CsvConnector

        return CsvConnector(path, delimiter="\t" if fmt == "tsv" else None)
    if fmt == "xlsx":
        from heard.connectors.xlsx import XlsxConnector

        return XlsxConnector(path)
    if fmt == "parquet":
        from heard.connectors.parquet import ParquetConnector

        return ParquetConnector(path)
    raise InputError(f"unknown format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
