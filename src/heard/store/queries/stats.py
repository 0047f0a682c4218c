"""The SQL of ``heard.read.stats``: counts by source, language, day, sentiment and intent;
quarantine; the store's health and the brief's facts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from heard.store.protocol import Reader

QUARTER_HOUR = (
    "date_trunc('hour', created_at) + INTERVAL '15 minutes' * "
    "CAST(floor(date_part('minute', created_at) / 15) AS INTEGER)"
)
"""A post's 15-minute UTC bucket, in SQL both backends run."""

Counted = Literal["source", "language", "sentiment", "intent", "quarantine_reason"]
_COUNTS: dict[str, str] = {
    "source": "SELECT source k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC",
    "language": (
        "SELECT coalesce(lang, 'unknown') k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"
    ),
    "sentiment": (
        "SELECT coalesce(sentiment_label, 'none') k, count(*) n FROM posts GROUP BY 1 "
        "ORDER BY 2 DESC"
    ),
    "intent": (
        "SELECT coalesce(intent_label, 'none') k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"
    ),
    "quarantine_reason": "SELECT reason k, count(*) n FROM quarantine GROUP BY 1 ORDER BY 2 DESC",
}


def counts(db: Reader, by: Counted) -> list[dict[str, Any]]:
    """``[{k, n}]``, largest first: posts by source, language, sentiment label or intent label
    (``unknown``/``none`` where unset), or quarantined rows by reason."""
    return db.rows(_COUNTS[by])


def posts_per_utc_day(db: Reader) -> list[dict[str, Any]]:
    """``[{k: 'YYYY-MM-DD', n}]`` by UTC day, in day order."""
    return db.rows(
        "SELECT CAST(CAST(created_at AS DATE) AS VARCHAR) AS k, count(*) AS n FROM posts "
        "GROUP BY 1 ORDER BY 1"
    )


def posts_per_quarter_hour(db: Reader) -> list[dict[str, Any]]:
    """``[{t, n}]``: posts per 15-minute UTC bucket (``t`` naive UTC), in no order."""
    return db.rows(f"SELECT {QUARTER_HOUR} AS t, count(*) AS n FROM posts GROUP BY 1")


def sentiment_per_quarter_hour(db: Reader, until: datetime | None = None) -> list[dict[str, Any]]:
    """``[{t, label, n}]``: posts per 15-minute UTC bucket and sentiment label (``none`` where
    unset); those posted at or before ``until`` (naive UTC) when given."""
    where, params = ("", []) if until is None else (" WHERE created_at <= ?", [until])
    return db.rows(
        f"SELECT {QUARTER_HOUR} AS t, coalesce(sentiment_label, 'none') AS label, "
        f"count(*) AS n FROM posts{where} GROUP BY 1, 2",
        params,
    )


def distinct_texts(db: Reader) -> int:
    return int(db.scalar("SELECT count(DISTINCT text_hash) FROM posts"))


def holds_cases_or_flags(db: Reader) -> bool:
    """Whether the answer or the protect side has ever recorded anything here."""
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM cases) OR EXISTS (SELECT 1 FROM flags)"))


def mean_sentiment(db: Reader) -> Any:
    """The mean sentiment score (``None`` when no post has one)."""
    return db.scalar("SELECT avg(sentiment_score) FROM posts")


def sentiment_models(db: Reader) -> list[Any]:
    """The sentiment models that scored stored posts, sorted."""
    return [
        r["m"]
        for r in db.rows(
            "SELECT DISTINCT sentiment_model m FROM posts WHERE sentiment_model IS NOT NULL "
            "ORDER BY 1"
        )
    ]


def first_and_last(db: Reader) -> tuple[Any, Any]:
    """The first and last post time (naive UTC; ``None`` in an empty store)."""
    return (
        db.scalar("SELECT min(created_at) FROM posts"),
        db.scalar("SELECT max(created_at) FROM posts"),
    )


def quarantined(db: Reader, limit: int, reason: str | None = None) -> list[dict[str, Any]]:
    """Quarantined rows (``file, position, reason, detail, raw, quarantined_at``), newest first;
    only those of ``reason`` when it is given."""
    sql = "SELECT file, position, reason, detail, raw, quarantined_at FROM quarantine"
    params: list[Any] = []
    if reason:
        sql += " WHERE reason = ?"
        params.append(reason)
    sql += " ORDER BY quarantined_at DESC, file, position LIMIT ?"
    return db.rows(sql, [*params, limit])


def schema_version(db: Reader) -> Any:
    return db.scalar("SELECT max(version) FROM schema_version")
