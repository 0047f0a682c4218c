"""Time in one place: the UTC clock, the one parser for instants and the one for spans.

The store keeps naive UTC timestamps. Every user-given instant (``--at``, ``--since``, API
parameters, cursors) goes through :func:`parse_instant`: a value with an offset is converted
(``2020-01-31T12:00+08:00`` is 04:00 UTC), one without is read in ``zone`` (UTC by default).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo

from heard.errors import InputError

Clock = Callable[[], datetime]
"""Components take ``clock=utcnow`` so tests can inject time (see ARCHITECTURE.md)."""

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|h|d|w|y)\s*$")
_UNIT_SECONDS = {"m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0, "y": 365 * 86400.0}
SPAN_HINT = "give a number and a unit: 90m, 24h, 7d, 2w or 1y"
INSTANT_HINT = (
    "use a date or date-time such as 2020-01-31 or 2020-01-31T12:00 "
    "(UTC unless an offset like +08:00 is given)"
)


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the store keeps."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def from_epoch(seconds: float) -> datetime:
    """Epoch seconds as the naive UTC datetime the stores hold."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def to_naive_utc(ts: datetime) -> datetime:
    """An aware datetime converted to UTC and made naive; a naive one is taken as UTC already."""
    return ts.astimezone(timezone.utc).replace(tzinfo=None) if ts.tzinfo else ts


def parse_instant(value: str, *, what: str = "time", zone: tzinfo = timezone.utc) -> datetime:
    """An ISO 8601 date or date-time (``Z`` or an offset allowed) → naive UTC.

    Raises ``InputError`` naming ``what`` (e.g. ``--since``) when the value is not a date.
    """
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        ts = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"{what} {value!r} is not a date or date-time", INSTANT_HINT) from exc
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=zone)
    try:
        return to_naive_utc(ts)
    except OverflowError:  # 9999-12-31T23:00-12:00 is in year 10000 in UTC
        raise InputError(
            f"{what} {value!r} is outside the years 1 to 9999 once it is in UTC", INSTANT_HINT
        ) from None


WINDOW_PATTERN = r"^(all|[1-9]\d{0,5}[mhdwy])$"
"""A span before the newest post, as ``heard hot --window`` reads it: a whole number and a unit
(m, h, d, w, y), or ``all``. A value that does not match is explained in words
(the API's errors), not by this pattern."""


def parse_span(value: str, *, what: str = "--window") -> timedelta:
    """``90m``, ``24h``, ``7d``, ``2w``, ``1y`` (365 days) → timedelta (positive)."""
    match = _SPAN.match(value or "")
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"{what} {value!r} is not a time span", SPAN_HINT)
    try:
        return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    except OverflowError:
        raise InputError(f"{what} {value!r} is longer than any data", SPAN_HINT) from None


def is_span(value: str) -> bool:
    """Whether ``value`` reads as a span (``7d``) rather than an instant."""
    return bool(_SPAN.match(value or ""))


# ---- display: times shown to people are local to the deployment, with the zone marked ---------
DEFAULT_DISPLAY_ZONE = "Asia/Shanghai"


def zone_named(name: str | None) -> tzinfo:
    """The ``timezone`` setting as a zone (``Asia/Shanghai``, ``Europe/London``, ``UTC``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name or DEFAULT_DISPLAY_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"time zone {name!r} is unknown",
            "set timezone to an IANA name such as Asia/Shanghai, Europe/London or UTC",
        ) from exc


def _as_utc(value: datetime | str) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    if not text or text in ("None", "-", "—"):
        return None
    try:
        return parse_instant(text).replace(tzinfo=timezone.utc)
    except InputError:
        return None


def local_time(
    value: datetime | str | None, zone: tzinfo, *, minutes: bool = True, mark: bool = True
) -> str:
    """A stored (UTC) time as people read it where Heard is deployed, the zone marked:
    ``2020-01-26 03:20:21`` (UTC) → ``2020-01-26 11:20 +08:00`` in Asia/Shanghai. A date-only
    form (``minutes=False``) gives the local day. Anything not a time is returned as text."""
    if value is None:
        return "-"
    ts = _as_utc(value)
    if ts is None:
        return str(value)
    here = ts.astimezone(zone)
    text = here.strftime("%Y-%m-%d %H:%M" if minutes else "%Y-%m-%d")
    return f"{text} {offset_mark(here)}" if mark and minutes else text


def offset_mark(ts: datetime) -> str:
    """``+08:00``, ``-05:00``, ``Z`` for UTC itself."""
    offset = ts.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(zone: tzinfo, at: datetime | None = None) -> str:
    """``Asia/Shanghai, UTC+08:00`` for table headers and captions."""
    ts = (at or datetime.now(timezone.utc)).replace(tzinfo=timezone.utc).astimezone(zone)
    mark = offset_mark(ts)
    name = str(zone)
    return (
        name if mark == "UTC" and name == "UTC" else f"{name}, UTC{mark if mark != 'UTC' else ''}"
    )
