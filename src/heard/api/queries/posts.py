"""Post search: full text (Chinese and English, BM25 over segmented words) with filters and
cursor pagination. Ordering: best match first with a query, newest first without."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heard.api.db import ReadView
from heard.api.queries.common import decode_cursor, encode_cursor, safe_row

POST_COLUMNS = ("p.id, p.source, p.title, p.text, p.lang, p.created_at, p.likes, p.shares, p.replies, "
                "p.dislikes, p.place, p.url, p.sentiment_score, p.sentiment_label")
SENTIMENTS = ("negative", "neutral", "positive")
MAX_QUERY_CHARS = 500


@dataclass
class PostFilter:
    q: str | None = None
    lang: str | None = None
    source: str | None = None
    topic: str | None = None
    sentiment: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search_terms(query: str) -> str:
    """Segment a query the way posts were segmented at ingest (the tokens stage's own function)."""
    from heard.stages.tokens import search_terms as stage_terms

    terms = stage_terms(query)
    return " ".join(terms) if isinstance(terms, (list, tuple)) else str(terms)


def _where(f: PostFilter, db: ReadView) -> tuple[list[str], list[Any]]:
    where, params = [], []
    for column, value in (("p.lang", f.lang), ("p.source", f.source), ("p.sentiment_label", f.sentiment)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if f.since:
        where.append("p.created_at >= ?")
        params.append(f.since)
    if f.until:
        where.append("p.created_at < ?")
        params.append(f.until)
    if f.topic:
        if "post_topics" in db.tables():
            where.append("p.id IN (SELECT post_id FROM post_topics WHERE CAST(topic_id AS VARCHAR) = ?)")
            params.append(str(f.topic))
        else:
            where.append("FALSE")
    return where, params


def search(db: ReadView, f: PostFilter, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
    """One page of posts and the cursor of the next (``None`` on the last page)."""
    where, params = _where(f, db)
    terms = search_terms(f.q) if f.q else ""
    if f.q and not terms.strip():
        return {"posts": [], "next_cursor": None, "query_terms": []}
    if terms:
        if db.has_search_index():
            source = ("(SELECT id AS sid, fts_main_posts.match_bm25(id, ?, conjunctive := 1) AS score FROM posts) s "
                      "JOIN posts p ON p.id = s.sid")
            src_params: list[Any] = [terms]
            where.append("s.score IS NOT NULL")
        else:  # no index yet: every term must appear in the segmented text
            source = "(SELECT id AS sid, 1.0 AS score FROM posts) s JOIN posts p ON p.id = s.sid"
            src_params = []
            for term in terms.split():
                where.append("contains(p.search_text, ?)")
                params.append(term)
        order, key = "s.score DESC, p.id DESC", "s.score"
        if cursor:
            score, last_id = decode_cursor(cursor, 2)
            where.append("(s.score < ? OR (s.score = ? AND p.id < ?))")
            params += [score, score, last_id]
        select = f"SELECT {POST_COLUMNS}, s.score AS score FROM {source}"
    else:
        src_params = []
        order, key = "p.created_at DESC, p.id DESC", "p.created_at"
        if cursor:
            ts, last_id = decode_cursor(cursor, 2)
            ts = datetime.fromisoformat(str(ts).rstrip("Z"))
            where.append("(p.created_at < ? OR (p.created_at = ? AND p.id < ?))")
            params += [ts, ts, last_id]
        select = f"SELECT {POST_COLUMNS} FROM posts p"
    sql = select + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order} LIMIT ?"
    rows = db.rows(sql, [*src_params, *params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([last["score"] if terms else last["created_at"], last["id"]])
    return {"posts": [safe_row(r) for r in rows], "next_cursor": next_cursor,
            "query_terms": terms.split() if terms else []}


def get_post(db: ReadView, post_id: str) -> dict[str, Any] | None:
    rows = db.rows(f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id = ?", [post_id])
    return safe_row(rows[0]) if rows else None
