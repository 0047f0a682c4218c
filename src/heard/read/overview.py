"""The overview: volume, languages, sources and sentiment over time; groups with fewer than k
distinct authors are suppressed (their count is not shown)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from heard.store.protocol import Reader
from heard.read.common import jsonable
from heard.read.days import bucketed, zone_name
from heard.store.queries import common
from heard.store.queries import overview as q


def _grouped(db: Reader, by: q.Grouping, k: int) -> list[dict[str, Any]]:
    rows = q.grouped(db, by)
    out, hidden = [], 0
    for r in rows:
        if r["authors"] >= k:
            out.append({"key": jsonable(r["key"]), "posts": r["posts"]})
        else:
            hidden += r["posts"]
    if hidden:
        out.append({"key": "(groups under k authors)", "posts": hidden, "suppressed": True})
    return out


def overview(db: Reader, k: int, zone: tzinfo | None = None) -> dict[str, Any]:
    """Volume and sentiment over time, languages, sources. The series is per hour, day or week of
    ``zone`` (the deployment's: ``heard.read.days``; UTC's when None), each point's ``t`` the UTC
    instant its local hour, day or week begins; ``days_in`` names the zone."""
    total = common.post_count(db)
    if not total:
        return {
            "posts": 0,
            "volume": [],
            "languages": [],
            "sources": [],
            "sentiment": [],
            "time_range": None,
            "quarantined": common.quarantine_count(db),
            "k": k,
            "days_in": zone_name(zone),
        }
    lo, hi = q.time_range(db)
    unit: q.Unit = "hour" if (hi - lo).days <= 3 else ("day" if (hi - lo).days <= 180 else "week")
    volume = bucketed(
        q.volume_per_quarter_hour(db),
        unit,
        zone,
        ("posts", "negative", "neutral", "positive", "score_sum", "scored"),
    )
    for r in volume:
        score_sum, scored = r.pop("score_sum"), r.pop("scored")
        r["mean"] = round(float(score_sum) / scored, 3) if scored else None
    # The corpus-wide series is shown whole; k applies to slices of people (language, source,
    # sentiment, topic), where a small group could single someone out.
    points = [{k_: jsonable(v) for k_, v in r.items()} for r in volume]
    return {
        "posts": total,
        "k": k,
        "unit": unit,
        "days_in": zone_name(zone),
        "time_range": {"first": jsonable(lo), "last": jsonable(hi), "timezone": "UTC"},
        "volume": points,
        "languages": _grouped(db, "language", k),
        "sources": _grouped(db, "source", k),
        "sentiment": _grouped(db, "sentiment", k),
        "quarantined": common.quarantine_count(db),
    }


def quarantine(
    db: Reader, limit: int = 50, reason: str | None = None, offset: int = 0
) -> dict[str, Any]:
    from heard.read.redact import redact

    rows = q.quarantine_page(db, limit, offset, reason)
    counts = q.quarantine_by_reason(db)
    items = [
        {
            **{k: jsonable(v) for k, v in r.items() if k != "raw"},
            "file": r["file"].rsplit("/", 1)[-1],
            "raw_excerpt": redact((r["raw"] or "")[:300]),
        }
        for r in rows
    ]
    return {
        "total": sum(c["n"] for c in counts),
        "by_reason": {c["reason"]: c["n"] for c in counts},
        "items": items,
    }
