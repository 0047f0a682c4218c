"""Issues as every surface reads them: the list (hottest first) and one issue with its messages.

RIGHTS.md §4: an issue is shown only when at least k distinct authors wrote about it; smaller
ones are counted as hidden, never listed or opened. Texts are redacted as everywhere; author keys
never leave the store.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from heard.clock import to_naive_utc
from heard.errors import NotFoundError
from heard.listen.issues.measure import shown_title, title_from
from heard.read.common import safe_row
from heard.read import moderation
from heard.read.hotspots import parse_window
from heard.read.redact import redact
from heard.store.protocol import Reader
from heard.store.queries import common
from heard.store.queries import issues as stored

DEFAULT_WINDOW = "all"
"""Issues are listed over the whole board unless a window is asked for: a historical board
(附件3 ends 2020-01-26) has its issues, not an empty page."""


def _ready(db: Reader) -> bool:
    return "issues" in db.tables()


def _withhold_removed_titles(db: Reader, rows: list[dict[str, Any]]) -> None:
    """An issue's title is its representative message's title (or the start of its text): where
    a decision in force hides that message, the issue is titled by its place and problem."""
    if not rows or "decisions" not in db.tables():
        return
    members = stored.decided_members(db, [int(r["issue_id"]) for r in rows])
    decided = moderation.in_force(db, [m["post_id"] for m in members])
    hidden: dict[int, set[str]] = {}
    for m in members:
        if decided.get(m["post_id"], {}).get("decision") in moderation.HIDING:
            text = m["text"] or ""
            # as the issue was titled (measure.shown_title), and as earlier runs titled it
            shown = shown_title(m["title"] or title_from(text))
            titles = {m["title"], text[:60], shown} - {None, ""}
            hidden.setdefault(int(m["issue_id"]), set()).update(titles)
    for r in rows:
        if r.get("title") and r["title"] in hidden.get(int(r["issue_id"]), ()):
            r["title"] = f"{r['place']} · {r['problem']}"


def _matching_shown_titles(
    db: Reader, f: stored.IssueWhere, k: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The issues ``f.q`` finds in what a display shows: a title withheld because a decision
    hides its message is not searched (it would confirm the removed words), place and problem
    are, and each as redacted (a phone number or e-mail address in a title is not there to be
    found: RIGHTS.md §7). The page (hottest first) and how many issues below k authors match."""
    rows = stored.matching(db, stored.IssueWhere(since=f.since))  # q is matched below
    _withhold_removed_titles(db, rows)
    needle = (f.q or "").lower()
    kept = [
        r for r in rows
        if any(needle in (redact(r.get(c)) or "").lower() for c in ("place", "problem", "title"))
    ]  # fmt: skip
    shown = [r for r in kept if (r.get("authors") or 0) >= k]
    return shown[:limit], len(kept) - len(shown)


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
    filters on place and problem; ``more``: more issues are shown than ``limit``."""
    window = window or DEFAULT_WINDOW
    if not _ready(db):
        return {"issues": [], "more": False, "hidden_below_k": 0, "k": k, "window": window,
                "note": "no issues yet: ingest posts first"}  # fmt: skip
    span = parse_window(db, window)
    since = None
    newest = common.newest_post_time(db)
    if newest is not None and window != "all":
        try:
            since = newest - span
        except OverflowError:  # 9999y reaches before year 1: the window holds the whole board
            since = None
    f = stored.IssueWhere(since=since, q=q)
    if q:  # matched against what a display shows, not the stored (unredacted) text
        rows, hidden = _matching_shown_titles(db, f, k, limit + 1)
    else:
        rows = stored.shown(db, f, k, limit + 1)
        _withhold_removed_titles(db, rows)
        hidden = stored.hidden_count(db, f, k)
    more, rows = len(rows) > limit, rows[:limit]  # cut by the limit: say so, not only "hidden"
    issues = [_decode(r) for r in rows]
    owners = departments_of_issues(db, [int(r["issue_id"]) for r in issues])
    handed = cases_of_issues(db, [int(r["issue_id"]) for r in issues])
    for issue in issues:
        issue["department"] = owners.get(int(issue["issue_id"]))
        issue["case"] = handed.get(int(issue["issue_id"]))
    return {
        "issues": issues,
        "more": more,
        "hidden_below_k": int(hidden or 0),
        "k": k,
        "window": window,
    }


def issues_as_of(db: Reader, k: int, at: datetime, limit: int = 20) -> dict[str, Any]:
    """``list_issues`` as the board stood at ``at`` (``--at``): each active issue's messages
    posted by then, measured again as the issues operator measures them (messages, authors,
    first and last seen, heat, bursting against ``at``), those with at least ``k`` authors by
    then, hottest first. The brief at ``--at`` listed the issues as of now: messages, heat and
    "bursting" from days after it. At or after the newest post that is the stored list."""
    from heard.listen.issues.grouping import Group
    from heard.listen.issues.measure import MessageFacts, measure

    at = to_naive_utc(at)
    newest = common.newest_post_time(db)
    if not _ready(db) or newest is None or at >= newest:
        return list_issues(db, k, limit=limit)
    per: dict[int, list[dict[str, Any]]] = {}
    for m in stored.members_until(db, at):
        per.setdefault(int(m["issue_id"]), []).append(m)
    first = common.span(db)[0]
    rows, hidden = [], 0
    for issue in stored.measured(db):
        members = per.get(int(issue["issue_id"]))
        if not members:
            continue
        facts = [_facts(MessageFacts, m) for m in members]
        index = {f.post_id: i for i, f in enumerate(facts)}
        copies = {index[m["post_id"]]: index[m["duplicate_of"]]
                  for m in members if m["duplicate_of"] in index}  # fmt: skip
        titles = [shown_title(f.title) for f in facts]
        medoid = titles.index(issue["title"]) if issue["title"] in titles else 0
        terms = json.loads(issue["terms"]) if isinstance(issue["terms"], str) else []
        everyone = list(range(len(facts)))
        coherence = float(issue["coherence"] or 0.0)
        group = Group(
            str(issue["anchor"]), everyone, coherence, medoid=medoid, duplicates_of=copies
        )
        record = measure(group, facts, terms, _epoch(first), _epoch(at))
        if record.authors < k:
            hidden += 1
            continue
        rows.append({
            "issue_id": int(issue["issue_id"]), "place": issue["place"],
            "problem": issue["problem"], "terms": terms, "title": record.title,
            "messages": record.messages, "distinct_messages": record.distinct_messages,
            "authors": record.authors, "first_seen": _instant(record.first_seen),
            "last_seen": _instant(record.last_seen), "heat": record.heat,
            "burst_p": record.burst_p, "bursting": record.bursting, "topic_id": record.topic_id,
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["heat"], r["issue_id"]))
    more, rows = len(rows) > limit, rows[:limit]
    _withhold_removed_titles(db, rows)
    issues = [_decode(r) for r in rows]
    owners = departments_of_issues(db, [r["issue_id"] for r in issues])
    for issue in issues:
        issue["department"] = owners.get(issue["issue_id"])
    return {"issues": issues, "more": more, "hidden_below_k": hidden, "k": k, "window": "all",
            "as_of": at}  # fmt: skip


def _facts(kind: Any, m: dict[str, Any]) -> Any:
    return kind(
        post_id=m["post_id"],
        title=m["title"] or title_from(m["text"] or ""),
        t=_epoch(m["created_at"]),
        author_key=m["author_key"],
        engagement=int(m["engagement"] or 0),
        sentiment=m["sentiment_score"],
        terms=(),
        topic_id=m["topic_id"],
        text=(m["title"] or "") + "\n" + (m["text"] or ""),
    )


def _epoch(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).timestamp()


def _instant(epoch: float) -> datetime:
    """Naive UTC, as the issues table stores first and last seen."""
    return datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None)


def departments_of_issues(db: Reader, issue_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The department that owns each issue, read from its messages' cases (the answer side): the
    one most of them are with, its ``share`` of the messages that have a case, and the counts
    behind it (the explanation: "12 of 15 messages are with 城乡建设"). Issues whose messages
    have no case (cases are off) have none."""
    if not issue_ids or "cases" not in db.tables():
        return {}
    rows = stored.case_departments(db, issue_ids)
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
    return {int(r.pop("issue_id")): r for r in stored.issue_cases(db, issue_ids)}


