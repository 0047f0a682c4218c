"""Response times: board time formats, working days, and per-department count / median / p90,
with the clock injected so open messages are judged overdue the same way every run."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from heard.answer.response_times import (
    BoardMessage,
    board_messages_from_rows,
    parse_board_time,
    response_days,
    response_time_stats,
    working_days_between,
)
from heard.errors import InputError


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019/4/25 9:32:09", datetime(2019, 4, 25, 9, 32, 9)),
        ("2019-04-25 09:32:09", datetime(2019, 4, 25, 9, 32, 9)),
        ("2019/9/1", datetime(2019, 9, 1)),
        (" 2019/12/31 23:59 ", datetime(2019, 12, 31, 23, 59)),
    ],
)
def test_board_times_in_every_form_the_exports_use(text, expected):
    assert parse_board_time(text) == expected


@pytest.mark.parametrize("text", ["", "25/4/2019", "2019/13/1 10:00:00", "yesterday"])
def test_unreadable_times_are_refused_with_the_value(text):
    with pytest.raises(InputError) as err:
        parse_board_time(text)
    assert repr(text) in str(err.value) or "not a real date" in str(err.value)


def test_working_days_skip_weekends():
    friday, monday = datetime(2026, 12, 4, 17), datetime(2026, 12, 7, 9)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(friday, friday) == 0
    assert working_days_between(datetime(2026, 11, 30), datetime(2026, 12, 7)) == 5
    assert working_days_between(monday, friday) == -1


def test_stats_per_department_with_the_clock_deciding_overdue():
    t0 = datetime(2026, 11, 2, 9)  # a Monday
    messages = [
        BoardMessage(t0, datetime(2026, 11, 3, 9), "交通运输"),  # 1 day
        BoardMessage(t0, datetime(2026, 11, 5, 9), "交通运输"),  # 3 days
        BoardMessage(t0, datetime(2026, 11, 12, 9), "交通运输"),  # 10 days
        BoardMessage(t0, None, "交通运输"),  # open since Nov 2
        BoardMessage(t0, datetime(2026, 11, 4, 21), "卫生计生"),  # 2.5 days
        BoardMessage(t0, datetime(2026, 10, 30, 9), "卫生计生"),  # dated before the message
        BoardMessage(t0, None, None),
    ]
    early = response_time_stats(messages, now=lambda: datetime(2026, 11, 6))
    late = response_time_stats(messages, now=lambda: datetime(2026, 12, 4))
    by_name = {s.department: s for s in late}
    transport = by_name["交通运输"]
    assert (transport.messages, transport.answered) == (4, 3)
    assert transport.median_days == pytest.approx(3.0)
    assert transport.p90_days == pytest.approx(np.percentile([1, 3, 10], 90))
    assert transport.open_overdue == 1
    assert {s.department: s.open_overdue for s in early}["交通运输"] == 0, (
        "not overdue yet on Nov 6"
    )
    health = by_name["卫生计生"]
    assert (
        health.negative == 1 and health.answered == 2 and health.median_days == pytest.approx(2.5)
    )
    assert [s.department for s in late] == ["交通运输", "卫生计生", None]


def test_one_row_for_the_whole_board():
    t0 = datetime(2026, 11, 2)
    rows = response_time_stats(
        [
            BoardMessage(t0, datetime(2026, 11, 3), "a"),
            BoardMessage(t0, datetime(2026, 11, 5), "b"),
        ],
        now=lambda: datetime(2026, 12, 1),
        by_department=False,
    )
    assert (
        len(rows) == 1 and rows[0].department is None and rows[0].median_days == pytest.approx(2.0)
    )


def test_rows_from_a_file_name_the_bad_row():
    rows = [
        {"留言时间": "2019/4/25 9:32:09", "答复时间": "2019/5/10 14:56:53", "部门": "城乡建设"},
        {"留言时间": "2019/4/25 9:32:09", "答复时间": "", "部门": "城乡建设"},
    ]
    messages = board_messages_from_rows(rows, department_column="部门")
    assert messages[1].answered_at is None and messages[0].department == "城乡建设"
    assert response_days(messages[0].asked_at, messages[0].answered_at) == pytest.approx(
        15.2261, abs=1e-3
    )
    with pytest.raises(InputError, match="row 2"):
        board_messages_from_rows([rows[0], {"留言时间": "soon", "答复时间": ""}])
    with pytest.raises(InputError, match="no column"):
        board_messages_from_rows([{"time": "2019/1/1"}])


SHANGHAI = ZoneInfo("Asia/Shanghai")
# stored times are naive UTC: 2019-12-01 17:00 UTC is Monday 2 December, 01:00 in Beijing
BEFORE_MIDNIGHT_UTC = datetime(2019, 12, 1, 17)  # Sunday in UTC, Monday in Beijing
AFTER_MIDNIGHT_UTC = datetime(2019, 12, 2, 15)  # Monday 23:00 in Beijing, Monday in UTC too
ANSWERED = datetime(2019, 12, 23, 2)  # Monday 23 December, 10:00 in Beijing


def test_working_days_are_counted_on_the_institutions_dates():
    # Beijing: Monday 2 → Monday 23 December is 15 working days; UTC dates would say 16
    assert working_days_between(BEFORE_MIDNIGHT_UTC, ANSWERED, SHANGHAI) == 15
    assert working_days_between(BEFORE_MIDNIGHT_UTC, ANSWERED) == 16  # UTC, when no zone is given
    assert working_days_between(AFTER_MIDNIGHT_UTC, ANSWERED, SHANGHAI) == 15
    assert working_days_between(AFTER_MIDNIGHT_UTC, ANSWERED) == 15
    aware = BEFORE_MIDNIGHT_UTC.replace(tzinfo=timezone.utc)
    assert working_days_between(aware, ANSWERED.replace(tzinfo=timezone.utc), SHANGHAI) == 15


def test_within_the_deadline_and_overdue_on_the_institutions_dates():
    messages = [
        BoardMessage(BEFORE_MIDNIGHT_UTC, ANSWERED, "a"),
        BoardMessage(BEFORE_MIDNIGHT_UTC, None, "a"),
    ]
    # now: Monday 23 December, 23:00 in Beijing (15:00 UTC): the open message is 15 working days
    # old there (within the deadline), 16 on UTC dates (Sunday 1 → Monday 23)
    monday_night = datetime(2019, 12, 23, 15)
    utc = response_time_stats(messages, now=lambda: monday_night)[0]
    here = response_time_stats(messages, now=lambda: monday_night, zone=SHANGHAI)[0]
    assert (utc.answered_within_deadline, here.answered_within_deadline) == (0, 1)
    assert (utc.open_overdue, here.open_overdue) == (1, 0)
    # one hour later it is Tuesday in Beijing: 16 working days, overdue there too
    later = response_time_stats(messages, now=lambda: datetime(2019, 12, 23, 16), zone=SHANGHAI)
    assert later[0].open_overdue == 1


def test_board_times_are_read_in_the_boards_zone():
    rows = [{"留言时间": "2019/12/2 1:00:00", "答复时间": "2019/12/23 10:00:00"}]
    [message] = board_messages_from_rows(rows, zone=SHANGHAI)
    assert (message.asked_at, message.answered_at) == (BEFORE_MIDNIGHT_UTC, ANSWERED)
    [stats] = response_time_stats([message], now=lambda: ANSWERED, zone=SHANGHAI)
    assert stats.answered_within_deadline == 1
    # without a zone the board's own wall-clock times are taken as they are (UTC), as before
    [plain] = board_messages_from_rows(rows)
    assert plain.asked_at == datetime(2019, 12, 2, 1)
