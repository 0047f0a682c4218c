"""The hot-spots repository: the per-topic post stream the heat ranking and the alert
engine read, topic facts for their evidence, sample posts, and the alerts table.

Author keys leave this module only as opaque keys for counting distinct authors; no query here
groups or filters by author (RIGHTS.md §4).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from heard.store.repos.provisional import pooled_ids


class Hotspots:
    def __init__(self, store: Any):
        self.store = store  # the store, or a request thread's read view

    def stream_columns(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, list[Any]]:
        """Every counted post of an active topic (optionally within [since, until]; provisional
        members left out, ``repos.provisional``), oldest first, as columns: id, topic_id, t
        (epoch seconds), author_key, likes, shares, dislikes, sentiment_score."""
        where, params = ["pt.topic_id IS NOT NULL", "t.status = 'active'"], []
        if since is not None:
            where.append("p.created_at >= ?")
            params.append(since)
        if until is not None:
            where.append("p.created_at <= ?")
            params.append(until)
        table = self.store.arrow(
            f"""SELECT p.id, pt.topic_id, date_part('epoch', p.created_at) AS t, p.author_key,
                       coalesce(p.likes, 0) AS likes, coalesce(p.shares, 0) AS shares,
                       coalesce(p.dislikes, 0) AS dislikes, p.sentiment_score
                FROM post_topics pt JOIN posts p ON p.id = pt.post_id JOIN topics t USING (topic_id)
                WHERE {" AND ".join(where)} ORDER BY t, p.id""",
            params,
        )
        columns = {name: table.column(name).to_pylist() for name in table.column_names}
        pooled = pooled_ids(self.store)  # provisional members are shown, not counted
        if not pooled:
            return columns
        keep = [i for i, post_id in enumerate(columns["id"]) if post_id not in pooled]
        return {name: [values[i] for i in keep] for name, values in columns.items()}

    def topic_rows(self, topic_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Label, keywords, places, size and authors of these topics, as last written."""
        if not topic_ids:
            return []
        # integers inlined, not a bound list: DuckDB's Python client tries to import pandas for
        # every bound value (see DuckDBStore.known_text_hashes)
        listed = ", ".join(str(int(t)) for t in topic_ids)
        result: list[dict[str, Any]] = self.store.rows(
            "SELECT topic_id, label, keywords, places, size, n_authors FROM topics "
            f"WHERE topic_id IN ({listed})"
        )
        return result

    def sample_rows(self, post_ids: Sequence[str], limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` of ``post_ids``, most engaged first (no author columns)."""
        if not post_ids:
            return []
        result: list[dict[str, Any]] = (
            self.store.rows(  # a literal IN list lets DuckDB use the primary-key index
                f"""SELECT id, created_at, title, text, likes + shares + dislikes AS engagement,
                       sentiment_label
                FROM posts WHERE id IN ({", ".join("?" * len(post_ids))})
                ORDER BY engagement DESC, created_at, id LIMIT ?""",
                [*post_ids, limit],
            )
        )
        return result

    def topic_post_ids(self, topic_id: int, after: datetime, until: datetime) -> list[str]:
        """The counted posts of a topic created in (after, until] (``repos.provisional``)."""
        pooled = pooled_ids(self.store)
        return [
            r["id"]
            for r in self.store.rows(
                """SELECT p.id FROM post_topics pt JOIN posts p ON p.id = pt.post_id
               WHERE pt.topic_id = ? AND p.created_at > ? AND p.created_at <= ?""",
                [topic_id, after, until],
            )
            if r["id"] not in pooled
        ]

    def merges(self) -> list[tuple[int, int]]:
        """Every ``(absorbed, survivor)`` topic merge in the store, oldest first."""
        rows = self.store.rows(
            "SELECT topic_id, merged_into FROM topics WHERE status = 'merged' "
            "AND merged_into IS NOT NULL ORDER BY updated_at, topic_id"
        )
        return [(int(r["topic_id"]), int(r["merged_into"])) for r in rows]

    def assignments_since(
        self, after: datetime | None
    ) -> list[tuple[int, float, str | None, str, datetime]]:
        """(topic, epoch seconds, author key, post id, assigned_at) of counted topic posts
        assigned at or after ``after`` (all when None; ``repos.provisional``)."""
        since = "" if after is None else " AND pt.assigned_at >= ?"
        result: list[tuple[int, float, str | None, str, datetime]] = self.store.fetchall(
            """SELECT pt.topic_id, date_part('epoch', p.created_at), p.author_key, p.id,
                      pt.assigned_at
               FROM post_topics pt JOIN posts p ON p.id = pt.post_id
               WHERE pt.topic_id IS NOT NULL"""
            + since,
            [] if after is None else [after],
        )
        pooled = pooled_ids(self.store)  # provisional members are shown, not counted
        return [row for row in result if row[3] not in pooled] if pooled else result

    # ---- alerts -----------------------------------------------------------------------------
    def alerted_near(self, topic_id: int, detected_at: float, reach: float) -> bool:
        """Whether an alert on this topic, or on any topic merged into it, was detected within
        ``reach`` seconds of ``detected_at`` (the same burst episode)."""
        return bool(
            self.store.scalar(
                """WITH RECURSIVE family(id) AS (
                   SELECT ?::INTEGER UNION
                   SELECT t.topic_id FROM topics t JOIN family f ON t.merged_into = f.id)
               SELECT count(*) FROM alerts WHERE topic_id IN (SELECT id FROM family)
                 AND abs(date_part('epoch', detected_at) - ?) <= ?""",
                [int(topic_id), detected_at, reach],
            )
        )

    def insert_alert(
        self,
        alert: dict[str, Any],
        *,
        onset: datetime,
        detected_at: datetime,
        fired_at: datetime,
        p_value: float,
    ) -> None:
        ev = alert["evidence"]
        self.store.execute(
            "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT DO NOTHING",
            [
                alert["alert_id"],
                alert["topic_id"],
                onset,
                detected_at,
                fired_at,
                ev["window_seconds"],
                ev["count"],
                ev["expected"],
                p_value,
                ev["authors"],
                json.dumps(alert, ensure_ascii=False, default=str),
            ],
        )

    def set_deliveries(self, alert_id: str, deliveries: list[Any]) -> None:
        self.store.execute(
            "UPDATE alerts SET deliveries = ? WHERE alert_id = ?",
            [json.dumps(deliveries, ensure_ascii=False), alert_id],
        )

    def recent_alerts(self, since: datetime | None, limit: int) -> list[dict[str, Any]]:
        """Stored alerts, newest stream time first: their record as fired, and deliveries."""
        where = "" if since is None else "WHERE detected_at >= ? "
        rows = self.store.rows(
            f"SELECT evidence, deliveries FROM alerts {where}"
            "ORDER BY detected_at DESC, alert_id LIMIT ?",
            ([] if since is None else [since]) + [limit],
        )
        out = []
        for r in rows:
            alert = json.loads(r["evidence"])
            alert["deliveries"] = json.loads(r["deliveries"]) if r["deliveries"] else []
            out.append(alert)
        return out