def with_issue_now(
    alert: dict[str, Any], status: str | None, successor: int | None, shown: int | None = None
) -> dict[str, Any]:
    """``alert`` with ``issue_now``: where the messages of the issue it names are now.
    ``{"status": "active", "issue_id": its id}``; ``"merged"`` with the issue that holds them
    (its ``successor``, or the issue ``shown`` when the alert is listed under one that took them
    over); ``"dissolved"`` with ``issue_id`` None when no issue holds them. A merged or dissolved
    issue's message says so."""
    issue_id = alert.get("issue_id")
    if shown is not None and shown != issue_id:
        status, successor = "dissolved", shown
    out = dict(alert)
    if status == "active":
        out["issue_now"] = {"status": "active", "issue_id": issue_id}
    elif successor is not None:
        out["issue_now"] = {"status": "merged", "issue_id": successor}
        out["message"] = f"{alert.get('message', '')}; its messages are now in issue {successor}"
    else:
        out["issue_now"] = {"status": "dissolved", "issue_id": None}
        out["message"] = (
            f"{alert.get('message', '')}; the issue has since dissolved (its messages no longer "
            "form one issue)"
        )
    return out


def recent_issue_alerts(db: Reader, k: int, limit: int = 20) -> list[dict[str, Any]]:
    """The newest issue alerts (issues with at least ``k`` authors), each saying where its
    issue's messages are now, for the lists of alerts beside the topics' (the brief,
    ``heard hot``): an issue alert was sent to the terminal and the webhooks, and the brief then
    said that no alert had fired. The evidence gets the rate against what was expected, as a
    topic alert's has."""
    if "issue_alerts" not in db.tables():
        return []
    out = []
    for r in stored.recent_alerts(db, k, limit):
        successor = None if r["successor_id"] is None else int(r["successor_id"])
        alert = with_issue_now(safe_row(json.loads(r["alert"])), r["status"], successor)
        evidence = dict(alert.get("evidence") or {})
        if evidence.get("expected") and evidence.get("count") is not None:
            evidence.setdefault("rate_ratio", evidence["count"] / evidence["expected"])
        alert["evidence"] = evidence
        out.append(alert)
    return out


