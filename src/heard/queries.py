"""Read-side queries over the store for the CLI and the API: stats, post search, quarantine.

Aggregates never break down by author (RIGHTS.md §4); author keys are not returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from heard.store.duckdb_store import DuckDBStore

POST_FIELDS = (
    "id, source, title, text, lang, created_at, likes, shares, replies, dislikes, place, url, "
    "sentiment_score, sentiment_label"
)


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


def search_posts(
    store: DuckDBStore,
    query: str | None = None,
    *,
    lang: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Posts matching ``query`` (BM25 over segmented text, best first) and the filters (newest first
    when there is no query)."""
    where: list[str] = []
    params: list[Any] = []
    if lang:
        where.append("p.lang = ?")
        params.append(lang)
    if source:
        where.append("p.source = ?")
        params.append(source)
    if since:
        where.append("p.created_at >= ?")
        params.append(since)
    if until:
        where.append("p.created_at < ?")
        params.append(until)
    if query:
        from heard.stages.tokens import search_terms

        terms = search_terms(query)
        if not terms.strip() or not store.has_search_index():
            return []
        store.load_fts()
        sql = (
            f"SELECT {_prefixed(POST_FIELDS)}, s.score FROM posts p JOIN ("
            "SELECT id, fts_main_posts.match_bm25(id, ?, conjunctive := 1) AS score FROM posts"
            ") s ON s.id = p.id WHERE s.score IS NOT NULL"
            + "".join(f" AND {w}" for w in where)
            + " ORDER BY s.score DESC, p.created_at DESC LIMIT ?"
        )
        return store.rows(sql, [terms, *params, limit])
    sql = f"SELECT {_prefixed(POST_FIELDS)} FROM posts p"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY p.created_at DESC, p.id LIMIT ?"
    return store.rows(sql, [*params, limit])


def _prefixed(fields: str) -> str:
    return ", ".join(f"p.{f.strip()}" for f in fields.split(","))


def quarantine(store: DuckDBStore, limit: int = 50, reason: str | None = None) -> list[dict[str, Any]]:
    """Quarantined rows, newest first: file, position, reason, detail and the start of the raw row."""
    sql = "SELECT file, position, reason, detail, raw, quarantined_at FROM quarantine"
    params: list[Any] = []
    if reason:
        sql += " WHERE reason = ?"
        params.append(reason)
    sql += " ORDER BY quarantined_at DESC, file, position LIMIT ?"
    return store.rows(sql, [*params, limit])

