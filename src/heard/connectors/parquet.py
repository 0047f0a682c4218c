"""Parquet files, read in batches (pyarrow ``iter_batches``), never loaded whole.

A record's position is its row index + 1. Resuming skips whole row groups that end at or before
``start_after`` without reading them. Values keep their Arrow types as Python objects: timestamp
columns arrive as ``datetime`` (naive ones are read by the mapper in the configured time zone).
Nanosecond times (pandas writes ``timestamp[ns]``) are cut to microseconds, as ``datetime``
holds them: before, one time with nanoseconds in a batch stopped the whole file ("damaged after
row 0: ... not safely convertible to microseconds").
A file pyarrow cannot open is an ``InputError``; a 0-byte file gives zero rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from heard.connectors.base import check_readable_file, content_key
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
        meta = self._open().metadata
        self.columns = list(meta.schema.names)
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
                for fields in _microseconds(batch).to_pylist():
                    position += 1
                    if position > start_after:
                        yield RawRow(fields=fields, file=self.file, position=position)
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
