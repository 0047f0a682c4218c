"""Read-side queries over the store for the CLI: stats and quarantine (post search is
``heard.read.posts.search``, shared by the CLI and the API).

Aggregates never break down by author (RIGHTS.md §4); author keys are not returned.
"""

from __future__ import annotations

from datetime import timezone, tzinfo
from typing import Any

from heard.read.redact import redact
from heard.store.protocol import Reader

POST_COLUMNS = (
    "p.id, p.source, p.external_id, p.title, p.text, p.lang, p.created_at, p.likes, p.shares, "
    "p.replies, "
    "p.dislikes, p.place, p.url, p.sentiment_score, p.sentiment_label, p.intent_label"
)
"""The columns of a post any reader may see (``p`` = posts); author keys and internals never."""


QUARTER_HOUR = (
    "date_trunc('hour', created_at) + INTERVAL '15 minutes' * "
    "CAST(floor(date_part('minute', created_at) / 15) AS INTEGER)"
)
"""A post's 15-minute UTC bucket, in SQL both backends run."""


def _rounded(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def by_local_day(store: Reader, zone: tzinfo | None) -> dict[str, int]:
    """Posts per calendar day where Heard is deployed (``zone``; UTC days when ``None``).

    Counted in 15-minute UTC buckets (every zone's offset is a multiple of 15 minutes) and then
    put on their local day, so a post at 20:00 UTC counts on the next day in Asia/Shanghai."""
    if zone is None:
        rows = store.rows(
            "SELECT CAST(CAST(created_at AS DATE) AS VARCHAR) AS k, count(*) AS n FROM posts "
            "GROUP BY 1 ORDER BY 1"
        )
        return {str(r["k"]): r["n"] for r in rows}
    rows = store.rows(f"SELECT {QUARTER_HOUR} AS t, count(*) AS n FROM posts GROUP BY 1")
    days: dict[str, int] = {}
    for r in rows:
        day = r["t"].replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d")
        days[day] = days.get(day, 0) + r["n"]
    return dict(sorted(days.items()))


def stats(store: Reader, zone: tzinfo | None = None) -> dict[str, Any]:
    """Counts by source, language and day (local days in ``zone``, UTC days without one);
    sentiment and intent distributions; duplicates; quarantine counts."""
    total = store.scalar("SELECT count(*) FROM posts")
    distinct_texts = store.scalar("SELECT count(DISTINCT text_hash) FROM posts")

    def by(sql: str) -> dict[str, Any]:
        return {str(r["k"]): r["n"] for r in store.rows(sql)}

    return {
        "posts": total,
        "duplicate_texts": total - distinct_texts,
        "by_source": by("SELECT source k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"),
        "by_language": by(
            "SELECT coalesce(lang, 'unknown') k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"
        ),
        "by_day": by_local_day(store, zone),
        "days_in": str(zone) if zone is not None else "UTC",
        "sentiment": {
            "labels": by(
                "SELECT coalesce(sentiment_label, 'none') k, count(*) n FROM posts GROUP BY 1 "
                "ORDER BY 2 DESC"
            ),
            "mean_score": _rounded(store.scalar("SELECT avg(sentiment_score) FROM posts"), 4),
            "models": [
                r["m"]
                for r in store.rows(
                    "SELECT DISTINCT sentiment_model m FROM posts WHERE sentiment_model IS NOT "
                    "NULL ORDER BY 1"
                )
            ],
        },
        "intent": by(
            "SELECT coalesce(intent_label, 'none') k, count(*) n FROM posts "
            "GROUP BY 1 ORDER BY 2 DESC"
        ),
        "time_range": {
            "first": store.scalar("SELECT min(created_at) FROM posts"),
            "last": store.scalar("SELECT max(created_at) FROM posts"),
            "timezone": "UTC",
        },
        "quarantine": {
            "total": store.scalar("SELECT count(*) FROM quarantine"),
            "by_reason": by(
                "SELECT reason k, count(*) n FROM quarantine GROUP BY 1 ORDER BY 2 DESC"
            ),
        },
    }


def quarantine(store: Reader, limit: int = 50, reason: str | None = None) -> list[dict[str, Any]]:
    """Quarantined rows, newest first: file, position, reason, detail and the start of the raw row
    (personal data redacted, RIGHTS.md §7)."""
    sql = "SELECT file, position, reason, detail, raw, quarantined_at FROM quarantine"
    params: list[Any] = []
    if reason:
        sql += " WHERE reason = ?"
        params.append(reason)
    sql += " ORDER BY quarantined_at DESC, file, position LIMIT ?"
    rows = store.rows(sql, [*params, limit])
    for row in rows:
        row["raw"] = redact(row["raw"])
    return rows


def store_health(db: Reader) -> dict[str, Any]:
    """Schema version, whether full-text search works, posts and quarantined rows (for /health
    and /metrics)."""
    return {
        "schema_version": db.scalar("SELECT max(version) FROM schema_version"),
        "search_index": db.has_search_index(),
        "posts": db.scalar("SELECT count(*) FROM posts"),
        "quarantined_rows": db.scalar("SELECT count(*) FROM quarantine"),
    }


def brief_facts(db: Reader) -> dict[str, Any]:
    """What the brief says about the store: posts, first and last post time, sentiment models."""
    first, last, total = db.rows(
        "SELECT min(created_at) AS a, max(created_at) AS b, count(*) AS n FROM posts"
    )[0].values()
    return {
        "posts": total,
        "first": first,
        "last": last,
        "models": [
            r["m"]
            for r in db.rows(
                "SELECT DISTINCT sentiment_model m FROM posts WHERE sentiment_model IS NOT NULL "
                "ORDER BY 1"
            )
        ],
    }


def sentiment_by_local_day(db: Reader, zone: tzinfo) -> dict[tuple[str, str], int]:
    """Posts per (local day in ``zone``, sentiment label): 15-minute UTC buckets are put on their
    local day, as ``by_local_day`` counts days."""
    rows = db.rows(
        f"SELECT {QUARTER_HOUR} AS t, coalesce(sentiment_label, 'none') AS label, "
        "count(*) AS n FROM posts GROUP BY 1, 2"
    )
    per: dict[tuple[str, str], int] = {}
    for r in rows:
        day = r["t"].replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d")
        per[(day, r["label"])] = per.get((day, r["label"]), 0) + r["n"]
    return per
