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
