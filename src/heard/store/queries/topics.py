"""The SQL of ``heard.read.topics``: a page of topics (largest first), how many are below k, the
posts in no topic, one topic and its history — all lookups on what the topic operator stores at
the end of each run."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from heard.store.protocol import Reader
from heard.store.repos.provisional import pooled_ids

LIST_COLUMNS = (
    "topic_id",
    "label",
    "keywords",
    "size",
    "n_authors",
    "first_seen",
    "last_seen",
    "sentiment_mean",
    "sentiment_trend",
    "coherence",
    "places",
    "orgs",
)
"""The columns of a topic list, those the store's ``topics`` table has (an older one lacks some)."""


def _where(min_size: int, since: datetime | None, q: str | None) -> tuple[str, list[Any]]:
    where = "status = 'active' AND size >= ?"
    params: list[Any] = [min_size]
    if since is not None:
        where += " AND last_seen >= ?"
        params.append(since)
    if q:
        where += (
            " AND (strpos(lower(coalesce(label, '')), lower(?)) > 0"
            " OR strpos(lower(coalesce(keywords, '')), lower(?)) > 0)"
        )
        params += [q, q]
    return where, params


def list_page(
    db: Reader,
    k: int,
    *,
    min_size: int = 1,
    since: datetime | None = None,
    q: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Active topics of at least ``min_size`` posts and ``k`` distinct authors (``LIST_COLUMNS``),
    largest first, then by id: seen since ``since``, with ``q`` in the label or keywords (case
    folded); at most ``limit`` (all without one). (A page leaves out the topics its walk has
    shown: ``heard.read.topics.list_topics``.)"""
    have = set(db.columns("topics"))
    cols = ", ".join(c for c in LIST_COLUMNS if c in have)
    where, params = _where(min_size, since, q)
    return db.rows(
        f"SELECT {cols} FROM topics WHERE {where} AND coalesce(n_authors, 0) >= ? "
        f"ORDER BY size DESC, topic_id {'LIMIT ' + str(int(limit)) if limit else ''}",
        [*params, k],
    )


def walk_page(
    db: Reader,
    k: int,
    *,
    limit: int | None,
    after: tuple[datetime, int, int] | None = None,
    min_size: int = 1,
    since: datetime | None = None,
    q: str | None = None,
) -> tuple[list[dict[str, Any]], datetime | None]:
    """One page of a walk through the topics (``list_page``'s columns, filters and order, at most
    ``limit`` rows; all without one) and the instant its sizes hold as of (the newest
    ``updated_at``, read in the same statement). ``after`` is the walk's mark ``(as_of, size,
    topic_id)``: the topics whose (size, id) stood at or above it as of ``as_of`` were shown, so
    they are left out. A topic the topic operator has stored since ``as_of`` stood then at its
    size less the counted posts assigned to it since and less the stored sizes of the topics
    merged into it since (a merge moves posts without a new assignment time); one created since
    was not there (it was not shown). Either count may take a post twice (assigned to a topic,
    then merged with it), which can only put the topic lower than it stood: it is then shown
    again, never skipped."""
    have = set(db.columns("topics"))
    cols = ", ".join(f"t.{c}" for c in LIST_COLUMNS if c in have)
    where, params = _where(min_size, since, q)
    join, shown, marks = "", "", []
    if after is not None:
        as_of, size, topic_id = after
        pooled = sorted(pooled_ids(db))
        skip = f" AND pt.post_id NOT IN ({', '.join('?' * len(pooled))})" if pooled else ""
        join = (  # only the topics stored since: few, read by their topic_id index
            " LEFT JOIN (SELECT c.topic_id, count(*) AS n FROM topics c JOIN post_topics pt "
            "ON pt.topic_id = c.topic_id WHERE c.updated_at > ? AND pt.assigned_at > ?"
            f"{skip} GROUP BY c.topic_id) g ON g.topic_id = t.topic_id"
            " LEFT JOIN (SELECT merged_into AS topic_id, sum(size) AS n FROM topics "
            "WHERE status = 'merged' AND updated_at > ? GROUP BY merged_into) m "
            "ON m.topic_id = t.topic_id"
        )
        then = "(t.size - coalesce(g.n, 0) - coalesce(m.n, 0))"
        shown = f" AND NOT (t.created_at <= ? AND ({then} > ? OR ({then} = ? AND t.topic_id <= ?)))"
        marks = [as_of, as_of, *pooled, as_of]
        params = [*params, k, as_of, size, size, topic_id]
    else:
        params = [*params, k]
    rows = db.rows(
        f"SELECT {cols}, (SELECT max(updated_at) FROM topics) AS as_of FROM topics t{join} "
        f"WHERE {where} AND coalesce(t.n_authors, 0) >= ?{shown} "
        f"ORDER BY t.size DESC, t.topic_id{' LIMIT ' + str(int(limit)) if limit else ''}",
        [*marks, *params],
    )
    as_of_now = rows[0].pop("as_of") if rows else None
    for row in rows[1:]:
        row.pop("as_of")
    return rows, as_of_now


def counted_until(db: Reader, until: datetime) -> list[dict[str, Any]]:
    """Each active topic's counted members posted at or before ``until`` (naive UTC):
    ``topic_id, size, n_authors, first_seen, last_seen, sentiment_mean``, in no order
    (provisional members left out, as in a topic's size)."""
    pooled = sorted(pooled_ids(db))
    skip = f" AND pt.post_id NOT IN ({', '.join('?' * len(pooled))})" if pooled else ""
    return db.rows(
        "SELECT pt.topic_id, count(*) AS size, count(DISTINCT p.author_key) AS n_authors, "
        "min(p.created_at) AS first_seen, max(p.created_at) AS last_seen, "
        "avg(p.sentiment_score) AS sentiment_mean FROM post_topics pt "
        "JOIN posts p ON p.id = pt.post_id "
        "JOIN topics t ON t.topic_id = pt.topic_id AND t.status = 'active' "
        f"WHERE p.created_at <= ?{skip} GROUP BY pt.topic_id",
        [until, *pooled],
    )


def hidden_below_k(
    db: Reader, k: int, *, min_size: int = 1, since: datetime | None = None, q: str | None = None
) -> int:
    """How many topics ``list_page`` leaves out (the same filters) for having fewer than ``k``
    distinct authors."""
    where, params = _where(min_size, since, q)
    return int(
        db.scalar(
            f"SELECT count(*) FROM topics WHERE {where} AND coalesce(n_authors, 0) < ?",
            [*params, k],
        )
    )


def unassigned_posts(db: Reader) -> int:
    """Posts the topic stage has seen that wait in no topic."""
    return int(db.scalar("SELECT count(*) FROM post_topics WHERE topic_id IS NULL"))


def provisional_posts(db: Reader, topic_id: int | None = None) -> int:
    """Posts shown in this topic (any topic when None) provisionally (still in the pool,
    ``repos.provisional``): listed with it, not counted in its size, authors or heat."""
    pooled = sorted(pooled_ids(db))
    if not pooled:
        return 0
    marks = ", ".join("?" * len(pooled))
    which, params = (
        ("topic_id = ?", [topic_id]) if topic_id is not None else ("topic_id IS NOT NULL", [])
    )
    return int(
        db.scalar(
            f"SELECT count(*) FROM post_topics WHERE {which} AND post_id IN ({marks})",
            [*params, *pooled],
        )
    )


def counted_members(db: Reader, topic_id: int) -> list[dict[str, Any]]:
    """When each counted member of a topic was posted (``t``, stored UTC) and its sentiment score
    (``score``), in no order (provisional members left out, as in its size and series)."""
    pooled = pooled_ids(db)
    return [
        {"t": r["created_at"], "score": r["sentiment_score"]}
        for r in db.rows(
            "SELECT pt.post_id, p.created_at, p.sentiment_score FROM post_topics pt "
            "JOIN posts p ON p.id = pt.post_id WHERE pt.topic_id = ?",
            [topic_id],
        )
        if r["post_id"] not in pooled
    ]


def topic_rows(db: Reader, topic_id: int) -> list[dict[str, Any]]:
    """The stored row of one topic (every column), or none."""
    return db.rows("SELECT * FROM topics WHERE topic_id = ?", [topic_id])


def topics_that_open(db: Reader, topic_ids: list[int], k: int) -> set[int]:
    """Which of ``topic_ids`` a reader can open: active with at least ``k`` distinct authors, or
    merged (its page leads to the topic that absorbed it)."""
    if not topic_ids:
        return set()
    listed = ", ".join(str(int(t)) for t in topic_ids)  # integers only: no bound list
    rows = db.rows(
        f"SELECT topic_id FROM topics WHERE topic_id IN ({listed}) "
        "AND (status = 'merged' OR (status = 'active' AND n_authors >= ?))",
        [k],
    )
    return {int(r["topic_id"]) for r in rows}


def topic_events(db: Reader, topic_id: int) -> list[dict[str, Any]]:
    """The history of one topic, in order: ``event_id, at, kind, topic_id, other_id, detail``
    (the events that name it on either side; its labels through time are ``labels_until``'s)."""
    return db.rows(
        "SELECT event_id, event_at AS at, kind, topic_id, other_id, detail FROM topic_events "
        "WHERE (topic_id = ? OR other_id = ?) AND kind <> 'labelled' ORDER BY event_id",
        [topic_id, topic_id],
    )


def labels_until(db: Reader, at: datetime) -> dict[int, dict[str, Any]]:
    """Each topic's label as it stood at board time ``at`` (naive UTC): the last ``labelled``
    event whose board time (the newest post when it was given) is at or before ``at``, as
    ``{"label", "keywords"}``. A topic given no label by then is left out (a store made by an
    older Heard holds no label history, a rebuilt one none before its rebuild)."""
    from heard.store.repos.topic_labels import LABELLED

    rows = db.rows(
        "SELECT topic_id, detail FROM topic_events WHERE kind = ? ORDER BY event_id", [LABELLED]
    )
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        try:
            detail = json.loads(row["detail"]) if row["detail"] else {}
            board_at = datetime.fromisoformat(detail["board_at"])
        except (ValueError, KeyError, TypeError):
            continue
        if board_at <= at:
            out[int(row["topic_id"])] = {
                "label": str(detail.get("label") or ""),
                "keywords": detail.get("keywords") or [],
            }
    return out
