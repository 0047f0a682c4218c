"""The SQL of ``heard.read.export``: every post with the topic and the issue it is in, oldest
first. (The topic, issue and alert exports read through ``heard.read``'s own lists.)"""

from __future__ import annotations

from typing import Any

from heard.store.protocol import Reader
from heard.store.queries import posts as listed


def posts(
    db: Reader, min_authors: int, where: listed.PostWhere | None = None
) -> list[dict[str, Any]]:
    """Every post ``where`` keeps (the filters of the post list), oldest first (then by id):
    ``id, external_id, source, created_at, lang, title, text, sentiment_label, sentiment_score,
    topic_id, topic_label, issue_id, url, place, likes, shares, replies``. A topic (its id and
    label) and an issue are given only when active and written by at least ``min_authors``
    distinct authors; an older store without topic or issue tables gives ``NULL`` for them."""
    tables = db.tables()
    clauses, kept = listed._where(where or listed.PostWhere(), db)  # as the post list filters
    if {"topics", "post_topics"} <= tables:
        topic = (
            "LEFT JOIN post_topics pt ON pt.post_id = p.id "
            "LEFT JOIN topics t ON t.topic_id = pt.topic_id "
            "AND t.status = 'active' AND coalesce(t.n_authors, 0) >= ?"
        )
        cols, params = "t.topic_id AS topic_id, t.label AS topic_label", [min_authors]
    else:
        topic, cols, params = "", "NULL AS topic_id, NULL AS topic_label", []
    if {"issues", "issue_posts"} <= tables:
        topic += (
            " LEFT JOIN (SELECT ip.post_id, min(ip.issue_id) AS issue_id FROM issue_posts ip "
            "JOIN issues i ON i.issue_id = ip.issue_id AND i.status = 'active' AND i.authors >= ? "
            "GROUP BY ip.post_id) pi ON pi.post_id = p.id"
        )
        cols += ", pi.issue_id AS issue_id"
        params = [*params, min_authors]
    else:
        cols += ", NULL AS issue_id"
    return db.rows(
        f"SELECT p.id, p.external_id, p.source, p.created_at, p.lang, p.title, p.text, "
        f"p.sentiment_label, p.sentiment_score, {cols}, p.url, "
        f"p.place, p.likes, p.shares, p.replies FROM posts p {topic}"
        f"{' WHERE ' + ' AND '.join(clauses) if clauses else ''} ORDER BY p.created_at, p.id",
        [*params, *kept],
    )
