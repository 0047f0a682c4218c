"""The SQL of ``heard.read.cases``: departments and their case counts, the case queue, one case
with its issue and timeline, each department's figures, scored replies and a public token's case.

A case's open states are the answer side's (``heard.answer.cases.OPEN_STATES``): callers pass
them as values, bound as parameters. RIGHTS.md §4: nothing here reads ``actor`` or any author
key; a case's ``public_token_hash`` is only matched, never returned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heard.store.protocol import Reader
from heard.store.queries.common import marks

DAYS = "(date_part('epoch', c.replied_at) - date_part('epoch', c.created_at)) / 86400.0"
"""A case's response time in days (``c`` = cases): replied_at − created_at."""


def _has_cases(db: Reader) -> bool:
    return "cases" in db.tables()


def departments(db: Reader) -> list[dict[str, Any]]:
    """The stored departments (``code, name_zh, name_en, description, keywords,
    deadline_days``; keywords and deadlines as JSON text), in no order."""
    return db.rows(
        "SELECT code, name_zh, name_en, description, keywords, deadline_days FROM departments"
    )


def counts_by_department(db: Reader, open_states: Sequence[str]) -> list[dict[str, Any]]:
    """``[{department, cases, open}]``: each department's cases, and those in ``open_states``."""
    return db.rows(
        "SELECT department, count(*) AS cases, "
        f"count(*) FILTER (WHERE status IN ({marks(len(open_states))})) AS open "
        "FROM cases GROUP BY department",
        list(open_states),
    )


def issue_cases_ready(db: Reader) -> bool:
    """The store has migration 18 (a case's subject may be an issue): a store opened read-only
    is not migrated, and an older one has no ``cases.issue_id``."""
    if not _has_cases(db):
        return False
    return bool(db.scalar("SELECT count(*) AS n FROM schema_version WHERE version = 18"))


def _subject_sql(db: Reader) -> tuple[str, str]:
    """(columns, join) that add each case's issue (``i_*``) to a ``cases c`` query."""
    if not issue_cases_ready(db):
        return ("NULL AS issue_id, NULL AS i_place, NULL AS i_problem, NULL AS i_title, "
                "NULL AS i_messages, NULL AS i_distinct, NULL AS i_status", "")  # fmt: skip
    return ("c.issue_id, i.place AS i_place, i.problem AS i_problem, i.title AS i_title, "
            "i.messages AS i_messages, i.distinct_messages AS i_distinct, i.status AS i_status",
            "LEFT JOIN issues i ON i.issue_id = c.issue_id")  # fmt: skip


@dataclass(frozen=True)
class CaseWhere:
    """The filters of the queue, as values: each one given narrows it (``overdue_at``: only the
    cases still open whose deadline is before this naive-UTC instant)."""

    department: str | None = None
    departments: tuple[str, ...] = ()
    """Any of these departments (Open311's comma-delimited ``service_code``)."""
    status: str | None = None
    overdue_at: datetime | None = None
    statuses: tuple[str, ...] = ()
    """Any of these states (Open311's ``open``/``closed`` are sets of them)."""
    created_from: datetime | None = None
    created_to: datetime | None = None
    """Naive-UTC bounds (inclusive) of the case's ``created_at``."""


def _where(f: CaseWhere, open_states: Sequence[str]) -> tuple[str, list[Any]]:
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if f.department:
        where.append("c.department = ?")
        params.append(f.department)
    if f.departments:
        where.append(f"c.department IN ({marks(len(f.departments))})")
        params += list(f.departments)
    if f.status:
        where.append("c.status = ?")
        params.append(f.status)
    if f.overdue_at is not None:
        where.append(f"c.status IN ({marks(len(open_states))}) AND c.deadline_at < ?")
        params += [*open_states, f.overdue_at]
    if f.statuses:
        where.append(f"c.status IN ({marks(len(f.statuses))})")
        params += list(f.statuses)
    if f.created_from is not None:
        where.append("c.created_at >= ?")
        params.append(f.created_from)
    if f.created_to is not None:
        where.append("c.created_at <= ?")
        params.append(f.created_to)
    return " AND ".join(where), params


