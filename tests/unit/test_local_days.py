"""``heard.read.days``: the deployment's hours, days and weeks, named by the UTC instant each
begins, for zones whose offset is not whole hours or changes in the year."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from heard.read.days import bucketed, local_start


@pytest.mark.parametrize(
    ("zone", "at", "unit", "start"),
    [
        ("Asia/Shanghai", datetime(2026, 11, 3, 20, 0), "day", datetime(2026, 11, 3, 16, 0)),
        ("Asia/Shanghai", datetime(2026, 11, 3, 15, 59), "day", datetime(2026, 11, 2, 16, 0)),
        ("Asia/Kathmandu", datetime(2026, 11, 3, 0, 10), "hour", datetime(2026, 11, 2, 23, 15)),
        ("Asia/Kathmandu", datetime(2026, 11, 3, 18, 20), "day", datetime(2026, 11, 3, 18, 15)),
        # New York's clocks went back on 1 November 2026: that day lasted 25 hours
        ("America/New_York", datetime(2026, 11, 2, 4, 30), "day", datetime(2026, 11, 1, 4, 0)),
        ("America/New_York", datetime(2026, 11, 2, 5, 30), "day", datetime(2026, 11, 2, 5, 0)),
        # the week of Monday 2 November in Beijing began at 16:00 UTC on Sunday 1 November
        ("Asia/Shanghai", datetime(2026, 11, 8, 15, 0), "week", datetime(2026, 11, 1, 16, 0)),
        ("UTC", datetime(2026, 11, 8, 15, 0), "week", datetime(2026, 11, 2, 0, 0)),
    ],
)
def test_a_time_falls_in_its_local_hour_day_and_week(zone, at, unit, start):
    assert local_start(at, unit, ZoneInfo(zone)) == start


def test_quarter_hours_add_up_on_their_local_day():
    rows = [
        {"t": datetime(2026, 11, 3, 15, 45), "posts": 2},  # 23:45 in Beijing
        {"t": datetime(2026, 11, 3, 16, 0), "posts": 3},  # 00:00 on the 4th
        {"t": datetime(2026, 11, 4, 1, 0), "posts": None},
    ]
    got = bucketed(rows, "day", ZoneInfo("Asia/Shanghai"), ("posts",))
    assert got == [
        {"t": datetime(2026, 11, 2, 16, 0), "posts": 2},
        {"t": datetime(2026, 11, 3, 16, 0), "posts": 3},
    ]
    with pytest.raises(ValueError):
        local_start(datetime(2026, 1, 1), "month", None)
