"""A Parquet file written by pandas stores times as ``timestamp[ns]``. Before, one time with a
nanosecond part (``pd.Timestamp.now()``) made the whole file an error, "damaged after row 0: ...
not safely convertible to microseconds", and nothing of it was read."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq

from heard.connectors import open_connector
from heard.connectors.mapping import Mapper
from heard.records import Post

NS = 1_762_077_600_123_456_789  # 2025-11-02T10:00:00.123456789Z


def test_nanosecond_times_are_read_to_the_microsecond(tmp_path):
    path = tmp_path / "pandas.parquet"
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": ["the road is broken", "no water since morning"],
            "created_at": pa.array([NS, NS + 1], pa.timestamp("ns", "UTC")),
            "naive": pa.array([NS, None], pa.timestamp("ns")),
            "waited": pa.array([1_500, 2_000_000_001], pa.duration("ns")),
        }
    )
    pq.write_table(table, path)
    rows = list(open_connector(path).rows())
    assert [r.position for r in rows] == [1, 2]
    want = datetime(2025, 11, 2, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert rows[0].fields["created_at"] == want
    assert rows[0].fields["naive"] == want.replace(tzinfo=None)
    assert rows[1].fields["waited"] == timedelta(seconds=2)
    post = Mapper(None, "pandas", now=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc)).map(
        rows[1]
    )
    assert isinstance(post, Post) and post.created_at == want


def test_a_value_python_cannot_hold_quarantines_its_row_only(tmp_path):
    # before: an OverflowError traceback, nothing after it read
    path = tmp_path / "overflow.parquet"
    times = [1_700_000_000_000_000] * 5
    times[2] = 2**62  # microseconds: far past the year 9999
    table = pa.table(
        {
            "id": [f"p{i}" for i in range(5)],
            "user": ["someone"] * 5,
            "text": [f"post {i} about the park" for i in range(5)],
            "created_at": pa.array(times, pa.timestamp("us")),
        }
    )
    pq.write_table(table, path, row_group_size=2)
    items = list(open_connector(path).rows())
    assert [(i.position, type(i).__name__) for i in items] == [
        (1, "RawRow"),
        (2, "RawRow"),
        (3, "Quarantined"),
        (4, "RawRow"),
        (5, "RawRow"),
    ]
    bad = items[2]
    assert bad.reason == "bad_value"
    assert bad.detail == "column created_at: OverflowError: date value out of range"
    assert '"id": "p2"' in bad.raw and "someone" not in bad.raw  # no author in the quarantine
    assert [i.position for i in open_connector(path).rows(start_after=3)] == [4, 5]


def test_nested_columns_are_named_as_the_rows_carry_them(tmp_path):
    # before: columns ["id", "x", "created_at"] (the struct's leaf), so "no column for text ...
    # the file has: id, x, created_at" stopped the file although it has a column "text"
    path = tmp_path / "nested.parquet"
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": [{"x": 1}, {"x": 2}],
            "tags": [["road"], []],
            "created_at": ["2026-11-02 10:00", "2026-11-02 11:00"],
        }
    )
    pq.write_table(table, path)
    conn = open_connector(path)
    assert conn.columns == ["id", "text", "tags", "created_at"]
    mapper = Mapper(None, "nested", now=lambda: datetime(2026, 12, 1, tzinfo=timezone.utc))
    assert mapper.check_columns(conn.columns)["text"] == "text"
    reasons = [mapper.map(r).reason for r in conn.rows()]
    assert reasons == ["missing_text", "missing_text"]  # "text holds a dict", row by row
