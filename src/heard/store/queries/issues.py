"""The SQL of ``heard.read.issues``: active issues (hottest first) and how many are below k, the
departments and cases of issues, one issue with its messages and its alerts.

RIGHTS.md §4: the issues table holds counts of authors, never their keys; a message's columns
are ``POST_COLUMNS``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heard.store.protocol import Reader
from heard.store.queries.common import POST_COLUMNS, marks
from heard.store.repos.issues import ALERTS_OF

LIST_COLUMNS = (
    "issue_id, place, problem, terms, title, messages, distinct_messages, authors, first_seen, "
    "last_seen, heat, burst_p, bursting, topic_id"
)
"""The columns of an issue list."""


@dataclass(frozen=True)
class IssueWhere:
    """The filters of an issue list, as values (only active issues are listed): ``since``, those
    with a message at or after it (naive UTC); ``q``, those whose place, problem or title holds
    it (case-insensitive)."""

    since: datetime | None = None
    q: str | None = None


def _where(f: IssueWhere) -> tuple[str, list[Any]]:
    where: list[str] = ["status = 'active'"]
    params: list[Any] = []
    if f.since is not None:
        where.append("last_seen >= ?")
        params.append(f.since)
    if f.q:
        where.append("(strpos(lower(place), lower(?)) > 0 OR strpos(lower(problem), lower(?)) > 0"
                     " OR strpos(lower(coalesce(title, '')), lower(?)) > 0)")  # fmt: skip
        params += [f.q, f.q, f.q]
    return " AND ".join(where), params


def shown(db: Reader, f: IssueWhere, k: int, limit: int) -> list[dict[str, Any]]:
    """Issues ``f`` keeps with at least ``k`` distinct authors (``LIST_COLUMNS``), hottest first
    (then by id), at most ``limit``."""
    clause, params = _where(f)
    return db.rows(
        f"SELECT {LIST_COLUMNS} FROM issues WHERE {clause} AND authors >= ? "
        f"ORDER BY heat DESC, issue_id LIMIT {int(limit)}",
        [*params, k],
    )


def matching(db: Reader, f: IssueWhere) -> list[dict[str, Any]]:
    """Every issue ``f`` keeps, whatever its authors (``LIST_COLUMNS``), hottest first (then by
    id): for a ``q`` that must be matched again against the titles a display shows."""
    clause, params = _where(f)
    return db.rows(
        f"SELECT {LIST_COLUMNS} FROM issues WHERE {clause} ORDER BY heat DESC, issue_id", params
    )


def hidden_count(db: Reader, f: IssueWhere, k: int) -> Any:
    """How many issues ``f`` keeps have fewer than ``k`` distinct authors."""
    clause, params = _where(f)
    return db.scalar(
        f"SELECT count(*) AS n FROM issues WHERE {clause} AND authors < ?", [*params, k]
    )


def decided_members(db: Reader, issue_ids: Sequence[int]) -> list[dict[str, Any]]:
    """``[{issue_id, post_id, title, text}]``: the issues' messages that have a moderation
    decision, in no order (needs the ``decisions`` table)."""
    return db.rows(
        "SELECT ip.issue_id, p.id AS post_id, p.title, p.text FROM issue_posts ip "
        "JOIN posts p ON p.id = ip.post_id "
        f"WHERE ip.issue_id IN ({marks(len(issue_ids))}) "
        "AND p.id IN (SELECT post_id FROM decisions)",
        list(issue_ids),
    )


def case_departments(db: Reader, issue_ids: Sequence[int]) -> list[dict[str, Any]]:
    """``[{issue_id, department, n}]``: how many of each issue's messages have a case with each
    department, in no order (needs the ``cases`` table)."""
    return db.rows(
        "SELECT ip.issue_id, c.department, count(*) AS n FROM issue_posts ip "
        "JOIN cases c ON c.post_id = ip.post_id "
        f"WHERE ip.issue_id IN ({marks(len(issue_ids))}) "
        "GROUP BY ip.issue_id, c.department",
        list(issue_ids),
    )


def issue_cases(db: Reader, issue_ids: Sequence[int]) -> list[dict[str, Any]]:
    """``[{issue_id, case_id, department, status}]``: the cases whose subject is one of the
    issues (needs migration 18's ``cases.issue_id``)."""
    return db.rows(
        "SELECT issue_id, case_id, department, status FROM cases "
        f"WHERE issue_id IN ({marks(len(issue_ids))})",
        list(issue_ids),
    )


def issue(db: Reader, issue_id: int) -> dict[str, Any] | None:
    """One issue (``LIST_COLUMNS`` and its anchor, status, heat components and coherence), any
    status; ``None`` when there is none."""
    rows = db.rows(f"SELECT {LIST_COLUMNS}, anchor, status, heat_components, coherence "
                   "FROM issues WHERE issue_id = ?", [issue_id])  # fmt: skip
    return rows[0] if rows else None


def messages(db: Reader, issue_id: int, limit: int) -> list[dict[str, Any]]:
    """An issue's messages (``POST_COLUMNS`` and ``duplicate_of``), newest first (then by id), at
    most ``limit``."""
    return db.rows(
        f"SELECT {POST_COLUMNS}, ip.duplicate_of FROM issue_posts ip "
        "JOIN posts p ON p.id = ip.post_id WHERE ip.issue_id = ? "
        f"ORDER BY p.created_at DESC, p.id LIMIT {int(limit)}",
        [issue_id],
    )


def alerts(db: Reader, issue_id: int) -> list[str]:
    """An issue's alerts (each as JSON text), newest first, those of the issues whose messages it
    took over included (needs the ``issue_alerts`` table and migration 21)."""
    if "successor_id" in db.columns("issues"):
        where, params = ALERTS_OF, [issue_id, issue_id]
    else:  # a store read before migration 21: no issue has a successor yet
        where, params = "issue_id = ?", [issue_id]
    return [
        r["alert"]
        for r in db.rows(
            f"SELECT alert FROM issue_alerts WHERE {where} ORDER BY fired_at DESC", params
        )
    ]


def successor(db: Reader, issue_id: int) -> int | None:
    """The active issue that holds a dissolved issue's messages now (migration 21), if any."""
    if "successor_id" not in db.columns("issues"):
        return None
    found = db.scalar("SELECT successor_id FROM issues WHERE issue_id = ?", [issue_id])
    return None if found is None else int(found)


def recent_alerts(db: Reader, k: int, limit: int) -> list[dict[str, Any]]:
    """The newest issue alerts (``alert`` as JSON text, newest window first) with where their
    issue stands now (``status``, ``successor_id``), of issues with at least ``k`` authors
    (needs the ``issue_alerts`` table)."""
    successor = (
        "i.successor_id" if "successor_id" in db.columns("issues") else "NULL AS successor_id"
    )
    return db.rows(
        f"SELECT a.alert, i.status, {successor} FROM issue_alerts a "
        "JOIN issues i ON i.issue_id = a.issue_id WHERE i.authors >= ? "
        "ORDER BY a.window_end DESC, a.fired_at DESC, a.alert_id LIMIT ?",
        [k, limit],
    )


def measured(db: Reader) -> list[dict[str, Any]]:
    """What measuring an active issue again reads of it: ``issue_id, anchor, place, problem,
    terms, title, coherence``, in no order."""
    return db.rows(
        "SELECT issue_id, anchor, place, problem, terms, title, coherence FROM issues "
        "WHERE status = 'active'"
    )


def members_until(db: Reader, until: datetime) -> list[dict[str, Any]]:
    """The messages of the active issues posted at or before ``until`` (naive UTC), oldest
    first, with what measuring reads: ``issue_id, post_id, duplicate_of, title, text,
    author_key, created_at, engagement, sentiment_score, topic_id``. The author key is only
    counted (``heard.listen.issues.measure``), never returned by a reader."""
    return db.rows(
        "SELECT ip.issue_id, ip.post_id, ip.duplicate_of, coalesce(p.title, '') AS title, "
        "p.text, p.author_key, p.created_at, "
        "coalesce(p.likes, 0) + coalesce(p.dislikes, 0) + coalesce(p.shares, 0) AS engagement, "
        "p.sentiment_score, pt.topic_id FROM issue_posts ip "
        "JOIN issues i ON i.issue_id = ip.issue_id AND i.status = 'active' "
        "JOIN posts p ON p.id = ip.post_id LEFT JOIN post_topics pt ON pt.post_id = p.id "
        "WHERE p.created_at <= ? ORDER BY p.created_at, p.id",
        [until],
    )
