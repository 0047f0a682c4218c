"""A case for an issue (issue 18, item 3): an official hands one problem at one place — 丽发新城's
mixing-plant noise, 54 messages — to the department that owns it as ONE case, which is then
worked like any case (status, reply, deadline, history, notifications, public page, dispute).

Which department, in this order:

1. the one a person chose (``department``): confidence 1, ``routed_by`` ``person:<role>``;
2. the one that owns most of the issue's messages' cases (``heard.read.issues.
   departments_of_issues``), when at least ``MAJORITY_TRIAGE_BELOW`` of the messages that have a
   case are with it (``routed_by`` ``issue-messages``); below that share, ``triage``;
3. else the deployment's router (trained, or zero-shot from the departments) on the issue's text:
   its place and problem, its representative title and up to ``ROUTE_MESSAGES`` of its messages
   (redacted; near copies and removed messages left out); below the router's threshold the case
   waits in ``triage``, as a message's would.

The deadline is the department's (``deadline_for``), counted from the time the case is opened.
Opening twice returns the case already open for the issue (the store keeps one per issue).
RIGHTS.md: the case is about a problem at a place, not about people — it names no author, and
its public page shows the issue's place, problem and message count only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from heard.answer import cases as workflow
from heard.answer.departments import DEFAULT_DEADLINE_DAYS
from heard.errors import InputError

MAJORITY_TRIAGE_BELOW = 0.5
"""An issue whose messages' cases are split with no department holding half goes to triage."""
ROUTE_MESSAGES = 5
"""How many of the issue's messages (newest first, copies left out) the router reads."""
ROLES_THAT_OPEN = ("analyst", "moderator", "admin")
"""Roles that may hand an issue over as a case (responders work cases; they do not open them)."""


@dataclass(frozen=True)
class Opened:
    case: dict[str, Any]
    created: bool
    """False: the issue had its case already, returned as it is."""
    token: str | None = None
    """The case's public token (to dispute a closure), shown once; only its hash is kept."""


@dataclass(frozen=True)
class Choice:
    department: str
    confidence: float | None
    routed_by: str
    explanation: dict[str, Any] | None


def issue_label(issue: dict[str, Any]) -> str:
    """ "丽发新城 · 搅拌站": the issue's place and problem (aggregate terms, never a message)."""
    return " · ".join(x for x in (issue.get("place"), issue.get("problem")) if x) or (
        f"issue {issue['issue_id']}"
    )


def issue_text(issue: dict[str, Any], limit: int = ROUTE_MESSAGES) -> str:
    """What the router reads of an issue: place, problem, title and a few of its messages."""
    lines = [issue_label(issue), issue.get("title") or ""]
    shown = 0
    for post in issue.get("posts") or []:
        if shown >= limit:
            break
        if post.get("duplicate_of") or not post.get("text"):
            continue  # a near copy says nothing new; a removed message is not read
        lines.append(" ".join(x for x in (post.get("title"), post["text"]) if x))
        shown += 1
    return "\n".join(line for line in lines if line)


def choose_department(
    issue: dict[str, Any],
    known: set[str],
    *,
    chosen: str | None = None,
    role: str = "analyst",
    route: Callable[[str], Any] | None = None,
) -> Choice:
    """The department of the issue's case, with its confidence and explanation (see the module
    docstring). ``route(text)`` gives a ``Route``; it is called only when needed."""
    if chosen is not None:
        if chosen not in known:
            raise InputError(f"no department {chosen!r}", "use a code from: heard departments")
        return Choice(chosen, 1.0, f"person:{role}", {"chosen_by": role})
    owner = issue.get("department")
    if owner and owner.get("code") in known and owner["code"] != workflow.TRIAGE:
        share = float(owner["share"])
        explanation = {
            "suggested": owner["code"],
            "share": share,
            "messages_with_it": owner["messages_with_it"],
            "messages_with_a_case": owner["messages_with_a_case"],
            "others": owner.get("others") or {},
        }
        queue = owner["code"] if share >= MAJORITY_TRIAGE_BELOW else workflow.TRIAGE
        return Choice(queue, share, "issue-messages", explanation)
    if route is None:
        raise InputError(
            "the issue's messages have no cases and no router is configured",
            "choose the department, or configure [[departments]]",
            field="department",
        )
    r = route(issue_text(issue))
    explanation = {
        "suggested": r.department,
        "scores": {k: round(v, 4) for k, v in r.scores.items()},
        **r.explanation.to_dict(),
    }
    return Choice(r.queue, r.confidence, r.model, explanation)