def case_count(db: Reader, f: CaseWhere, open_states: Sequence[str]) -> Any:
    """How many cases ``f`` keeps."""
    sql_where, params = _where(f, open_states)
    return db.scalar(f"SELECT count(*) FROM cases c WHERE {sql_where}", params)


def queue(
    db: Reader, f: CaseWhere, open_states: Sequence[str], limit: int | None, offset: int = 0
) -> list[dict[str, Any]]:
    """The cases ``f`` keeps, newest first (at most ``limit``, all when it is ``None`` or 0,
    after skipping ``offset``): each
    case's fields, its post's id and title, the first 400 characters of its text (``text_head``),
    ``response_days`` and its issue (``issue_id``, ``i_*``; ``NULL`` for a message's case or a
    store before migration 18)."""
    sql_where, params = _where(f, open_states)
    columns, join = _subject_sql(db)
    return db.rows(
        f"""SELECT c.case_id, c.post_id, c.department, c.status, c.routed_confidence,
                   c.created_at, c.deadline_at, c.replied_at, c.reopened_count, p.title,
                   substr(p.text, 1, 400) AS text_head, {DAYS} AS response_days, {columns}
            FROM cases c LEFT JOIN posts p ON p.id = c.post_id {join} WHERE {sql_where}
            ORDER BY c.created_at DESC, c.case_id LIMIT {int(limit) if limit else "ALL"}
            OFFSET {max(int(offset), 0)}""",
        params,
    )


def case(db: Reader, case_id: str) -> dict[str, Any] | None:
    """One case (every column), its post's title, text and source, ``response_days`` and its
    issue (``i_*``, as in ``queue``); ``None`` when there is no such case or no cases table."""
    if not _has_cases(db):
        return None
    columns, join = _subject_sql(db)
    rows = db.rows(
        f"""SELECT c.*, p.title, p.text, p.source, {DAYS} AS response_days, {columns}
            FROM cases c LEFT JOIN posts p ON p.id = c.post_id {join} WHERE c.case_id = ?""",
        [case_id],
    )
    return rows[0] if rows else None


def cases_by_id(db: Reader, case_ids: Sequence[str]) -> list[dict[str, Any]]:
    """``case`` for many cases at once (those that exist, in no order)."""
    ids = list(dict.fromkeys(case_ids))
    if not ids or not _has_cases(db):
        return []
    columns, join = _subject_sql(db)
    return db.rows(
        f"""SELECT c.*, p.title, p.text, p.source, {DAYS} AS response_days, {columns}
            FROM cases c LEFT JOIN posts p ON p.id = c.post_id {join}
            WHERE c.case_id IN ({marks(len(ids))})""",
        ids,
    )


