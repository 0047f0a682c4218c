"""Issues as every surface reads them: the list (hottest first) and one issue with its messages.

RIGHTS.md §4: an issue is shown only when at least k distinct authors wrote about it; smaller
ones are counted as hidden, never listed or opened. Texts are redacted as everywhere; author keys
never leave the store.
"""

from __future__ import annotations

import json
from typing import Any

from heard.errors import NotFoundError
from heard.read.common import safe_row
from heard.read import moderation
from heard.read.hotspots import parse_window
from heard.read.redact import redact
from heard.read.stats import POST_COLUMNS
from heard.store.protocol import Reader

LIST_COLUMNS = (
    "issue_id, place, problem, terms, title, messages, distinct_messages, authors, first_seen, "
    "last_seen, heat, burst_p, bursting, topic_id"
)
DEFAULT_WINDOW = "all"
"""Issues are listed over the whole board unless a window is asked for: a historical board
(附件3 ends 2020-01-26) has its issues, not an empty page."""


def _ready(db: Reader) -> bool:
    return "issues" in db.tables()


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("terms", "heat_components"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    for key in ("title", "place", "problem"):
        if row.get(key):
            row[key] = redact(row[key])
    if row.get("burst_p") is not None:
        row["burst_p"] = float(f"{float(row['burst_p']):.3g}")
    return row


def list_issues(
    db: Reader, k: int, *, window: str | None = None, limit: int = 20, q: str | None = None
) -> dict[str, Any]:
    """Active issues with at least ``k`` distinct authors, hottest first. ``window`` (``7d``,
    ``90d``, ``all`` …) keeps those with a message in that span before the newest post; ``q``
    filters on place and problem."""
    window = window or DEFAULT_WINDOW
    if not _ready(db):
        return {"issues": [], "hidden_below_k": 0, "k": k, "window": window,
                "note": "no issues yet: ingest posts first"}  # fmt: skip
    span = parse_window(db, window)
    where, params = ["status = 'active'"], []
    newest = db.scalar("SELECT max(created_at) AS newest FROM posts")
    if newest is not None and window != "all":
        try:
            since = newest - span
        except OverflowError:  # 9999y reaches before year 1: the window holds the whole board
            since = None
        if since is not None:
            where.append("last_seen >= ?")
            params.append(since)
    if q:
        where.append("(strpos(lower(place), lower(?)) > 0 OR strpos(lower(problem), lower(?)) > 0"
                     " OR strpos(lower(coalesce(title, '')), lower(?)) > 0)")  # fmt: skip
        params += [q, q, q]
    clause = " AND ".join(where)
    rows = db.rows(
        f"SELECT {LIST_COLUMNS} FROM issues WHERE {clause} AND authors >= ? "
        f"ORDER BY heat DESC, issue_id LIMIT {int(limit)}",
        [*params, k],
    )
    hidden = db.scalar(
        f"SELECT count(*) AS n FROM issues WHERE {clause} AND authors < ?", [*params, k]
    )
    issues = [_decode(r) for r in rows]
    owners = departments_of_issues(db, [int(r["issue_id"]) for r in issues])
    handed = cases_of_issues(db, [int(r["issue_id"]) for r in issues])
    for issue in issues:
        issue["department"] = owners.get(int(issue["issue_id"]))
        issue["case"] = handed.get(int(issue["issue_id"]))
    return {
        "issues": issues,
        "hidden_below_k": int(hidden or 0),
        "k": k,
        "window": window,
    }


def departments_of_issues(db: Reader, issue_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The department that owns each issue, read from its messages' cases (the answer side): the
    one most of them are with, its ``share`` of the messages that have a case, and the counts
    behind it (the explanation: "12 of 15 messages are with 城乡建设"). Issues whose messages
    have no case (cases are off) have none."""
    if not issue_ids or "cases" not in db.tables():
        return {}
    rows = db.rows(
        "SELECT ip.issue_id, c.department, count(*) AS n FROM issue_posts ip "
        "JOIN cases c ON c.post_id = ip.post_id "
        f"WHERE ip.issue_id IN ({', '.join('?' * len(issue_ids))}) "
        "GROUP BY ip.issue_id, c.department",
        list(issue_ids),
    )
    per: dict[int, list[tuple[str, int]]] = {}
    for r in rows:
        per.setdefault(int(r["issue_id"]), []).append((str(r["department"]), int(r["n"])))
    out = {}
    for issue_id, counts in per.items():
        counts.sort(key=lambda c: (-c[1], c[0]))
        total = sum(n for _, n in counts)
        code, n = counts[0]
        out[issue_id] = {"code": code, "share": round(n / total, 4), "messages_with_it": n,
                         "messages_with_a_case": total, "others": dict(counts[1:])}  # fmt: skip
    return out


def cases_of_issues(db: Reader, issue_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The case each issue was handed over as (``heard case open --issue``), if any: its id,
    department and status."""
    from heard.read.cases import issue_cases_ready

    if not issue_ids or not issue_cases_ready(db):
        return {}
    rows = db.rows(
        "SELECT issue_id, case_id, department, status FROM cases "
        f"WHERE issue_id IN ({', '.join('?' * len(issue_ids))})",
        list(issue_ids),
    )
    return {int(r.pop("issue_id")): r for r in rows}


def issue_detail(db: Reader, issue_id: int, k: int, messages: int = 50) -> dict[str, Any]:
    """One issue: its facts, heat components and up to ``messages`` of its messages (newest
    first; near copies marked with the message they copy)."""
    if not _ready(db):
        raise NotFoundError("this store has no issues yet", "ingest posts first: heard ingest")
    rows = db.rows(f"SELECT {LIST_COLUMNS}, anchor, status, heat_components, coherence "
                   "FROM issues WHERE issue_id = ?", [issue_id])  # fmt: skip
    if not rows or rows[0]["status"] != "active":
        raise NotFoundError(
            f"there is no issue {issue_id}" + (" any more" if rows else ""),
            "list the issues: heard issues, or /api/v1/issues",
        )
    issue = _decode(rows[0])
    if (issue.get("authors") or 0) < k:
        raise NotFoundError(
            f"issue {issue_id} has fewer than {k} distinct authors, so it is not shown "
            "(RIGHTS.md §4: aggregates need k ≥ min_group_size authors)",
            "list the issues that can be shown: heard issues, or /api/v1/issues",
        )
    posts = db.rows(
        f"SELECT {POST_COLUMNS}, ip.duplicate_of FROM issue_posts ip "
        "JOIN posts p ON p.id = ip.post_id WHERE ip.issue_id = ? "
        f"ORDER BY p.created_at DESC, p.id LIMIT {int(messages)}",
        [issue_id],
    )
    issue["posts"] = moderation.apply(db, [safe_row(p) for p in posts])
    issue["department"] = departments_of_issues(db, [issue_id]).get(issue_id)
    issue["case"] = cases_of_issues(db, [issue_id]).get(issue_id)
    issue["alerts"] = []
    if "issue_alerts" in db.tables():
        issue["alerts"] = [
            safe_row(json.loads(r["alert"]))
            for r in db.rows(
                "SELECT alert FROM issue_alerts WHERE issue_id = ? ORDER BY fired_at DESC",
                [issue_id],
            )
        ]
    return issue
