"""Read-side queries over the store for the CLI: stats and quarantine (post search is
``heard.read.posts.search``, shared by the CLI and the API).

Aggregates never break down by author (RIGHTS.md §4); author keys are not returned.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Any

from heard.clock import to_naive_utc
from heard.read.redact import redact
from heard.store.protocol import Reader
from heard.store.queries import common
from heard.store.queries import stats as q
from heard.store.queries.common import POST_COLUMNS as POST_COLUMNS  # bench


def _rounded(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def by_local_day(store: Reader, zone: tzinfo | None) -> dict[str, int]:
    """Posts per calendar day where Heard is deployed (``zone``; UTC days when ``None``).

    Counted in 15-minute UTC buckets (every zone's offset is a multiple of 15 minutes) and then
    put on their local day, so a post at 20:00 UTC counts on the next day in Asia/Shanghai."""
    if zone is None:
        rows = q.posts_per_utc_day(store)
        return {str(r["k"]): r["n"] for r in rows}
    rows = q.posts_per_quarter_hour(store)
    days: dict[str, int] = {}
    for r in rows:
        day = r["t"].replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d")
        days[day] = days.get(day, 0) + r["n"]
    return dict(sorted(days.items()))


def stats(store: Reader, zone: tzinfo | None = None) -> dict[str, Any]:
    """Counts by source, language and day (local days in ``zone``, UTC days without one);
    sentiment and intent distributions; duplicates; quarantine counts."""
    total = common.post_count(store)
    distinct_texts = q.distinct_texts(store)

    def by(what: q.Counted) -> dict[str, Any]:
        return {str(r["k"]): r["n"] for r in q.counts(store, what)}

    first, last = q.first_and_last(store)
    return {
        "posts": total,
        "duplicate_texts": total - distinct_texts,
        "by_source": by("source"),
        "by_language": by("language"),
        "by_day": by_local_day(store, zone),
        "days_in": str(zone) if zone is not None else "UTC",
        "sentiment": {
            "labels": by("sentiment"),
            "mean_score": _rounded(q.mean_sentiment(store), 4),
            "models": q.sentiment_models(store),
        },
        "intent": by("intent"),
        "time_range": {"first": first, "last": last, "timezone": "UTC"},
        "quarantine": {
            "total": common.quarantine_count(store),
            "by_reason": by("quarantine_reason"),
        },
    }


def quarantine(store: Reader, limit: int = 50, reason: str | None = None) -> list[dict[str, Any]]:
    """Quarantined rows, newest first: file, position, reason, detail and the start of the raw row
    (personal data redacted, RIGHTS.md §7)."""
    rows = q.quarantined(store, limit, reason)
    for row in rows:
        row["raw"] = redact(row["raw"])
    return rows


def store_health(db: Reader) -> dict[str, Any]:
    """Schema version, whether full-text search works, posts and quarantined rows (for /health
    and /metrics)."""
    return {
        "schema_version": q.schema_version(db),
        "search_index": db.has_search_index(),
        "posts": common.post_count(db),
        "quarantined_rows": common.quarantine_count(db),
    }


def brief_facts(db: Reader, until: datetime | None = None) -> dict[str, Any]:
    """What the brief says about the store: posts, first and last post time, sentiment models;
    of the posts posted at or before ``until`` (the brief's ``--at``) when given. ``sides``:
    whether it holds any case or flag (a brief of a past moment says it leaves them out)."""
    first, last, total = common.span(db, None if until is None else to_naive_utc(until))
    return {
        "posts": total,
        "first": first,
        "last": last,
        "models": q.sentiment_models(db),
        "sides": q.holds_cases_or_flags(db),
    }


def sentiment_by_local_day(
    db: Reader, zone: tzinfo, until: datetime | None = None
) -> dict[tuple[str, str], int]:
    """Posts per (local day in ``zone``, sentiment label): 15-minute UTC buckets are put on their
    local day, as ``by_local_day`` counts days; posts at or before ``until`` when given."""
    rows = q.sentiment_per_quarter_hour(db, None if until is None else to_naive_utc(until))
    per: dict[tuple[str, str], int] = {}
    for r in rows:
        day = r["t"].replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d")
        per[(day, r["label"])] = per.get((day, r["label"]), 0) + r["n"]
    return per