def timelines(db: Reader, case_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """``timeline`` for many cases at once: case id → its events in order."""
    ids = list(dict.fromkeys(case_ids))
    out: dict[str, list[dict[str, Any]]] = {}
    if not ids:
        return out
    rows = db.rows(
        f"""SELECT case_id, "at", kind, from_status, to_status, from_department, to_department,
                   actor_role, note
            FROM case_events WHERE case_id IN ({marks(len(ids))})
            ORDER BY case_id, "at", event_id""",
        ids,
    )
    for r in rows:
        out.setdefault(r.pop("case_id"), []).append(r)
    return out


def updated_cases(
    db: Reader, start: datetime, end: datetime, limit: int
) -> list[tuple[str, datetime]]:
    """The cases with an event from ``start`` to ``end`` (naive UTC, both included), each with
    its first event's time there, oldest first; at most ``limit``."""
    if not _has_cases(db):
        return []
    rows = db.rows(
        """SELECT case_id, min("at") AS first FROM case_events
           WHERE "at" >= ? AND "at" <= ? GROUP BY case_id ORDER BY first, case_id LIMIT ?""",
        [start, end, limit],
    )
    return [(str(r["case_id"]), r["first"]) for r in rows]


def timeline(db: Reader, case_id: str) -> list[dict[str, Any]]:
    """A case's events in order: when, what, the states and departments it moved between, the
    role that acted (never the account) and the note."""
    return db.rows(
        """SELECT "at", kind, from_status, to_status, from_department, to_department,
                  actor_role, note
           FROM case_events WHERE case_id = ? ORDER BY "at", event_id""",
        [case_id],
    )


def _figures(open_states: Sequence[str]) -> str:
    o = marks(len(open_states))
    return f"""count(*) AS cases,
        count(c.replied_at) AS answered,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY {DAYS})
            FILTER (WHERE c.replied_at >= c.created_at) AS median_days,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY {DAYS})
            FILTER (WHERE c.replied_at >= c.created_at) AS p90_days,
        avg({DAYS}) FILTER (WHERE c.replied_at >= c.created_at) AS mean_days,
        count(*) FILTER (WHERE c.replied_at < c.created_at) AS negative_excluded,
        count(*) FILTER (WHERE c.status IN ({o})) AS open,
        count(*) FILTER (WHERE c.status IN ({o}) AND c.deadline_at < ?) AS overdue_open,
        count(*) FILTER (WHERE c.late_closures > 0) AS closed_late,
        count(*) FILTER (WHERE c.reopened_count > 0) AS reopened,
        count(*) FILTER (WHERE c.case_id IN (SELECT case_id FROM case_events
                                       WHERE kind = 'disputed')) AS disputed,
        avg(c.reply_quality) AS mean_reply_quality,
        count(c.reply_quality) AS replies_scored,
        count(*) FILTER (WHERE c.replied_at IS NULL AND ({COMPLAINT})) AS unanswered_complaints"""


COMPLAINT = "c.post_id IS NULL OR p.intent_label = 'complaint' OR p.sentiment_label = 'negative'"
"""A case whose concern criticises or complains (RIGHTS.md §8: unanswered criticism is a public
figure): its message's intent is a complaint or its sentiment negative, or it is an issue's case
(an issue is a problem many raised; thank-you messages join none)."""
_WITH_POST = "FROM cases c LEFT JOIN posts p ON p.id = c.post_id"


def figures_by_department(
    db: Reader, open_states: Sequence[str], now: datetime
) -> list[dict[str, Any]]:
    """Each department's figures (``department`` and the columns of ``_figures``), triage last;
    ``now`` (naive UTC) decides what is overdue."""
    return db.rows(
        f"SELECT c.department, {_figures(open_states)} {_WITH_POST} GROUP BY c.department "
        "ORDER BY c.department = 'triage', c.department",
        [*open_states, *open_states, now],
    )


def board_figures(db: Reader, open_states: Sequence[str], now: datetime) -> dict[str, Any]:
    """The whole board's figures (``department`` NULL), as ``figures_by_department``."""
    [total] = db.rows(
        f"SELECT NULL AS department, {_figures(open_states)} {_WITH_POST}",
        [*open_states, *open_states, now],
    )
    return total


def _scored(department: str | None) -> tuple[str, list[Any]]:
    where, params = "c.reply_scores IS NOT NULL", []
    if department:
        where += " AND c.department = ?"
        params.append(department)
    return where, params


def scored_replies(
    db: Reader, department: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Cases with a scored reply (``case_id, department, reply_quality, reply_scores``; scores as
    JSON text), by case id, at most ``limit`` (all when ``None`` or 0); only ``department``'s
    when given."""
    where, params = _scored(department)
    return db.rows(
        f"""SELECT c.case_id, c.department, c.reply_quality, c.reply_scores FROM cases c
            WHERE {where} ORDER BY c.case_id LIMIT {int(limit) if limit else "ALL"}""",
        params,
    )


def reply_scores(db: Reader, department: str | None = None) -> list[dict[str, Any]]:
    """``[{department, reply_scores}]`` of every scored reply (only ``department``'s when
    given), in no order."""
    where, params = _scored(department)
    return db.rows(f"SELECT c.department, c.reply_scores FROM cases c WHERE {where}", params)


def case_id_for_token(db: Reader, token_hash: str) -> Any:
    """The id of the case whose public token hashes to ``token_hash`` (``None`` when none)."""
    return db.scalar("SELECT case_id FROM cases WHERE public_token_hash = ?", [token_hash])
