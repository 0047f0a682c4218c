"""Parquet files, read in batches (pyarrow ``iter_batches``), never loaded whole.

A record's position is its row index + 1. Resuming skips whole row groups that end at or before
``start_after`` without reading them. Values keep their Arrow types as Python objects: timestamp
columns arrive as ``datetime`` (naive ones are read by the mapper in the configured time zone).
Nanosecond times (pandas writes ``timestamp[ns]``) are cut to microseconds, as ``datetime``
holds them: before, one time with nanoseconds in a batch stopped the whole file ("damaged after
row 0: ... not safely convertible to microseconds"). A row with a value Python cannot hold (a
time past the year 9999, a date of a billion days) is quarantined as ``bad_value`` with the
column and the error, and the rest of its batch is read; before, the ingest died with an
``OverflowError`` traceback.
A file pyarrow cannot open is an ``InputError``; a 0-byte file gives zero rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from heard.connectors.base import check_readable_file, content_key, excerpt
from heard.errors import InputError
from heard.records import Quarantined, RawRow

BATCH_ROWS = 2048


class ParquetConnector:
    kind = "parquet"

    def __init__(self, path: Path):
        self.path = check_readable_file(path)
        self.file = str(self.path.resolve())
        self.columns: list[str] | None = None
        self._group_rows: list[int] = []
        if self.path.stat().st_size == 0:
            return  # an empty file: zero rows, not an error
        pf = self._open()
        meta = pf.metadata
        # the top-level names, as the rows carry them (the Parquet schema's names are its leaves:
        # a struct column "text" is listed as its field "x", a list column as "element")
        self.columns = list(pf.schema_arrow.names)
        pf.close()
        self._group_rows = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]

    def _open(self):
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
            raise InputError(
                f"{self.path} is not a readable Parquet file ({type(exc).__name__}: {exc})",
                "check that the file is complete; re-export it with pyarrow or DuckDB",
            ) from exc

    def file_key(self) -> str:
        return content_key(self.path)

    def rows(self, start_after: int = 0) -> Iterator[RawRow | Quarantined]:
        groups, first_index, seen = [], 0, 0
        for i, n in enumerate(self._group_rows):
            if seen + n > start_after:
                groups.append(i)
            else:
                first_index = seen + n  # whole group already done: skip it unread
            seen += n
        if not groups:
            return
        pf = self._open()
        position = first_index
        try:
            batches = pf.iter_batches(batch_size=BATCH_ROWS, row_groups=groups)
            for batch in batches:
                batch = _microseconds(batch)
                try:
                    records = batch.to_pylist()
                except (ValueError, OverflowError):  # one value Python cannot hold
                    records = None
                for i in range(batch.num_rows):
                    position += 1
                    if position <= start_after:
                        continue
                    if records is not None:
                        yield RawRow(fields=records[i], file=self.file, position=position)
                    else:
                        yield _one_row(batch, i, self.file, position)
        except (
            OSError,
            ValueError,
        ) as exc:  # ArrowInvalid is a ValueError, ArrowIOError an OSError
            raise InputError(
                f"{self.path} is damaged after row {position}: {exc}",
                "check that the file is complete; re-export it",
            ) from exc
        finally:
            pf.close()


def _microseconds(batch):
    """``batch`` with its nanosecond timestamp, duration and time columns cast (cut) to
    microseconds, the finest unit Python's ``datetime``/``timedelta``/``time`` hold."""
    import pyarrow as pa
    import pyarrow.types as types

    columns, changed = [], False
    for field, column in zip(batch.schema, batch.columns):
        kind = field.type
        to = None
        if types.is_timestamp(kind) and kind.unit == "ns":
            to = pa.timestamp("us", kind.tz)
        elif types.is_duration(kind) and kind.unit == "ns":
            to = pa.duration("us")
        elif types.is_time64(kind) and kind.unit == "ns":
            to = pa.time64("us")
        if to is not None:
            column, changed = column.cast(to, safe=False), True
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names) if changed else batch


def _one_row(batch, i: int, file: str, position: int) -> RawRow | Quarantined:
    """Row ``i`` of a batch read value by value: a ``bad_value`` quarantine naming the first
    column whose value Python cannot hold, else the row."""
    import json

    fields, bad = {}, None
    for name, column in zip(batch.schema.names, batch.columns):
        try:
            fields[name] = column[i].as_py()
        except (ValueError, OverflowError) as exc:
            fields[name] = None
            bad = bad or f"column {name}: {type(exc).__name__}: {exc}"
    if bad is None:
        return RawRow(fields=fields, file=file, position=position)
    shown = json.dumps(fields, ensure_ascii=False, default=str)
    return Quarantined(file, position, "bad_value", bad, excerpt(shown))
