"""Post search: full text (Chinese and English, BM25 over segmented words) with filters and
cursor pagination. Ordering: best match first with a query, newest first without."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heard.store.protocol import Reader
from heard.read.common import decode_cursor, encode_cursor, safe_row, timestamp
from heard.read import moderation
from heard.read.stats import POST_COLUMNS

SENTIMENTS = ("negative", "neutral", "positive")
MAX_QUERY_CHARS = 500


@dataclass
class PostFilter:
    q: str | None = None
    lang: str | None = None
    source: str | None = None
    topic: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search_terms(query: str) -> str:
    """Segment a query the way posts were segmented at ingest (the tokens stage's own function)."""
    from heard.stages.tokens import search_terms as stage_terms

    terms = stage_terms(query)
    return " ".join(terms) if isinstance(terms, (list, tuple)) else str(terms)


def _where(f: PostFilter, db: Reader) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("p.lang", f.lang),
        ("p.source", f.source),
        ("p.sentiment_label", f.sentiment),
        ("p.intent_label", f.intent),
    ):
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
            where.append(
                "p.id IN (SELECT post_id FROM post_topics WHERE CAST(topic_id AS VARCHAR) = ?)"
            )
            params.append(str(f.topic))
        else:
            where.append("FALSE")
    return where, params


PII_NOTE = (
    "personal data in the query (a phone or ID number, a card, an e-mail address, an "
    "address, an @handle) is never searched: it is not in the index (RIGHTS.md §4, §7)"
)


def _holds_pii(query: str) -> bool:
    from heard.read.redact import redact_for_search

    return redact_for_search(query) != query


def search(db: Reader, f: PostFilter, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
    """One page of posts and the cursor of the next (``None`` on the last page)."""
    terms = search_terms(f.q) if f.q else ""
    note = {"query_note": PII_NOTE} if f.q and _holds_pii(f.q) else {}
    if f.q and not terms.strip():
        return {"posts": [], "next_cursor": None, "query_terms": [], **note}
    where, params = _where(f, db)
    if not terms:
        rows, next_cursor = _newest(db, where, params, limit, cursor)
    elif db.has_search_index():
        rows, next_cursor = _best_match(db, terms, where, params, limit, cursor)
    else:
        rows, next_cursor = _scan_match(db, terms, where, params, limit, cursor)
    return {
        "posts": moderation.apply(db, with_topics(db, [safe_row(r) for r in rows])),
        "next_cursor": next_cursor,
        "query_terms": terms.split() if terms else [],
        **note,
    }


def with_topics(db: Reader, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each post with ``topic_id``: the topic it is in (``None`` when unassigned), so a list can
    link a post to its topic. One lookup by primary key for the page, not a join over the store."""
    if not posts or "post_topics" not in db.tables():
        return [{**p, "topic_id": None} for p in posts]
    ids = [p["id"] for p in posts]
    found = {
        r["post_id"]: r["topic_id"]
        for r in db.rows(
            f"SELECT post_id, topic_id FROM post_topics WHERE post_id IN "
            f"({', '.join('?' * len(ids))})",
            ids,
        )
    }
    return [{**p, "topic_id": found.get(p["id"])} for p in posts]


def _page(
    rows: list[dict[str, Any]], limit: int, key: tuple[str, str]
) -> tuple[list[dict[str, Any]], str | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1][key[0]], rows[-1][key[1]]]) if more and rows else None
    for row in rows:
        row.pop("docid", None)
    return rows, nxt


def _newest(
    db: Reader, where: list[str], params: list[Any], limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    if cursor:
        ts, last_id = decode_cursor(cursor, (timestamp, str))
        where = [*where, "(p.created_at < ? OR (p.created_at = ? AND p.id < ?))"]
        params = [*params, ts, ts, last_id]
    rows = db.rows(
        f"SELECT {POST_COLUMNS} FROM posts p{_and(where, 'WHERE')} "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
        [*params, limit + 1],
    )
    return _page(rows, limit, ("created_at", "id"))


def _best_match(
    db: Reader, terms: str, where: list[str], params: list[Any], limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Best match first, ties newest-indexed first (``docid``). The ranking reads only ids and the
    filtered columns; the page's posts are then fetched by primary key."""
    after: tuple[float, int] | None = None
    if cursor:
        score, docid = decode_cursor(cursor, (float, int))
        after = (score, docid)
    top = db.search_ranked(terms, limit + 1, after, where, params)  # the store ranks (BM25)
    if not top:
        return [], None
    posts = {
        r["id"]: r
        for r in db.rows(  # a literal IN list lets DuckDB use the primary-key index
            f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id IN ({', '.join('?' * len(top))})",
            [t["name"] for t in top],
        )
    }
    rows = [
        {**posts[t["name"]], "score": t["score"], "docid": t["docid"]}
        for t in top
        if t["name"] in posts
    ]
    return _page(rows, limit, ("score", "docid"))


def _scan_match(
    db: Reader, terms: str, where: list[str], params: list[Any], limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """No index yet (a store written before its first search-index build): every term must
    appear."""
    where, params = list(where), list(params)
    for term in terms.split():
        where.append("strpos(p.search_text, ?) > 0")
        params.append(term)
    if cursor:
        _, last_id = decode_cursor(cursor, (float, str))
        where.append("p.id < ?")
        params.append(last_id)
    rows = db.rows(
        f"SELECT {POST_COLUMNS}, CAST(1.0 AS DOUBLE PRECISION) AS score "
        f"FROM posts p{_and(where, 'WHERE')} "
        "ORDER BY p.id DESC LIMIT ?",
        [*params, limit + 1],
    )
    return _page(rows, limit, ("score", "id"))


def _and(clauses: list[str], keyword: str) -> str:
    return f" {keyword} " + " AND ".join(clauses) if clauses else ""


def get_post(db: Reader, post_id: str) -> dict[str, Any] | None:
    rows = db.rows(f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id = ?", [post_id])
    return moderation.apply(db, with_topics(db, [safe_row(rows[0])]))[0] if rows else None
