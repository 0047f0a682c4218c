"""The SQL of ``heard.read.overview``: volume over time, posts and distinct authors per language,
source and sentiment, and the quarantine's page and counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from heard.store.protocol import Reader
from heard.store.queries.stats import QUARTER_HOUR

Grouping = Literal["language", "source", "sentiment"]
_GROUP_KEYS: dict[str, str] = {
    "language": "coalesce(p.lang, 'und')",
    "source": "p.source",
    "sentiment": "coalesce(p.sentiment_label, 'none')",
}
Unit = Literal["hour", "day", "week"]
UNITS = ("hour", "day", "week")


def grouped(db: Reader, by: Grouping) -> list[dict[str, Any]]:
    """``[{key, posts, authors}]`` per language (``und`` where unknown), source or sentiment
    label (``none`` where unset), most posts first. ``authors``: distinct author keys (RIGHTS.md
    §4); a post without an author key counts as no author, as in ``heard topics``: unknown
    authors never help a small group pass the k threshold."""
    key_sql = _GROUP_KEYS[by]
    # (group, author) pairs first, then pairs per group: a hash aggregate, where
    # count(DISTINCT …) per group sorts every post (PostgreSQL, 1M posts: 4.2 s for the overview)
    return db.rows(
        "SELECT key, CAST(sum(n) AS BIGINT) AS posts, count(author_key) AS authors FROM ("
        f"SELECT {key_sql} AS key, p.author_key, count(*) AS n FROM posts p GROUP BY 1, 2"
        ") pairs "
        # equal counts in key order: without a tie-break each backend lists them its own way
        "GROUP BY 1 ORDER BY 2 DESC, 1"
    )


def time_range(db: Reader) -> tuple[Any, Any]:
    """The first and last post time (naive UTC)."""
    lo, hi = db.rows("SELECT min(created_at) lo, max(created_at) hi FROM posts")[0].values()
    return lo, hi


def volume(db: Reader, unit: Unit) -> list[dict[str, Any]]:
    """Per ``unit`` (hour, day or week; UTC), in time order: ``t``, posts, posts per sentiment
    label and the mean sentiment score. (The corpus-wide series is shown whole: no author count.)"""
    if unit not in UNITS:
        raise ValueError(f"no time unit {unit!r}: one of {', '.join(UNITS)}")
    return db.rows(
        f"SELECT date_trunc('{unit}', p.created_at) AS t, count(*) AS posts, "
        "count(*) FILTER (WHERE sentiment_label = 'negative') AS negative, "
        "count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral, "
        "count(*) FILTER (WHERE sentiment_label = 'positive') AS positive, "
        "avg(sentiment_score) AS mean FROM posts p GROUP BY 1 ORDER BY 1"
    )


def volume_per_quarter_hour(db: Reader) -> list[dict[str, Any]]:
    """Per 15-minute UTC bucket (``t``, naive UTC), in no order: posts, posts per sentiment label,
    the sum of the sentiment scores and how many posts have one (``heard.read.days`` puts the
    buckets on the deployment's hours, days or weeks)."""
    return db.rows(
        f"SELECT {QUARTER_HOUR} AS t, count(*) AS posts, "
        "count(*) FILTER (WHERE sentiment_label = 'negative') AS negative, "
        "count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral, "
        "count(*) FILTER (WHERE sentiment_label = 'positive') AS positive, "
        "sum(sentiment_score) AS score_sum, count(sentiment_score) AS scored "
        "FROM posts p GROUP BY 1"
    )


def quarantine_page(
    db: Reader, limit: int, offset: int = 0, reason: str | None = None
) -> list[dict[str, Any]]:
    """Quarantined rows newest first (``key, source, file, position, reason, detail, raw,
    quarantined_at``), only those of ``reason`` when it is given."""
    where, params = ("WHERE reason = ?", [reason]) if reason else ("", [])
    return db.rows(
        f"SELECT key, source, file, position, reason, detail, raw, quarantined_at FROM quarantine "
        f"{where} "
        "ORDER BY quarantined_at DESC, file, position LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def quarantined_in(
    db: Reader, file: str, limit: int, since: datetime | None = None
) -> list[dict[str, Any]]:
    """The first ``limit`` rows quarantined from ``file`` (as the connector named it: its
    resolved path, or an upload's name), by position: ``position, reason, detail``. ``since``:
    only those quarantined at or after it (this upload's, not an earlier one's of that name)."""
    return db.rows(
        "SELECT position, reason, detail FROM quarantine WHERE file = ? "
        "AND quarantined_at >= ? ORDER BY position, reason LIMIT ?",
        [file, since or datetime.min, limit],
    )


def quarantine_by_reason(db: Reader) -> list[dict[str, Any]]:
    """``[{reason, n}]``, most first."""
    return db.rows("SELECT reason, count(*) AS n FROM quarantine GROUP BY 1 ORDER BY 2 DESC")
