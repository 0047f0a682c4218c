"""Arrow in and out of PostgreSQL, for the repositories' SQL surface: a query's rows as an Arrow
table (``arrow``), and an Arrow table visible to SQL for a block (``registered``: a temporary
table filled by COPY, the PostgreSQL form of DuckDB's registered Arrow tables)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
import pyarrow as pa

_TYPES = {
    pa.string(): "TEXT",
    pa.large_string(): "TEXT",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.int16(): "SMALLINT",
    pa.int8(): "SMALLINT",
    pa.float64(): "DOUBLE PRECISION",
    pa.float32(): "REAL",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.null(): "TEXT",
}


def pg_type(arrow_type: pa.DataType) -> str:
    if arrow_type in _TYPES:
        return _TYPES[arrow_type]
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        inner = arrow_type.value_type
        return ("DOUBLE PRECISION" if inner == pa.float64() else pg_type(inner)) + "[]"
    raise TypeError(f"no PostgreSQL type for Arrow {arrow_type}")


def _column(values: Sequence[Any]) -> pa.Array:
    """One result column as Arrow: float lists as float32 lists (vectors), numerics as floats."""
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return pa.array(values, pa.null()) if values else pa.array([], pa.null())
    if isinstance(sample, list) and (not sample or isinstance(sample[0], float)):
        return pa.array(values, pa.list_(pa.float32()))
    if isinstance(sample, Decimal):
        return pa.array([None if v is None else float(v) for v in values], pa.float64())
    return pa.array(values)


def table_of(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> pa.Table:
    columns = list(zip(*rows)) if rows else [() for _ in names]
    return pa.table({n: _column(list(c)) for n, c in zip(names, columns)})


def arrow(con: psycopg.Connection[Any], sql: str, params: Sequence[Any] | None) -> pa.Table:
    with con.cursor() as cur:
        cur.execute(sql, list(params) if params else None)
        names = [d.name for d in cur.description or []]
        return table_of(names, cur.fetchall())


def stream(url: str, sql: str, batch_size: int) -> Iterator[pa.Table]:
    """``sql``'s rows ``batch_size`` at a time, on a connection of its own with a server-side
    cursor (the caller's connection stays free to write between batches)."""
    with psycopg.connect(url, application_name="heard-stream") as con:
        with con.cursor(name="heard_stream") as cur:
            cur.itersize = batch_size
            cur.execute(sql)
            names = [d.name for d in cur.description or []]
            while True:
                rows = cur.fetchmany(batch_size)
                if not rows:
                    return
                yield table_of(names, rows)


@contextmanager
def registered(con: psycopg.Connection[Any], name: str, table: pa.Table) -> Iterator[None]:
    """``table`` as the temporary table ``name`` for the block (dropped after; inside a
    transaction that fails, the rollback removes it)."""
    columns = ", ".join(f'"{f.name}" {pg_type(f.type)}' for f in table.schema)
    con.execute(f'CREATE TEMP TABLE "{name}" ({columns})')
    try:
        if table.num_rows:
            with con.cursor().copy(f'COPY "{name}" FROM STDIN') as copy:
                for row in zip(*(c.to_pylist() for c in table.columns)):
                    copy.write_row(row)
        yield
    finally:
        try:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        except psycopg.Error:  # the transaction failed: its rollback drops the table
            pass
