"""The SQL of ``heard.read.overview``: volume over time, posts and distinct authors per language,
source and sentiment, and the quarantine's page and counts."""

from __future__ import annotations

from typing import Any, Literal

from heard.store.protocol import Reader

AUTHORS = "count(DISTINCT p.author_key)"
"""Distinct authors of a group (RIGHTS.md §4). A post without an author key counts as no author,
as in ``heard topics``: unknown authors never help a small group pass the k threshold."""

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
    label (``none`` where unset), most posts first. ``authors``: distinct author keys."""
    key_sql = _GROUP_KEYS[by]
    return db.rows(
        f"SELECT {key_sql} AS key, count(*) AS posts, {AUTHORS} AS authors FROM posts p "
        "GROUP BY 1 ORDER BY 2 DESC"
    )


def time_range(db: Reader) -> tuple[Any, Any]:
    """The first and last post time (naive UTC)."""
    lo, hi = db.rows("SELECT min(created_at) lo, max(created_at) hi FROM posts")[0].values()
    return lo, hi


def volume(db: Reader, unit: Unit) -> list[dict[str, Any]]:
    """Per ``unit`` (hour, day or week; UTC), in time order: ``t``, posts, distinct authors,
    posts per sentiment label and the mean sentiment score."""
    if unit not in UNITS:
        raise ValueError(f"no time unit {unit!r}: one of {', '.join(UNITS)}")
    return db.rows(
        f"SELECT date_trunc('{unit}', p.created_at) AS t, count(*) AS posts, {AUTHORS} AS authors, "
        "count(*) FILTER (WHERE sentiment_label = 'negative') AS negative, "
        "count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral, "
        "count(*) FILTER (WHERE sentiment_label = 'positive') AS positive, "
        "avg(sentiment_score) AS mean FROM posts p GROUP BY 1 ORDER BY 1"
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


def quarantine_by_reason(db: Reader) -> list[dict[str, Any]]:
    """``[{reason, n}]``, most first."""
    return db.rows("SELECT reason, count(*) AS n FROM quarantine GROUP BY 1 ORDER BY 2 DESC")
