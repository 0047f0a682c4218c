"""Response times of a message board: parse its times, and count, median and p90 per department.

Pure functions with the clock injected, so that ``heard accountability`` can be checked against a
direct computation from the file (``bench/reply_quality_eval.py`` does that for Teddy Cup 附件4).

Definitions, stated once so two computations agree:

* response time = (answered_at − asked_at) in calendar days, as a float (seconds / 86,400);
* median = the middle value (mean of the two middle values for an even count);
* p90 = linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC);
* an open message (no answer yet) has no response time; its age is ``now() − asked_at``, and it
  is overdue when that age exceeds the deadline in working days (Monday–Friday, no holidays).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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


def working_days_between(start: datetime | date, end: datetime | date) -> int:
    """Monday–Friday days from ``start``'s date up to ``end``'s date (the start day not counted,
    the end day counted): a message on Friday answered on Monday took 1 working day."""
    start_d = start.date() if isinstance(start, datetime) else start
    end_d = end.date() if isinstance(end, datetime) else end
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
) -> list[ResponseTimeStats]:
    """Per department (sorted by name; messages without one under ``None``) or, with
    ``by_department=False``, one row for the whole board. ``now`` is the clock: it decides
    which open messages are overdue, nothing else."""
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
            and working_days_between(m.asked_at, m.answered_at) <= deadline_working_days
        )
        overdue = sum(
            1
            for m in group
            if m.answered_at is None
            and working_days_between(m.asked_at, current) > deadline_working_days
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
) -> list[BoardMessage]:
    """CSV/XLSX rows → ``BoardMessage``; a blank answer time is an open message. A bad time names
    its row (1-based, header excluded) so the file can be fixed."""
    out = []
    for n, row in enumerate(rows, start=1):
        try:
            asked = parse_board_time(row[asked_column])
            raw_answer = (row.get(answered_column) or "").strip()
            answered = parse_board_time(raw_answer) if raw_answer else None
        except KeyError as exc:
            raise InputError(
                f"row {n} has no column {exc}", f"name the time columns (found {sorted(row)})"
            ) from exc
        except InputError as exc:
            raise InputError(f"row {n}: {exc.what}", exc.fix) from exc
        department = (row.get(department_column) or None) if department_column else None
        out.append(BoardMessage(asked, answered, department))
    return out
