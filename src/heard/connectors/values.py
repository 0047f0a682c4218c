"""Reading one raw value: ids, strings, counts ("1.2万", "3k") and times in every format boards use.

Pure functions; ``heard.connectors.mapping`` turns a row's values into a post with them.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

MAX_COUNT = 2**31 - 1
"""The largest count stored (an INTEGER column); a larger one is not a count."""


def _missing(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


def _as_id(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value).strip() or None


def _as_str(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, dict):  # e.g. a Twitter "place" object
        value = value.get("full_name") or value.get("name") or json.dumps(value, ensure_ascii=False)
    return _as_id(value)


_COUNT_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(万|千|w|k)?$", re.I)
_COUNT_SCALE = {None: 1, "万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000}


def _shown(value: Any) -> str:
    """The first 40 characters of a value for a note (``str`` of a 5,000-digit int raises)."""
    try:
        return str(value)[:40]
    except ValueError:
        return f"a {type(value).__name__} too long to show"


def parse_count(value: Any) -> int | None:
    """A non-negative whole count, or None when ``value`` is not one (missing values are 0)."""
    if _missing(value):
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        m = _COUNT_RE.match(value.strip().replace(",", "").replace("_", ""))
        if m:
            n = float(m.group(1)) * _COUNT_SCALE[(m.group(2) or "").lower() or None]
            if math.isinf(n):
                return MAX_COUNT + 1  # more digits than a float holds: far above any real count
            if m.group(2) or n.is_integer():
                return int(round(n))
    return None


_DATE_RE = re.compile(
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:(?:[ T]+|(?<=日))(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.I,
)


def _epoch(seconds_or_more: float) -> datetime:
    n = float(seconds_or_more)
    if n <= 0:
        raise ValueError("epoch 0 or less (usually a missing value)")
    for scale in (1, 1e3, 1e6, 1e9):  # seconds, ms, µs, ns: chosen by magnitude
        if n / scale < 1e11:
            return datetime.fromtimestamp(n / scale, tz=timezone.utc)
    raise ValueError("number too large for a time")


def _from_string(text: str, zone: ZoneInfo) -> datetime:
    s = text.strip()
    if re.fullmatch(r"\d{8}", s):
        return datetime(int(s[:4]), int(s[4:6]), int(s[6:]), tzinfo=zone)
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return _epoch(float(s))
    m = _DATE_RE.match(s)
    if m:
        frac = (m["f"] or "0")[:6].ljust(6, "0")
        dt = datetime(
            int(m["y"]),
            int(m["m"]),
            int(m["d"]),
            int(m["H"] or 0),
            int(m["M"] or 0),
            int(m["S"] or 0),
            int(frac),
        )
        tz = (m["tz"] or "").upper()
        if not tz:
            return dt.replace(tzinfo=zone)
        if tz in ("Z", "UTC", "GMT"):
            return dt.replace(tzinfo=timezone.utc)
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        return dt.replace(tzinfo=timezone(sign * offset))
    try:
        return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y")  # Twitter API v1
    except ValueError:
        pass
    try:
        dt = parsedate_to_datetime(s)  # RFC 2822
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"unrecognised time format {s[:60]!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)


def parse_datetime(value: Any, zone: ZoneInfo, now: datetime | None = None) -> datetime | None:
    """``value`` as a tz-aware UTC datetime; None when missing; ``ValueError`` when unreadable.

    Naive values are in ``zone``; a naive ``now`` is UTC. Times before 1900, or more than a day
    after ``now``, are refused.
    """
    if _missing(value):
        return None
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=zone)
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day, tzinfo=zone)
    elif isinstance(value, bool):
        raise ValueError("a true/false value is not a time")
    elif isinstance(value, (int, float)):
        dt = _epoch(value)
    elif isinstance(value, str):
        dt = _from_string(value, zone)
    else:
        raise ValueError(f"a {type(value).__name__} is not a time")
    dt = dt.astimezone(timezone.utc)
    if dt.year < 1900:
        raise ValueError(f"{dt.isoformat()} is before 1900")
    if now is not None and now.tzinfo is None:  # heard.clock.utcnow: naive UTC
        now = now.replace(tzinfo=timezone.utc)
    if now is not None and dt > now + timedelta(days=1):
        raise ValueError(f"{dt.isoformat()} is in the future (now is {now.isoformat()})")
    return dt
