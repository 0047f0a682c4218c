"""The SQL of ``heard.read.posts``: a page of posts newest first, ranked by the store's BM25, or
scanned for every term (a store without a search index yet), each under the same filters; a
page's topics; one post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heard.store.protocol import Reader
from heard.store.queries.common import POST_COLUMNS, marks


@dataclass(frozen=True)
class PostWhere:
    """The filters of a post list, as values: each one given narrows the list (``topic``: the
    posts of that topic id; none when the store has no topic tables)."""

    lang: str | None = None
    source: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    topic: str | None = None
    exclude: tuple[str, ...] = ()
    """Post ids left out (the posts a removal hides, when searching by words)."""


def _where(f: PostWhere, db: Reader) -> tuple[list[str], list[Any]]:
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
    if f.exclude:
        where.append(f"p.id NOT IN ({marks(len(f.exclude))})")
        params.extend(f.exclude)
    return where, params


def _and(clauses: list[str], keyword: str) -> str:
    return f" {keyword} " + " AND ".join(clauses) if clauses else ""


def newest(
    db: Reader, f: PostWhere, limit: int, before: tuple[datetime, str] | None = None
) -> list[dict[str, Any]]:
    """Up to ``limit`` posts (``POST_COLUMNS``) under ``f``, newest first (then id, descending);
    ``before``: only those after this (created_at, id) in that order (keyset paging)."""
    where, params = _where(f, db)
    if before is not None:
        ts, last_id = before
        where = [*where, "(p.created_at < ? OR (p.created_at = ? AND p.id < ?))"]
        params = [*params, ts, ts, last_id]
    return db.rows(
        f"SELECT {POST_COLUMNS} FROM posts p{_and(where, 'WHERE')} "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
        [*params, limit],
    )


def ranked(
    db: Reader,
    terms: str,
    f: PostWhere,
    limit: int,
    after: tuple[float, int] | None = None,
    frozen: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The store's BM25 ranking of the posts under ``f`` for the segmented ``terms``: up to
    ``limit`` ``{name, score, docid}``, best first, after the (score, docid) ``after``, scored by
    the statistics ``frozen`` (a ``search_stats``) when given."""
    where, params = _where(f, db)
    return db.search_ranked(terms, limit, after, where, params, frozen)


def scan_match(
    db: Reader, terms: Sequence[str], f: PostWhere, limit: int, before_id: str | None = None
) -> list[dict[str, Any]]:
    """Up to ``limit`` posts under ``f`` whose search text holds every one of ``terms``, by id
    descending (below ``before_id`` when given), each with ``score`` 1.0 (no index to rank by)."""
    where, params = _where(f, db)
    for term in terms:
        where.append("strpos(p.search_text, ?) > 0")
        params.append(term)
    if before_id is not None:
        where.append("p.id < ?")
        params.append(before_id)
    return db.rows(
        f"SELECT {POST_COLUMNS}, CAST(1.0 AS DOUBLE PRECISION) AS score "
        f"FROM posts p{_and(where, 'WHERE')} "
        "ORDER BY p.id DESC LIMIT ?",
        [*params, limit],
    )


def topics_of(db: Reader, post_ids: Sequence[str], min_authors: int) -> dict[Any, Any]:
    """``{post_id: topic_id}`` for those of ``post_ids`` that the topic stage has seen
    (``topic_id`` is ``None`` while a post waits in no topic, and when its topic is not active
    with at least ``min_authors`` distinct authors, as the posts export). One lookup by primary
    key."""
    return {
        r["post_id"]: r["topic_id"]
        for r in db.rows(
            "SELECT pt.post_id, t.topic_id FROM post_topics pt LEFT JOIN topics t "
            "ON t.topic_id = pt.topic_id AND t.status = 'active' "
            f"AND coalesce(t.n_authors, 0) >= ? WHERE pt.post_id IN ({marks(len(post_ids))})",
            [min_authors, *post_ids],
        )
    }


def topic_authors(db: Reader, topic_id: str) -> int | None:
    """How many distinct authors wrote in the topic ``topic_id`` (``None``: no such topic)."""
    if "topics" not in db.tables():
        return None
    rows = db.rows(
        "SELECT coalesce(n_authors, 0) AS n FROM topics WHERE CAST(topic_id AS VARCHAR) = ?",
        [topic_id],
    )
    return int(rows[0]["n"]) if rows else None


def ids_with_text_hashes(db: Reader, hashes: Sequence[str]) -> list[tuple[str, str]]:
    """``(id, text hash)`` of the stored posts whose text hash is one of ``hashes``."""
    if not hashes:
        return []
    rows = db.rows(
        f"SELECT id, text_hash FROM posts WHERE text_hash IN ({marks(len(hashes))})",
        list(hashes),
    )
    return [(str(r["id"]), str(r["text_hash"])) for r in rows]


def text_hashes_of(db: Reader, ids: Sequence[str]) -> dict[str, str]:
    """The stored text hash of each of ``ids`` that is stored."""
    if not ids:
        return {}
    rows = db.rows(f"SELECT id, text_hash FROM posts WHERE id IN ({marks(len(ids))})", list(ids))
    return {str(r["id"]): str(r["text_hash"]) for r in rows}


def message_hashes_of(db: Reader, ids: Sequence[str]) -> dict[str, str]:
    """``heard.records.message_hash`` of the stored text of each of ``ids`` that is stored."""
    from heard.records import message_hash

    if not ids:
        return {}
    rows = db.rows(f"SELECT id, text FROM posts WHERE id IN ({marks(len(ids))})", list(ids))
    return {str(r["id"]): message_hash(str(r["text"])) for r in rows}


def post_by_id(db: Reader, post_id: str) -> dict[str, Any] | None:
    """One post (``POST_COLUMNS``), ``None`` when there is none with that id."""
    rows = db.rows(f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id = ?", [post_id])
    return rows[0] if rows else None


def file_checkpoints(db: Reader, source: str, file: str) -> list[tuple[int, str]]:
    """``(position, read mark)`` of the checkpoints of ``file`` read as ``source`` that keep a
    mark, newest first (``heard.pipeline.resume.resume_point_of``)."""
    rows = db.rows(
        "SELECT file_key, position, read_mark FROM checkpoints WHERE file = ? "
        "AND read_mark IS NOT NULL ORDER BY updated_at DESC, position DESC",
        [file],
    )
    return [
        (int(r["position"]), str(r["read_mark"]))
        for r in rows
        if str(r["file_key"]).rsplit("|", 1)[0] == source
    ]
