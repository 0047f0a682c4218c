"""The SQL of ``heard.read.hotspots``: whether posts are assigned to topics yet, the stored
alerts, the posts in a window. (Hot spots themselves are ranked by
``heard.listen.hotspots.ranking`` through the store's ``hotspots`` repository.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from heard.store.protocol import Reader


def assigned_posts(db: Reader) -> int:
    """Posts the topic stage has seen (in a topic or waiting in none)."""
    return int(db.scalar("SELECT count(*) FROM post_topics"))


def alert_rows(db: Reader, min_authors: int, limit: int) -> list[dict[str, Any]]:
    """Stored alerts with at least ``min_authors`` distinct authors, newest detected first:
    ``alert_id, topic_id, evidence`` (JSON text)."""
    return db.rows(
        "SELECT alert_id, topic_id, evidence FROM alerts WHERE authors >= ? "
        "ORDER BY detected_at DESC, alert_id LIMIT ?",
        [min_authors, limit],
    )


def posts_between(db: Reader, start: datetime, end: datetime) -> int:
    """Posts created after ``start`` and up to ``end`` (naive UTC)."""
    return int(
        db.scalar(
            "SELECT count(*) FROM posts WHERE created_at > ? AND created_at <= ?", [start, end]
        )
    )


def topic_merges(db: Reader) -> list[tuple[int, int]]:
    """Every ``(absorbed, survivor)`` topic merge, oldest first (as ``Hotspots.merges``)."""
    rows = db.rows(
        "SELECT topic_id, merged_into FROM topics WHERE status = 'merged' "
        "AND merged_into IS NOT NULL ORDER BY updated_at, topic_id"
    )
    return [(int(r["topic_id"]), int(r["merged_into"])) for r in rows]
