"""Topics: the list (largest first, cursor-paged) and one topic's detail (time series, keywords,
places, representative posts). Topics with fewer than k distinct authors are not shown."""

from __future__ import annotations

from typing import Any

from heard.read.view import ReadView
from heard.read.common import decode_cursor, encode_cursor, safe_row
from heard.errors import InputError, NotFoundError

LIST_COLUMNS = ("topic_id", "label", "keywords", "size", "n_authors", "first_seen", "last_seen",
                "sentiment_mean", "sentiment_trend", "coherence", "status", "places")


def _available(db: ReadView) -> bool:
    return {"topics", "post_topics"} <= db.tables()


def _visible(k: int) -> tuple[str, list[Any]]:
    return "status = 'active' AND coalesce(n_authors, 0) >= ?", [k]


def list_topics(db: ReadView, k: int, limit: int = 50, cursor: str | None = None,
                q: str | None = None) -> dict[str, Any]:
    if not _available(db):
        return {"topics": [], "next_cursor": None, "note": "no topics yet: ingest posts first"}
    have = set(db.columns("topics"))
    cols = ", ".join(c for c in LIST_COLUMNS if c in have)
    where, params = _visible(k)
    if q:
        where += " AND (contains(lower(coalesce(label, '')), lower(?)) OR contains(lower(coalesce(keywords, '')), lower(?)))"
        params += [q, q]
    if cursor:
        size, tid = decode_cursor(cursor, (int, int))
        where += " AND (size < ? OR (size = ? AND topic_id > ?))"
        params += [size, size, tid]
    rows = db.rows(f"SELECT {cols} FROM topics WHERE {where} ORDER BY size DESC, topic_id LIMIT ?",
                   [*params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1]["size"], rows[-1]["topic_id"]]) if more and rows else None
    return {"topics": [safe_row(r) for r in rows], "next_cursor": nxt}


def topic_detail(db: ReadView, topic_id: int, k: int) -> dict[str, Any]:
    """The stored representation (``heard.listen.topics.topic_detail``, shared with ``heard topic``), made
    safe for JSON; 404 saying why when the topic does not exist, was merged or is below k."""
    from heard.listen.topics.queries import topic_detail as stored_detail

    try:
        return safe_row(stored_detail(db, topic_id, k))
    except InputError as exc:
        raise NotFoundError(exc.what, "list topics at /api/v1/topics",
                            ["topics with fewer than k distinct authors are not shown (RIGHTS.md §4)"]) from None
