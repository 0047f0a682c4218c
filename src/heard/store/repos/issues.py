"""The issues repository: what the issues operator reads (recent posts with their vectors) and
writes (issues and their messages). Plain SQL that PostgreSQL runs too; the read model reads the
tables through ``store.rows``.

Issues are never deleted: one that no longer forms is marked ``dissolved``, so its id is not
given to another, and it records its *successor* (migration 21): the active issue that holds most
of its messages now, or NULL when none does. Successors always name an active issue: when one
dissolves in turn, the issues that pointed at it point where its messages went. An issue's alerts
are those fired under its id or under the ids of the issues whose messages it took over.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from heard.clock import from_epoch

COLUMNS = (
    "issue_id, anchor, place, problem, terms, title, status, messages, distinct_messages, "
    "authors, first_seen, last_seen, heat, heat_components, burst_p, bursting, topic_id, "
    "coherence, created_at, updated_at"
)

ALERTS_OF = "(issue_id = ? OR issue_id IN (SELECT issue_id FROM issues WHERE successor_id = ?))"
"""The alerts of an issue (two parameters, its id twice): fired under its id or under an issue
whose messages it holds now (``successor_id``). Also in ``heard.store.queries.issues``."""


class Issues:
    def __init__(self, store: Any):
        self.store = store

    def inputs(self, limit: int) -> tuple[list[dict[str, Any]], np.ndarray]:
        """The newest ``limit`` posts that have a vector, oldest first, with what grouping and
        measuring read, and their vectors (one row each)."""
        table = self.store.arrow(
            """SELECT p.id, coalesce(p.title, '') AS title, p.text, p.text_hash, p.author_key,
                      date_part('epoch', p.created_at) AS t,
                      coalesce(p.likes, 0) + coalesce(p.dislikes, 0) + coalesce(p.shares, 0)
                        AS engagement,
                      p.sentiment_score, coalesce(p.search_text, '') AS search_text,
                      p.intent_label, pt.topic_id, e.vec
               FROM (SELECT * FROM posts ORDER BY created_at DESC, id DESC LIMIT ?) p
               JOIN embeddings e ON e.post_id = p.id
               LEFT JOIN post_topics pt ON pt.post_id = p.id
               ORDER BY p.created_at, p.id""",
            [int(limit)],
        )
        if table.num_rows == 0:
            return [], np.zeros((0, 0), dtype=np.float32)
        vec = table.column("vec").combine_chunks()
        dim = len(vec[0]) if len(vec) else 0
        vectors = np.asarray(vec.flatten().to_numpy(zero_copy_only=False), dtype=np.float32)
        rows = table.drop(["vec"]).to_pylist()
        return rows, vectors.reshape(len(rows), dim)

    def memberships(self) -> dict[int, set[str]]:
        """The messages of each active issue."""
        out: dict[int, set[str]] = {}
        for r in self.store.rows(
            "SELECT ip.issue_id, ip.post_id FROM issue_posts ip "
            "JOIN issues i ON i.issue_id = ip.issue_id WHERE i.status = 'active'"
        ):
            out.setdefault(int(r["issue_id"]), set()).add(r["post_id"])
        return out

    def next_id(self) -> int:
        return int(self.store.scalar("SELECT coalesce(max(issue_id), 0) + 1 AS n FROM issues"))

    def replace(self, records: Sequence[Any], now: datetime) -> None:
        """Make ``records`` (``IssueRecord`` with ids) the active issues; the others dissolve,
        each recording the issue that holds most of its messages now (``successor_id``)."""
        previous = self.memberships()
        self.store.execute("DELETE FROM issue_posts")
        self.store.execute(
            "UPDATE issues SET status = 'dissolved', updated_at = ? WHERE status = 'active'",
            [now],
        )
        rows = [
            [
                r.issue_id, r.anchor, r.place, r.problem, json.dumps(r.terms, ensure_ascii=False),
                r.title, "active", r.messages, r.distinct_messages, r.authors,
                from_epoch(r.first_seen), from_epoch(r.last_seen), r.heat,
                json.dumps(r.heat_components, ensure_ascii=False), r.burst_p, r.bursting,
                r.topic_id, r.coherence, now, now,
            ]
            for r in records
        ]  # fmt: skip
        if rows:
            self.store.executemany(
                f"INSERT INTO issues ({COLUMNS}) VALUES ({', '.join('?' * 20)}) "
                "ON CONFLICT (issue_id) DO UPDATE SET anchor = excluded.anchor, "
                "place = excluded.place, problem = excluded.problem, terms = excluded.terms, "
                "title = excluded.title, status = excluded.status, "
                "messages = excluded.messages, distinct_messages = excluded.distinct_messages, "
                "authors = excluded.authors, first_seen = excluded.first_seen, "
                "last_seen = excluded.last_seen, heat = excluded.heat, "
                "heat_components = excluded.heat_components, burst_p = excluded.burst_p, "
                "bursting = excluded.bursting, topic_id = excluded.topic_id, "
                "coherence = excluded.coherence, updated_at = excluded.updated_at",
                rows,
            )
        members = [
            [r.issue_id, post_id, r.duplicates_of.get(post_id)]
            for r in records
            for post_id in r.members
        ]
        if members:
            self.store.executemany("INSERT INTO issue_posts VALUES (?, ?, ?)", members)
        self._record_successors(previous, records)

    def _record_successors(self, previous: dict[int, set[str]], records: Sequence[Any]) -> None:
        """Each issue active before and not now points at the active issue holding most of its
        messages (the lower id on a tie; NULL when none holds any), and so do the issues that
        had dissolved into it."""
        holder = {post_id: r.issue_id for r in records for post_id in r.members}
        active = {r.issue_id for r in records}
        for old_id in sorted(set(previous) - active):
            held = Counter(holder[p] for p in previous[old_id] if p in holder)
            successor = min(held, key=lambda i: (-held[i], i)) if held else None
            self.store.execute(
                "UPDATE issues SET successor_id = ? WHERE issue_id = ? OR successor_id = ?",
                [successor, old_id, old_id],
            )

    def where_now(self, issue_id: int) -> tuple[str | None, int | None]:
        """``(status, successor_id)`` of an issue; ``(None, None)`` when there is none."""
        rows = self.store.rows(
            "SELECT status, successor_id FROM issues WHERE issue_id = ?", [issue_id]
        )
        if not rows:
            return None, None
        successor = rows[0]["successor_id"]
        return rows[0]["status"], None if successor is None else int(successor)

    # ---- alerts --------------------------------------------------------------------------------
    def last_alert_end(self, issue_id: int) -> datetime | None:
        """The window end of the issue's newest alert (an episode fires once)."""
        latest: datetime | None = self.store.scalar(
            f"SELECT max(window_end) AS latest FROM issue_alerts WHERE {ALERTS_OF}",
            [issue_id, issue_id],
        )
        return latest

    def insert_alert(self, alert: dict[str, Any], window_end: datetime, fired_at: datetime) -> None:
        self.store.execute(
            "INSERT INTO issue_alerts (alert_id, issue_id, fired_at, window_end, p_value, alert) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING",
            [
                alert["alert_id"], alert["issue_id"], fired_at, window_end,
                alert["evidence"]["p_value"], json.dumps(alert, ensure_ascii=False, default=str),
            ],
        )  # fmt: skip

    def undelivered_alerts(self) -> list[dict[str, Any]]:
        rows = self.store.rows(
            "SELECT alert FROM issue_alerts WHERE deliveries IS NULL ORDER BY fired_at, alert_id"
        )
        return [json.loads(r["alert"]) for r in rows]

    def set_deliveries(self, alert_id: str, deliveries: list[dict[str, Any]]) -> None:
        self.store.execute(
            "UPDATE issue_alerts SET deliveries = ? WHERE alert_id = ?",
            [json.dumps(deliveries, ensure_ascii=False), alert_id],
        )

    def alerts_of(self, issue_id: int) -> list[dict[str, Any]]:
        rows = self.store.rows(
            f"SELECT alert FROM issue_alerts WHERE {ALERTS_OF} ORDER BY fired_at DESC",
            [issue_id, issue_id],
        )
        return [json.loads(r["alert"]) for r in rows]
