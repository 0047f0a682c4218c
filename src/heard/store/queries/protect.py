"""The SQL of ``heard.read.protect``: flags, the post under review, decisions with their appeals,
statements of reasons, pending appeals and the transparency counts.

RIGHTS.md §4: none of these reads ``author_key``; counts are grouped by label, source, status,
decision, automation and appeal outcome only."""

from __future__ import annotations

from typing import Any, Literal

from heard.store.protocol import Reader

Counted = Literal[
    "flags_by_label",
    "flags_by_source",
    "flags_by_status",
    "decisions_by_decision",
    "decisions_by_label",
    "decisions_by_automation",
    "appeals_by_outcome",
]
_COUNTS: dict[str, str] = {
    "flags_by_label": "SELECT label AS k, count(*) AS n FROM flags GROUP BY 1 ORDER BY 2 DESC, 1",
    "flags_by_source": "SELECT source AS k, count(*) AS n FROM flags GROUP BY 1 ORDER BY 1",
    "flags_by_status": "SELECT status AS k, count(*) AS n FROM flags GROUP BY 1 ORDER BY 1",
    "decisions_by_decision": (
        "SELECT decision AS k, count(*) AS n FROM decisions GROUP BY 1 ORDER BY 1"
    ),
    "decisions_by_label": "SELECT label AS k, count(*) AS n FROM decisions GROUP BY 1 ORDER BY 1",
    "decisions_by_automation": (
        "SELECT CASE WHEN automated_decision THEN 'automated' ELSE 'human' END AS k, "
        "count(*) AS n FROM decisions GROUP BY 1 ORDER BY 1"
    ),
    "appeals_by_outcome": (
        "SELECT coalesce(outcome, 'pending') AS k, count(*) AS n FROM appeals GROUP BY 1 ORDER BY 1"
    ),
}
Table = Literal["flags", "decisions", "appeals"]
_TOTALS: dict[str, str] = {
    "flags": "SELECT count(*) FROM flags",
    "decisions": "SELECT count(*) FROM decisions",
    "appeals": "SELECT count(*) FROM appeals",
}


