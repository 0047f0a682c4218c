"""A topic's labels through time: each label a topic is given, when it changes, is a ``labelled``
event of ``topic_events`` whose detail holds the label, its keywords and the board's time then
(``board_at``: the newest stored post), so a brief written ``--at`` a past moment shows the labels
the topics bore then (``heard.store.queries.topics.labels_until``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

LABELLED = "labelled"
"""The ``topic_events`` kind of a label given to a topic."""


class TopicLabels:
    store: Any

    def append_events(
        self, events: Sequence[tuple[str, int, int | None, dict[str, Any]]], now: datetime
    ) -> list[int]:
        raise NotImplementedError  # pragma: no cover - the Topics repository's

    def stored_labels(self, topic_ids: Sequence[int]) -> dict[int, str]:
        """The label each of ``topic_ids`` bears now (those that have one)."""
        ids = sorted({int(t) for t in topic_ids})
        if not ids:
            return {}
        rows = self.store.fetchall(
            f"SELECT topic_id, label FROM topics WHERE topic_id IN ({', '.join('?' * len(ids))}) "
            "AND label IS NOT NULL",
            ids,
        )
        return {int(t): str(label) for t, label in rows}

    def record_labels(self, rows: Sequence[dict[str, Any]], now: datetime) -> int:
        """A ``labelled`` event for each of ``rows`` (``topic_id``, ``label``, ``keywords``: the
        representation about to be written) whose label is not the topic's stored one; returns
        how many."""
        if not rows:
            return 0
        ids = sorted({int(r["topic_id"]) for r in rows})
        marks = ", ".join("?" * len(ids))
        stored = dict(
            self.store.fetchall(
                f"SELECT topic_id, label FROM topics WHERE topic_id IN ({marks})", ids
            )
        )
        changed = [r for r in rows if stored.get(int(r["topic_id"])) != r["label"]]
        if not changed:
            return 0
        newest = self.store.scalar("SELECT max(created_at) FROM posts")
        board_at = newest.isoformat() if isinstance(newest, datetime) else None
        self.append_events(
            [
                (
                    LABELLED,
                    int(r["topic_id"]),
                    None,
                    {"label": r["label"], "keywords": _terms(r), "board_at": board_at},
                )
                for r in changed
            ],
            now,
        )
        return len(changed)


def _terms(row: dict[str, Any]) -> list[Any]:
    """The keywords of a representation row (stored as JSON) as a list."""
    raw = row.get("keywords")
    try:
        return list(json.loads(raw)) if isinstance(raw, str) else list(raw or [])
    except ValueError:
        return []