def with_issue_alerts(
    db: Reader, k: int, topic_alerts: list[dict[str, Any]], limit: int
) -> list[dict[str, Any]]:
    """``topic_alerts`` and the newest issue alerts together, newest detection first (the brief
    and the hot-spots page said "No burst alert has fired" beside an issue alert)."""
    both = topic_alerts + recent_issue_alerts(db, k, limit)
    return sorted(both, key=lambda a: str(a.get("detected_at") or ""), reverse=True)[:limit]


def issue_detail(db: Reader, issue_id: int, k: int, messages: int = 50) -> dict[str, Any]:
    """One issue: its facts, heat components and up to ``messages`` of its messages (newest
    first; near copies marked with the message they copy)."""
    if not _ready(db):
        raise NotFoundError("this store has no issues yet", "ingest posts first: heard ingest")
    row = stored.issue(db, issue_id)
    now_in = stored.successor(db, issue_id) if row is not None else None
    if row is not None and row["status"] != "active" and now_in is not None:
        raise NotFoundError(
            f"issue {issue_id} has dissolved: its messages are now in issue {now_in}",
            f"open that one: heard issue {now_in}, or /api/v1/issues/{now_in}",
        )
    if row is None or row["status"] != "active":
        raise NotFoundError(
            f"there is no issue {issue_id}" + (" any more" if row is not None else ""),
            "list the issues: heard issues, or /api/v1/issues",
        )
    _withhold_removed_titles(db, [row])
    issue = _decode(row)
    if (issue.get("authors") or 0) < k:
        raise NotFoundError(
            f"issue {issue_id} has fewer than {k} distinct authors, so it is not shown "
            "(RIGHTS.md §4: aggregates need k ≥ min_group_size authors)",
            "list the issues that can be shown: heard issues, or /api/v1/issues",
        )
    posts = stored.messages(db, issue_id, messages)
    issue["posts"] = moderation.apply(db, [safe_row(p) for p in posts])
    issue["department"] = departments_of_issues(db, [issue_id]).get(issue_id)
    issue["case"] = cases_of_issues(db, [issue_id]).get(issue_id)
    issue["alerts"] = []
    if "issue_alerts" in db.tables():
        issue["alerts"] = [
            with_issue_now(safe_row(json.loads(a)), "active", None, shown=issue_id)
            for a in stored.alerts(db, issue_id)
        ]
    return issue
