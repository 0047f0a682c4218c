"""The one rule for days on every listen surface: hours, days and weeks are those of the
deployment's time zone (the ``timezone`` setting), as ``heard stats``, the brief and case
deadlines count them; times stay UTC in the API (``Z``), each bucket named by the UTC instant
its local hour, day or week (from Monday) begins.

``/api/v1/stats`` and the dashboard's overview counted UTC days, and a topic's chart its stored
UTC days, while ``heard stats`` counted Beijing days: 附件3's evening messages (after 16:00
UTC) fell on different days in each. Counted here from 15-minute UTC buckets (every zone's
offset is a multiple of 15 minutes) or from post times, so no store needs to know the zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Any

UNITS = ("hour", "day", "week")


def local_start(at: datetime, unit: str, zone: tzinfo | None) -> datetime:
    """The start (naive UTC) of the local ``unit`` (hour, day or week from Monday) of ``zone``
    that holds ``at`` (naive UTC or aware); UTC's own when ``zone`` is None."""
    if unit not in UNITS:
        raise ValueError(f"no time unit {unit!r}: one of {', '.join(UNITS)}")
    here = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(zone or timezone.utc)
    if unit == "hour":
        start = here.replace(minute=0, second=0, microsecond=0)
    else:
        day = here.date() - timedelta(days=here.weekday() if unit == "week" else 0)
        start = datetime.combine(day, time(), tzinfo=zone or timezone.utc)
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def zone_name(zone: tzinfo | None) -> str:
    """How a payload names the zone its days are counted in (``days_in``)."""
    return "UTC" if zone is None else str(zone)


def bucketed(
    rows: Iterable[dict[str, Any]], unit: str, zone: tzinfo | None, sums: tuple[str, ...]
) -> list[dict[str, Any]]:
    """``rows`` (each a time ``t``, naive UTC, and the counts ``sums``) added up per local
    ``unit`` of ``zone``: ``[{"t": its start (naive UTC), **sums}]`` in time order."""
    out: dict[datetime, dict[str, Any]] = {}
    for r in rows:
        start = local_start(r["t"], unit, zone)
        slot = out.setdefault(start, {"t": start, **{s: 0 for s in sums}})
        for s in sums:
            slot[s] += r[s] or 0
    return [out[t] for t in sorted(out)]