def open_issue_case(
    store: Any,
    issue: dict[str, Any],
    *,
    departments: dict[str, Any],
    now: datetime,
    role: str,
    actor: str | None,
    chosen: str | None = None,
    route: Callable[[str], Any] | None = None,
    zone: tzinfo | None = None,
) -> Opened:
    """Open the case of ``issue`` (as ``heard.read.issues.issue_detail`` returns it: shown,
    active, redacted) in ``store``, or return the one it has. ``departments``: code → a
    ``Department`` or a stored department's dict (for its deadline). The caller holds the write
    lock when other threads write."""
    if role not in ROLES_THAT_OPEN:
        raise InputError(f"a {role} cannot open a case for an issue", "ask an analyst or an admin")
    issue_id = int(issue["issue_id"])
    existing = store.cases.case_for_issue(issue_id)
    if existing is not None:
        return Opened(existing, False)
    choice = choose_department(issue, set(departments), chosen=chosen, role=role, route=route)
    days = _deadline_days(departments.get(choice.department))
    messages = int(issue.get("distinct_messages") or issue.get("messages") or 0)
    case, event = workflow.new_issue_case(
        issue_id, choice.department, deadline_days=days, confidence=choice.confidence,
        routed_by=choice.routed_by, explanation=choice.explanation, at=now, role=role,
        actor=actor, note=f"opened from issue {issue_id}: {issue_label(issue)} "
        f"({messages} messages) by {role}", zone=zone,
    )  # fmt: skip
    token, token_hash = workflow.new_public_token()
    case["public_token_hash"] = token_hash
    try:
        stored = store.cases.open_cases([case], [event])
    except Exception:
        # another process (PostgreSQL has several writers) opened it between the look-up and
        # the insert: the unique index refused the second; that one is the issue's case
        other = store.cases.case_for_issue(issue_id)
        if other is None:
            raise
        return Opened(other, False)
    if stored == 0:  # another writer opened it just now
        return Opened(store.cases.case_for_issue(issue_id) or case, False)
    return Opened(store.cases.case(case["case_id"]) or case, True, token)


def _deadline_days(department: Any) -> int:
    if department is None:
        return DEFAULT_DEADLINE_DAYS
    if hasattr(department, "deadline_for"):
        return int(department.deadline_for())
    return int((department.get("deadline_days") or {}).get("default", DEFAULT_DEADLINE_DAYS))


def departments_for(settings: Any, store: Any) -> tuple[list[Any], dict[str, Any]]:
    """The configured departments (with the dashboard's edits) and every department a case may
    go to: those stored by earlier runs and the configured ones (these win), by code; not a
    department removed from the configuration (``heard.answer.retired``)."""
    from heard.answer.operator import configured_departments

    from heard.answer.retired import retired_codes

    configured = configured_departments(settings, store)
    known: dict[str, Any] = {d["code"]: d for d in store.cases.departments()}
    for code in retired_codes(known, [d.code for d in configured]):  # removed from heard.toml
        known.pop(code)
    known.update({d.code: d for d in configured})
    known.pop(workflow.TRIAGE, None)
    return configured, known


def router_for(settings: Any, configured: list[Any], cache: dict[Any, Any] | None = None) -> Any:
    """The deployment's router (``router_model``, else zero-shot over ``configured``), built once
    per department set when ``cache`` is given (zero-shot embeds every department's profile)."""
    from heard.answer.router_io import open_router

    key = (str(settings.router_model), settings.embedder,
           tuple(sorted(repr(d.to_dict()) for d in configured)))  # fmt: skip
    if cache is not None and key in cache:
        return cache[key]
    router = open_router(settings.router_model, configured or None, embedder_spec=settings.embedder)
    if cache is not None:
        cache.clear()  # the departments changed: the old router routes to the old ones
        cache[key] = router
    return router


def open_for_issue(
    store: Any,
    settings: Any,
    issue_id: int,
    *,
    now: datetime,
    role: str,
    actor: str | None,
    department: str | None = None,
    router_cache: dict[Any, Any] | None = None,
) -> Opened:
    """Open (or find) the case of issue ``issue_id`` as it is shown (``NotFoundError`` for an
    unknown, dissolved or below-k issue), routing it with the deployment's router when needed."""
    from heard.read.issues import issue_detail

    issue = issue_detail(store, int(issue_id), settings.min_group_size, messages=50)
    existing = store.cases.case_for_issue(int(issue_id))
    if existing is not None:
        return Opened(existing, False)
    configured, known = departments_for(settings, store)

    def route(text: str) -> Any:
        if not configured and settings.router_model is None:
            raise InputError(
                "the issue's messages have no cases and no departments are configured to "
                "route it by",
                "choose the department, or configure [[departments]] in heard.toml",
                field="department",
            )
        [r] = router_for(settings, configured, router_cache).route([text], [f"issue/{issue_id}"])
        return r

    return open_issue_case(
        store, issue, departments=known, now=now, role=role, actor=actor, chosen=department,
        route=route, zone=ZoneInfo(settings.timezone),
    )  # fmt: skip
