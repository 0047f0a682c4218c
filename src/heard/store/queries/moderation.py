"""The SQL of ``heard.read.moderation``: the decisions taken on posts, with their appeals'
outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heard.store.protocol import Reader
from heard.store.queries.common import marks


def decisions_on(db: Reader, post_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every decision on ``post_ids`` (``post_id, decision_id, decision, label, created_at,
    automated_decision, appeal_outcome``), per post oldest first."""
    return db.rows(
        "SELECT d.post_id, d.decision_id, d.decision, d.label, d.created_at, "
        "d.automated_decision, "
        "a.outcome AS appeal_outcome "
        "FROM decisions d LEFT JOIN appeals a ON a.decision_id = d.decision_id "
        f"WHERE d.post_id IN ({marks(len(post_ids))}) "
        "ORDER BY d.post_id, d.created_at, d.decision_id",
        list(post_ids),
    )


def posts_decided(db: Reader, decisions: Sequence[str]) -> list[str]:
    """The ids of the posts that have a decision of one of ``decisions`` (in force or not)."""
    if not decisions:
        return []
    return [
        r["post_id"]
        for r in db.rows(
            f"SELECT DISTINCT post_id FROM decisions WHERE decision IN ({marks(len(decisions))})",
            list(decisions),
        )
    ]
