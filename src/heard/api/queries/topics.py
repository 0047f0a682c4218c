"""Topics: the list (largest first, cursor-paged) and one topic's detail (time series, keywords,
places, representative posts). Topics with fewer than k distinct authors are not shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from heard.api.db import ReadView
from heard.api.queries.common import decode_cursor, encode_cursor, jsonable, safe_row
from heard.api.queries.posts import POST_COLUMNS

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
        size, tid = decode_cursor(cursor, 2)
        where += " AND (size < ? OR (size = ? AND topic_id > ?))"
        params += [size, size, tid]
    rows = db.rows(f"SELECT {cols} FROM topics WHERE {where} ORDER BY size DESC, topic_id LIMIT ?",
                   [*params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1]["size"], rows[-1]["topic_id"]]) if more and rows else None
    return {"topics": [safe_row(r) for r in rows], "next_cursor": nxt}


def _bucket(span: timedelta) -> str:
    if span <= timedelta(days=3):
        return "hour"
    if span <= timedelta(days=120):
        return "day"
    return "week"


def topic_detail(db: ReadView, topic_id: int, k: int, n_posts: int = 10) -> dict[str, Any] | None:
    if not _available(db):
        return None
    where, params = _visible(k)
    rows = db.rows(f"SELECT * FROM topics WHERE topic_id = ? AND {where}", [topic_id, *params])
    if not rows:
        return None
    topic = safe_row({k_: v for k_, v in rows[0].items() if k_ not in ("centroid",)})
    span = db.rows(
        "SELECT min(p.created_at) lo, max(p.created_at) hi FROM post_topics t JOIN posts p ON p.id = t.post_id "
        "WHERE t.topic_id = ?", [topic_id])[0]
    unit = _bucket((span["hi"] - span["lo"]) if span["lo"] else timedelta(0))
    series = db.rows(
        f"SELECT date_trunc('{unit}', p.created_at) AS t, count(*) AS posts, "
        "round(avg(p.sentiment_score), 3) AS sentiment FROM post_topics pt JOIN posts p ON p.id = pt.post_id "
        "WHERE pt.topic_id = ? GROUP BY 1 ORDER BY 1", [topic_id])
    langs = db.rows(
        "SELECT coalesce(p.lang, 'und') AS lang, count(*) AS posts FROM post_topics pt "
        "JOIN posts p ON p.id = pt.post_id WHERE pt.topic_id = ? GROUP BY 1 ORDER BY 2 DESC", [topic_id])
    topic["series"] = {"unit": unit, "points": [jsonable(r) for r in series]}
    topic["languages"] = {r["lang"]: r["posts"] for r in langs}
    topic["representative_posts"] = _representative(db, topic_id, topic.get("representative"), n_posts)
    topic.pop("representative", None)
    return topic


def _representative(db: ReadView, topic_id: int, stored: Any, n: int) -> list[dict[str, Any]]:
    ids: list[str] = []
    if isinstance(stored, list):
        for item in stored:
            pid = item.get("id") or item.get("post_id") if isinstance(item, dict) else item
            if isinstance(pid, str):
                ids.append(pid)
    if ids:
        rows = db.rows(f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id IN (SELECT unnest(?))", [ids[:n]])
        order = {pid: i for i, pid in enumerate(ids)}
        rows.sort(key=lambda r: order.get(r["id"], 0))
    else:
        rows = db.rows(
            f"SELECT {POST_COLUMNS} FROM post_topics pt JOIN posts p ON p.id = pt.post_id WHERE pt.topic_id = ? "
            "ORDER BY pt.similarity DESC NULLS LAST, p.id LIMIT ?", [topic_id, n])
    return [safe_row(r) for r in rows]