def flags(
    db: Reader, *, label: str | None = None, status: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Flags of ``label`` and ``status`` (each when given), highest priority first, at most
    ``limit``: the flag's fields and its post's text (``post_text``; ``None`` when not stored)."""
    where, params = [], []
    if label:
        where.append("f.label = ?")
        params.append(label)
    if status:
        where.append("f.status = ?")
        params.append(status)
    sql = (
        "SELECT f.flag_id, f.post_id, f.label, f.source, f.detector, f.version, f.score, "
        "f.threshold, f.status, f.priority, f.created_at, f.evidence, p.text AS post_text "
        "FROM flags f LEFT JOIN posts p ON p.id = f.post_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY f.priority DESC, f.created_at, f.flag_id LIMIT ?"
    )
    return db.rows(sql, [*params, limit])


def flag_history(db: Reader, flag_id: str) -> list[dict[str, Any]]:
    """The audit entries about one flag, in order: its own (``flag``, ``withdrawal``) and the
    decisions that closed it (their payload lists its id)."""
    return db.rows(
        'SELECT seq, "at", kind, ref, payload FROM audit_log WHERE ref = ? '
        "OR (kind = 'decision' AND payload LIKE ?) ORDER BY seq",
        [flag_id, f'%"{flag_id}"%'],
    )


def post_under_review(db: Reader, post_id: str) -> list[dict[str, Any]]:
    """The post a moderator reviews (``id, title, text, lang, created_at``), or none."""
    return db.rows("SELECT id, title, text, lang, created_at FROM posts WHERE id = ?", [post_id])


def flags_of_post(db: Reader, post_id: str) -> list[dict[str, Any]]:
    """Every flag on one post, highest priority first."""
    return db.rows(
        "SELECT flag_id, label, source, detector, version, score, threshold, evidence, "
        "status "
        "FROM flags WHERE post_id = ? ORDER BY priority DESC",
        [post_id],
    )


def decisions(db: Reader, limit: int) -> list[dict[str, Any]]:
    """Decisions newest first, each with its statement (JSON text) and its appeal (if any)."""
    return db.rows(
        "SELECT d.decision_id, d.post_id, d.decision, d.label, d.automated_detection, "
        "d.automated_decision, d.moderator, d.facts, d.created_at, d.statement, d.flag_ids, "
        "a.appeal_id, a.status AS appeal_status, a.outcome AS appeal_outcome "
        "FROM decisions d LEFT JOIN appeals a USING (decision_id) "
        "ORDER BY d.created_at DESC, d.decision_id LIMIT ?",
        [limit],
    )


def statement(db: Reader, decision_id: str) -> list[dict[str, Any]]:
    """``[{statement, post_id}]`` (JSON text) of one decision, or none."""
    return db.rows("SELECT statement, post_id FROM decisions WHERE decision_id = ?", [decision_id])


def pending_appeals(db: Reader, limit: int) -> list[dict[str, Any]]:
    """Appeals waiting for a moderator, oldest first, with the decision appealed (and who took
    it) and the post's title and text."""
    return db.rows(
        "SELECT a.appeal_id, a.decision_id, a.filed_at, a.text AS appeal_text, d.decision, "
        "d.label, d.facts, d.moderator, d.automated_decision, p.title, p.text "
        "FROM appeals a JOIN decisions d USING (decision_id) LEFT JOIN posts p ON p.id = a.post_id "
        "WHERE a.status = 'pending' ORDER BY a.filed_at, a.appeal_id LIMIT ?",
        [limit],
    )


def decisions_of_post(db: Reader, post_id: str) -> list[dict[str, Any]]:
    """Each decision on one post, oldest first, with its statement and its appeal's status,
    outcome, time and stated reasons."""
    return db.rows(
        "SELECT d.decision_id, d.post_id, d.decision, d.label, d.created_at, d.statement, "
        "a.status AS appeal_status, a.outcome AS appeal_outcome, "
        "a.decided_at AS appeal_decided_at, a.facts AS appeal_facts "
        "FROM decisions d LEFT JOIN appeals a USING (decision_id) "
        "WHERE d.post_id = ? ORDER BY d.created_at, d.decision_id",
        [post_id],
    )


def statements(db: Reader) -> list[dict[str, Any]]:
    """Every decision, oldest first: its id, post, time and statement of reasons (JSON text),
    with its appeal's outcome and the time that appeal was decided (``None`` without one) —
    what tells the export whether, and when, its restriction ended."""
    return db.rows(
        "SELECT d.decision_id, d.post_id, d.created_at, d.statement, "
        "a.outcome AS appeal_outcome, a.decided_at AS appeal_decided_at "
        "FROM decisions d LEFT JOIN appeals a ON a.decision_id = d.decision_id "
        "ORDER BY d.created_at, d.decision_id"
    )


def hours_to_decision(db: Reader, *, human_only: bool = False) -> list[float]:
    """Per decision, the hours from its post's first flag (at or before it) to the decision; only
    decisions a person took with ``human_only``."""
    if human_only:
        sql = (
            "SELECT date_part('epoch', d.created_at - min(f.created_at)) / 3600.0 AS h "
            "FROM decisions d "
            "JOIN flags f ON f.post_id = d.post_id AND f.created_at <= d.created_at "
            "WHERE NOT d.automated_decision GROUP BY d.decision_id, d.created_at"
        )
    else:
        sql = (
            "SELECT date_part('epoch', d.created_at - min(f.created_at)) / 3600.0 AS h "
            "FROM decisions d "
            "JOIN flags f ON f.post_id = d.post_id AND f.created_at <= d.created_at "
            "GROUP BY d.decision_id, d.created_at"
        )
    return [float(r["h"]) for r in db.rows(sql)]


def counts(db: Reader, what: Counted) -> dict[str, int]:
    """``{key: n}`` of flags, decisions or appeals grouped by one of their fields."""
    return {str(r["k"]): int(r["n"]) for r in db.rows(_COUNTS[what])}


def total(db: Reader, table: Table) -> int:
    """How many flags, decisions or appeals are stored."""
    return int(db.scalar(_TOTALS[table]))
