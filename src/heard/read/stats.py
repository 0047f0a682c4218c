"""Read-side queries over the store for the CLI: stats and quarantine (post search is
``heard.read.posts.search``, shared by the CLI and the API).

Aggregates never break down by author (RIGHTS.md §4); author keys are not returned.
"""

from __future__ import annotations

from typing import Any

from heard.read.redact import redact
from heard.store.duckdb_store import DuckDBStore

POST_COLUMNS = ("p.id, p.source, p.external_id, p.title, p.text, p.lang, p.created_at, p.likes, p.shares, p.replies, "
                "p.dislikes, p.place, p.url, p.sentiment_score, p.sentiment_label")
"""The columns of a post any reader may see (``p`` = posts); author keys and internals never."""


def stats(store: DuckDBStore) -> dict[str, Any]:
    """Counts by source, language and day; sentiment distribution; duplicates; quarantine counts."""
    total = store.scalar("SELECT count(*) FROM posts")
    distinct_texts = store.scalar("SELECT count(DISTINCT text_hash) FROM posts")
    by = lambda sql: {str(r["k"]): r["n"] for r in store.rows(sql)}  # noqa: E731
    return {
        "posts": total,
        "duplicate_texts": total - distinct_texts,
        "by_source": by("SELECT source k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"),
        "by_language": by("SELECT coalesce(lang, 'unknown') k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"),
        "by_day": by("SELECT strftime(created_at, '%Y-%m-%d') k, count(*) n FROM posts GROUP BY 1 ORDER BY 1"),
        "sentiment": {
            "labels": by(
                "SELECT coalesce(sentiment_label, 'none') k, count(*) n FROM posts GROUP BY 1 ORDER BY 2 DESC"
            ),
            "mean_score": store.scalar("SELECT round(avg(sentiment_score), 4) FROM posts"),
            "models": [r["m"] for r in store.rows(
                "SELECT DISTINCT sentiment_model m FROM posts WHERE sentiment_model IS NOT NULL ORDER BY 1"
            )],
        },
        "time_range": {
            "first": store.scalar("SELECT min(created_at) FROM posts"),
            "last": store.scalar("SELECT max(created_at) FROM posts"),
            "timezone": "UTC",
        },
        "quarantine": {
            "total": store.scalar("SELECT count(*) FROM quarantine"),
            "by_reason": by("SELECT reason k, count(*) n FROM quarantine GROUP BY 1 ORDER BY 2 DESC"),
        },
    }


def quarantine(store: DuckDBStore, limit: int = 50, reason: str | None = None) -> list[dict[str, Any]]:
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

