"""Response times of a message board: parse its times, and count, median and p90 per department.

Pure functions with the clock injected, so that ``heard accountability`` can be checked against a
direct computation from the file (``bench/reply_quality_eval.py`` does that for Teddy Cup 附件4).

Definitions, stated once so two computations agree:

* response time = (answered_at − asked_at) in calendar days, as a float (seconds / 86,400);
* median = the middle value (mean of the two middle values for an even count);
* p90 = linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC);
* an open message (no answer yet) has no response time; its age is ``now() − asked_at``, and it
  is overdue when that age exceeds the deadline in working days (Monday–Friday, no holidays);
* working days are counted on the dates of the institution's time zone (the ``timezone``
  setting, as deadlines are: ``heard.answer.cases.deadline_after``). Times are naive UTC as the
  store keeps them (or aware); a message at 01:00 Beijing time is 17:00 UTC the day before, and
  its UTC date is not the day it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Callable, Iterable

import numpy as np

from heard.errors import InputError

Clock = Callable[[], datetime]

_BOARD_TIME = re.compile(
    r"^\s*(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*$"
)


def parse_board_time(text: str) -> datetime:
    """``2019/4/25 9:32:09``, ``2019-04-25 09:32:09``, ``2019/9/1`` (midnight) → datetime.

    Board exports mix these forms (附件4 has all three); anything else is refused with the
    value shown, never guessed."""
    match = _BOARD_TIME.match(str(text or ""))
    if not match:
        raise InputError(
            f"cannot read the time {text!r}",
            "times must look like 2019/4/25 9:32:09, 2019-04-25 09:32:09 or 2019/9/1",
        )
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise InputError(
            f"the time {text!r} is not a real date ({exc})", "check the day and month"
        ) from exc


def local_date(ts: datetime | date, zone: tzinfo = timezone.utc) -> date:
    """The date ``ts`` falls on in ``zone``: a naive datetime is UTC (as stored), an aware one is
    converted; a ``date`` is already a date and is kept."""
    if not isinstance(ts, datetime):
        return ts
    aware = ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone).date()


def working_days_between(
    start: datetime | date, end: datetime | date, zone: tzinfo = timezone.utc
) -> int:
    """Monday–Friday days from ``start``'s date up to ``end``'s date (the start day not counted,
    the end day counted): a message on Friday answered on Monday took 1 working day. The dates
    are those of ``zone``, the institution's time zone (``local_date``)."""
    start_d, end_d = local_date(start, zone), local_date(end, zone)
    if end_d < start_d:
        return -working_days_between(end_d, start_d)
    return int(np.busday_count(start_d + timedelta(days=1), end_d + timedelta(days=1)))


def response_days(asked_at: datetime, answered_at: datetime) -> float:
    """Calendar days from message to reply (negative when the reply is dated before the message)."""
    return (answered_at - asked_at).total_seconds() / 86400.0


@dataclass(frozen=True)
class BoardMessage:
    """What response times need of a message: its department (or None) and its two times."""

    asked_at: datetime
    answered_at: datetime | None
    department: str | None = None


@dataclass(frozen=True)
class ResponseTimeStats:
    """One department's (or the whole board's, ``department=None``) response-time record."""

    department: str | None
    messages: int
    answered: int
    median_days: float | None
    p90_days: float | None
    mean_days: float | None
    answered_within_deadline: int
    open_overdue: int
    negative: int  # replies dated before their message: kept out of the figures, counted here

    def as_dict(self) -> dict[str, object]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "department": self.department,
            "messages": self.messages,
            "answered": self.answered,
            "median_days": r(self.median_days),
            "p90_days": r(self.p90_days),
            "mean_days": r(self.mean_days),
            "answered_within_deadline": self.answered_within_deadline,
            "open_overdue": self.open_overdue,
            "negative_excluded": self.negative,
        }


def response_time_stats(
    messages: Iterable[BoardMessage],
    *,
    now: Clock,
    deadline_working_days: int = 15,
    by_department: bool = True,
    zone: tzinfo = timezone.utc,
) -> list[ResponseTimeStats]:
    """Per department (sorted by name; messages without one under ``None``) or, with
    ``by_department=False``, one row for the whole board. ``now`` is the clock (naive UTC): it
    decides which open messages are overdue, nothing else. Working days (answered within the
    deadline, overdue) are counted on ``zone``'s dates."""
    groups: dict[str | None, list[BoardMessage]] = {}
    for m in messages:
        key = m.department if by_department else None
        groups.setdefault(key, []).append(m)
    current = now()
    rows = []
    for department in sorted(groups, key=lambda d: (d is None, d or "")):
        group = groups[department]
        days = [
            response_days(m.asked_at, m.answered_at) for m in group if m.answered_at is not None
        ]
        negative = sum(1 for d in days if d < 0)
        valid = np.array([d for d in days if d >= 0], dtype=float)
        within = sum(
            1
            for m in group
            if m.answered_at is not None
            and m.answered_at >= m.asked_at
            and working_days_between(m.asked_at, m.answered_at, zone) <= deadline_working_days
        )
        overdue = sum(
            1
            for m in group
            if m.answered_at is None
            and working_days_between(m.asked_at, current, zone) > deadline_working_days
        )
        rows.append(
            ResponseTimeStats(
                department=department,
                messages=len(group),
                answered=len(days),
                median_days=float(np.median(valid)) if valid.size else None,
                p90_days=float(np.percentile(valid, 90)) if valid.size else None,
                mean_days=float(valid.mean()) if valid.size else None,
                answered_within_deadline=within,
                open_overdue=overdue,
                negative=negative,
            )
        )
    return rows


def board_messages_from_rows(
    rows: Iterable[dict[str, str]],
    *,
    asked_column: str = "留言时间",
    answered_column: str = "答复时间",
    department_column: str | None = None,
    zone: tzinfo = timezone.utc,
) -> list[BoardMessage]:
    """CSV/XLSX rows → ``BoardMessage``; a blank answer time is an open message. A bad time names
    its row (1-based, header excluded) so the file can be fixed. The board's times are read in
    ``zone`` (a board writes its own local time; 附件4's is Beijing time) and returned as naive
    UTC, as the store keeps them; pass the same ``zone`` to ``response_time_stats``."""
    out = []
    for n, row in enumerate(rows, start=1):
        try:
            asked = _utc(parse_board_time(row[asked_column]), zone)
            raw_answer = (row.get(answered_column) or "").strip()
            answered = _utc(parse_board_time(raw_answer), zone) if raw_answer else None
        except KeyError as exc:
            raise InputError(
                f"row {n} has no column {exc}", f"name the time columns (found {sorted(row)})"
            ) from exc
        except InputError as exc:
            raise InputError(f"row {n}: {exc.what}", exc.fix) from exc
        department = (row.get(department_column) or None) if department_column else None
        out.append(BoardMessage(asked, answered, department))
    return out


def _utc(local: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time of ``zone`` as naive UTC."""
    return local.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
