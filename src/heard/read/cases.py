"""Cases as surfaces show them: the queue, one case with its timeline, each department's record
(accountability) and its replies' quality.

Rights (RIGHTS.md §4, §7, §8): no author key and no account name leaves here (a timeline says
which *role* acted, never who); texts and replies are redacted. k-suppression does not apply: a
department's record is about the department, not about the people who wrote to it, and each case
is one concern already public on its board.

Figures, defined once (the same as ``heard.answer.response_times``): response time = replied_at −
created_at in days; median and p90 = linear interpolation (``percentile_cont``, numpy's default);
a reply dated before its message is left out of them and counted in ``negative_excluded``;
response rate = answered / cases; overdue = open and past its deadline at ``now``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from heard.answer.cases import CLOSED_STATES, OPEN_STATES, TRIAGE, check_state, open311_status
from heard.answer.retired import retired_codes
from heard.clock import to_naive_utc
from heard.errors import NotFoundError
from heard.read import moderation
from heard.read.redact import redact
from heard.store.protocol import Reader
from heard.store.queries import cases as q


def redact_all(value: Any) -> Any:
    """Every string inside ``value`` redacted (reply-quality evidence quotes the message and the
    reply; explanations quote n-grams of the text)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_all(v) for v in value]
    return value


def _names(db: Reader | None) -> dict[str, dict[str, Any]]:
    if db is None or "departments" not in db.tables():
        return {}
    return {r["code"]: r for r in q.departments(db)}


def check_department(db: Reader | None, code: str, configured: Iterable[str] = ()) -> str:
    """``code`` when it names a department (stored, or ``configured`` now) or triage; else a
    ``NotFoundError`` (an ``InputError``: exit 2) listing the codes there are. Every surface
    that filters by department checks here: a mistyped code gave an empty list, as if that
    department had nothing to do."""
    known = set(_names(db)) | set(configured) | {TRIAGE}
    if code not in known:
        raise NotFoundError(
            f"no department {code!r}",
            "use one of: " + ", ".join(sorted(known)) + " (heard departments lists them)",
        )
    return code


def _has_cases(db: Reader | None) -> bool:
    return db is not None and "cases" in db.tables()


def issue_cases_ready(db: Reader | None) -> bool:
    """The store has migration 18 (a case's subject may be an issue): a store opened read-only
    is not migrated, and an older one has no ``cases.issue_id``."""
    return db is not None and q.issue_cases_ready(db)


def issue_subject(r: dict[str, Any], *, public: bool) -> dict[str, Any]:
    """An issue case's subject as displays show it: its place and problem (aggregate terms,
    redacted), how many messages it holds and whether it still forms. The issue's title is a
    message's title: the desk shows it, a public page does not (RIGHTS.md §4, §7)."""
    place, problem = redact(r.get("i_place")), redact(r.get("i_problem"))
    label = " · ".join(x for x in (place, problem) if x)
    out = {
        "issue_id": int(r["issue_id"]),
        "label": label or f"issue {r['issue_id']}",
        "place": place,
        "problem": problem,
        "messages": r.get("i_distinct") if r.get("i_distinct") is not None else r.get("i_messages"),
        "active": r.get("i_status") == "active",
    }
    if not public:
        out["title"] = redact(r.get("i_title"))
    return out


def list_departments(
    db: Reader | None, configured: list[Any] | None = None
) -> list[dict[str, Any]]:
    """Departments stored by earlier runs, with any configured now (these win), and their open
    and total cases. ``retired``: stored but removed from the configuration
    (``heard.answer.retired``): kept for its record, offered to no one. Contacts (webhook,
    e-mail) are not shown: they are for notifications."""
    rows = {
        code: {
            "code": code,
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "description": r["description"],
            "keywords": json.loads(r["keywords"] or "[]"),
            "deadline_days": json.loads(r["deadline_days"] or "{}"),
        }
        for code, r in _names(db).items()
        if code != TRIAGE  # a department stored under the queue's code before it was refused
    }
    for d in configured or []:
        rows[d.code] = {
            "code": d.code,
            "name_zh": d.name_zh,
            "name_en": d.name_en,
            "description": "\n".join(t for t in (d.description_zh, d.description_en) if t),
            "keywords": list(d.keywords),
            "deadline_days": dict(d.deadline_days),
        }
    counts = {}
    if db is not None and _has_cases(db):
        counts = {r["department"]: r for r in q.counts_by_department(db, OPEN_STATES)}
    retired = set(retired_codes(rows, [d.code for d in configured or []]))
    out = []
    for code in sorted(rows):
        c = counts.get(code, {})
        out.append(
            {
                **rows[code], "cases": c.get("cases", 0), "open": c.get("open", 0),
                "retired": code in retired,
            }
        )  # fmt: skip
    if "triage" in counts:
        c = counts["triage"]
        out.append(
            {
                "code": "triage",
                "name_zh": "待分派",
                "name_en": "Triage",
                "description": "cases the router was unsure about: a person assigns them",
                "keywords": [],
                "deadline_days": {},
                "cases": c["cases"],
                "open": c["open"],
                "retired": False,
            }
        )
    return out


def list_cases(
    db: Reader,
    *,
    now: datetime,
    department: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    limit: int | None = 100,
    offset: int = 0,
    statuses: tuple[str, ...] = (),
    departments: tuple[str, ...] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    public: bool = False,
) -> dict[str, Any]:
    """The queue, newest first: one row per case with its title (redacted; hidden where a
    decision says so, ``public`` for a page anyone can open), status, deadline.
    ``statuses``: any of these states; ``departments``: any of these departments;
    ``created_from``/``created_to``: naive-UTC bounds;
    ``offset``: skip that many first (a page)."""
    if not _has_cases(db):
        return {"cases": [], "total": 0}
    f = q.CaseWhere(
        department=department,
        departments=departments,
        status=check_state(status) if status else None,
        overdue_at=to_naive_utc(now) if overdue else None,
        statuses=tuple(check_state(s) for s in statuses),
        created_from=created_from,
        created_to=created_to,
    )
    total = q.case_count(db, f, OPEN_STATES)
    rows = q.queue(db, f, OPEN_STATES, limit, offset)
    current = to_naive_utc(now)
    for r in rows:
        issue = issue_subject(r, public=True) if r["issue_id"] is not None else None
        for key in [k for k in r if k.startswith("i_")]:
            del r[key]
        r["subject"] = "issue" if issue else "message"
        r["issue"] = issue
        # an issue's case is titled by its place and problem, never by one message
        r["title"] = issue["label"] if issue else redact(r["title"])
        head = r.pop("text_head")  # the raw text: only its redacted opening leaves here
        r["concern"] = r["title"] or _opening(head)
        r["open311_status"] = open311_status(r["status"])
        r["overdue"] = (
            r["status"] in OPEN_STATES
            and r["deadline_at"] is not None
            and current > r["deadline_at"]
        )
        if r["response_days"] is not None:
            r["response_days"] = round(r["response_days"], 4)
    # a removed concern's title is shown nowhere (heard.read.moderation), in lists neither
    marked = moderation.apply(
        db,
        [{"id": r.pop("post_id"), "title": r["title"], "text": r["concern"]} for r in rows],
        public=public,
    )
    for r, m in zip(rows, marked):
        r["title"], r["concern"], r["moderation"] = m["title"], m["text"], m["moderation"]
    return {"cases": rows, "total": total}


CONCERN_CHARS = 120
"""How much of an untitled concern a case's row shows (redacted first, then cut)."""


def _opening(text: str | None) -> str | None:
    """The opening of a concern's text for a list: redacted, then cut at ``CONCERN_CHARS`` (the
    query reads 400 characters, so a number cut there is past what is shown)."""
    if not text:
        return None
    shown = (redact(text) or "").strip()
    return shown if len(shown) <= CONCERN_CHARS else shown[:CONCERN_CHARS].rstrip() + "…"


def case_detail(db: Reader, case_id: str, *, now: datetime, public: bool = False) -> dict[str, Any]:
    """One case: the concern (redacted; hidden where a decision says so, ``heard.read.moderation``),
    its department and why, its reply and its timeline."""
    found = case_details(db, [case_id], now=now, public=public)
    if not found:
        raise NotFoundError(f"no case {case_id!r}", "list cases with: heard cases")
    return found[0]


def case_details(
    db: Reader, case_ids: list[str], *, now: datetime, public: bool = False
) -> list[dict[str, Any]]:
    """``case_detail`` of each of ``case_ids`` that exists, in their order, in a fixed number of
    queries (a list of 200 requests made 8 queries per case)."""
    found = {c["case_id"]: c for c in q.cases_by_id(db, case_ids)}
    cases = [found[i] for i in case_ids if i in found]
    if not cases:
        return []
    events = q.timelines(db, list(found))
    names = _names(db)
    posts = moderation.apply(
        db,
        [{"id": c["post_id"], "title": redact(c["title"]), "text": redact(c["text"])}
         for c in found.values() if c["issue_id"] is None],
        public=public,
    )  # fmt: skip
    by_post = {p["id"]: p for p in posts}

    def name(code: str | None) -> dict[str, Any] | None:
        if code is None:
            return None
        n = names.get(code, {})
        return {"code": code, "name_zh": n.get("name_zh"), "name_en": n.get("name_en")}

    def by(code: str | None) -> str:
        return (name(code) or {}).get("name_zh") or "the institution that runs this board"

    out = []
    for c in cases:
        deadline = c["deadline_at"]
        replies = _replies(c, events.get(c["case_id"], []), name, by)
        out.append({
            "case_id": c["case_id"],
            "subject": "issue" if c["issue_id"] is not None else "message",
            "source": c["source"] if c["issue_id"] is None else "issue",
            "status": c["status"],
            "open311_status": open311_status(c["status"]),
            "department": name(c["department"]),
            "routed_by": c["routed_by"],
            "routed_confidence": c["routed_confidence"],
            "explanation": redact_all(json.loads(c["explanation"])) if c["explanation"] else None,
            "created_at": c["created_at"],
            "deadline_at": deadline,
            "overdue": c["status"] in OPEN_STATES
            and deadline is not None
            and to_naive_utc(now) > deadline,
            **_concern(c, by_post.get(c["post_id"]), public),
            "reply": None
            if c["reply_text"] is None
            else {
                "text": redact(c["reply_text"]),
                "department": name(c["reply_department"]),
                "attributed_to": by(c["reply_department"]),
                # the latest reply's own time; the response time runs to the first
                "replied_at": replies[-1]["replied_at"] if replies else c["replied_at"],
                "first_replied_at": c["replied_at"],
                "response_days": None
                if c["response_days"] is None
                else round(c["response_days"], 4),
                "quality": redact_all(json.loads(c["reply_scores"]))
                if c["reply_scores"]
                else None,
            },
            "replies": replies,
            "closed_at": c["closed_at"],
            "reopened_count": c["reopened_count"],
            # notes are free text (a citizen's dispute, a responder's status note): redacted too
            "timeline": [
                {**e, "note": redact(e["note"]) if e["note"] else e["note"]}
                for e in events.get(c["case_id"], [])
            ],
        })  # fmt: skip
    return out


_UNKEPT = "published reply imported from "
"""The note of an import's ``replied`` event before each event kept its reply's text."""


def _replies(
    c: dict[str, Any], events: list[dict[str, Any]], name: Any, by: Any
) -> list[dict[str, Any]]:
    """Every published reply, oldest first, each with its department and time: a ``replied``
    event's note is its reply's text (redacted). A store from before the events kept the text
    has only the latest (the case row's)."""

    def one(text: str | None, code: str | None, at: Any) -> dict[str, Any]:
        return {"text": text, "department": name(code), "attributed_to": by(code),
                "replied_at": at}  # fmt: skip

    out = [
        one(e["note"] if e["note"] and not e["note"].startswith(_UNKEPT) else None,
            e["to_department"], e["at"])
        for e in events
        if e["kind"] == "replied"
    ]  # fmt: skip
    if out and out[-1]["text"] is None:
        out[-1]["text"] = c["reply_text"]  # the latest reply is the row's
    if not out and c["reply_text"] is not None:
        out = [one(c["reply_text"], c["reply_department"], c["replied_at"])]
    return [{**r, "text": redact(r["text"])} for r in out if r["text"] is not None]


def _concern(c: dict[str, Any], post: dict[str, Any] | None, public: bool) -> dict[str, Any]:
    """The case's post as displays show it (``post``: redacted, the decisions in force applied);
    an issue's case shows the issue (its place, problem and message count), never its
    messages."""
    if c["issue_id"] is not None:
        issue = issue_subject(c, public=public)
        count = f" ({issue['messages']} messages)" if issue["messages"] is not None else ""
        return {"post_id": None, "issue": issue, "title": issue["label"],
                "text": f"{issue['label']}{count}", "moderation": None}  # fmt: skip
    post = post or {"title": None, "text": None, "moderation": None}
    return {"post_id": c["post_id"], "issue": None, "title": post["title"], "text": post["text"],
            "moderation": post["moderation"]}  # fmt: skip


def public_cases(db: Reader, case_ids: list[str], *, now: datetime) -> list[dict[str, Any]]:
    """``public_case`` of each of ``case_ids`` that exists, in their order (the Open311 list)."""
    out = case_details(db, case_ids, now=now, public=True)
    for case in out:
        case.pop("explanation", None)
        case.pop("routed_by", None)
    return out


def updated_case_ids(
    db: Reader, start: datetime, end: datetime, limit: int
) -> list[tuple[str, datetime]]:
    """The cases with a timeline event from ``start`` to ``end`` (naive UTC), each with its first
    event's time there, oldest first."""
    return q.updated_cases(db, start, end, limit)


def public_case(db: Reader, case_id: str, *, now: datetime) -> dict[str, Any]:
    """What anyone may see of a case (its public page, ``/api/v1/public/cases/{id}``): the case
    without the router's explanation, which quotes other cases and is for the people who work
    it."""
    case = case_detail(db, case_id, now=now, public=True)
    case.pop("explanation", None)
    case.pop("routed_by", None)
    return case


def department_record(
    db: Reader,
    code: str,
    *,
    now: datetime,
    limit: int = 50,
    configured: list[Any] | None = None,
) -> dict[str, Any]:
    """One department's public record: its figures (as in ``accountability``) and its newest
    cases. A department ``configured`` now (heard.toml, the preset, an admin's edit) has one
    before any run stored it, as ``list_departments`` lists it."""
    names = {d["code"]: d for d in list_departments(db, configured)}
    if code not in names:
        raise NotFoundError(f"no department {code!r}", "see the list at /public/departments")
    record = next(
        (
            d
            for d in accountability(db, now=now, configured=configured)["departments"]
            if d["department"] == code
        ),
        None,
    )
    cases = list_cases(db, now=now, department=code, limit=limit, public=True)
    n = names[code]
    own = next((d for d in configured or [] if d.code == code), None)
    return {
        "department": code,
        "name_zh": n["name_zh"],
        "name_en": n["name_en"],
        "description": n["description"],
        "retired": n["retired"],  # removed from the configuration: offered to no one
        # each language's own, where it is configured (the stored description joins them)
        "description_zh": own.description_zh if own else None,
        "description_en": own.description_en if own else None,
        # its own published numbers (public: a department's, not a person's)
        "phone": list(own.phones) if own else [],
        "record": record,
        "cases": cases["cases"],
        "total": cases["total"],
    }


NO_CASES: dict[str, Any] = {
    "cases": 0, "answered": 0, "median_days": None, "p90_days": None, "mean_days": None,
    "negative_excluded": 0, "open": 0, "overdue_open": 0, "closed_late": 0, "reopened": 0,
    "disputed": 0, "mean_reply_quality": None, "replies_scored": 0, "unanswered_complaints": 0,
}  # fmt: skip
"""The figures of a department that has had no case: zero counts, no medians."""


def accountability(
    db: Reader | None, *, now: datetime, configured: list[Any] | None = None
) -> dict[str, Any]:
    """Each department's public record (and the whole board's, ``department`` None). Every
    department there is (stored by a run, or ``configured`` now) has one, with zero counts and
    null medians while it has had no case: having had nothing to answer is a fact too."""
    current = to_naive_utc(now)
    per: list[dict[str, Any]] = []
    total: dict[str, Any] | None = None
    if db is not None and _has_cases(db):
        per = q.figures_by_department(db, OPEN_STATES, current)  # triage last
        total = q.board_figures(db, OPEN_STATES, current)
    names = {d["code"]: d for d in list_departments(db, configured)}
    seen = {r["department"] for r in per}
    quiet = [{"department": c, **NO_CASES} for c in sorted(names) if c not in seen]
    per = sorted([*per, *quiet], key=lambda r: (r["department"] == TRIAGE, r["department"] or ""))
    if not per and total is None:
        return {"departments": [], "total": None, "now": now, "closed_states": list(CLOSED_STATES)}

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        n = names.get(r["department"] or "", {})
        out = {
            "department": r["department"],
            "name_zh": n.get("name_zh"),
            "name_en": n.get("name_en"),
            # removed from the configuration: its record stays public (heard.answer.retired)
            "retired": bool(n.get("retired")),
            **{k: v for k, v in r.items() if k != "department"},
        }
        out["response_rate"] = round(r["answered"] / r["cases"], 4) if r["cases"] else None
        for key in ("median_days", "p90_days", "mean_days", "mean_reply_quality"):
            if out[key] is not None:
                out[key] = round(float(out[key]), 4)
        return out

    return {
        "departments": [shape(r) for r in per],
        "total": shape(total or {"department": None, **NO_CASES}),
        "now": now,
        "closed_states": list(CLOSED_STATES),
    }


def reply_quality(
    db: Reader, *, department: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Each scored reply (overall and per dimension, with explanations) and each department's
    means."""
    if not _has_cases(db):
        return {"replies": [], "departments": []}
    rows = q.scored_replies(db, department, limit)
    replies: list[Any] = []
    sums: dict[str, Any] = {}
    for r in q.reply_scores(db, department):
        scores = json.loads(r["reply_scores"])
        acc = sums.setdefault(r["department"], {"replies": 0})
        acc["replies"] += 1
        for dim in ("overall", "relevance", "completeness", "interpretability", "timeliness"):
            value = scores.get(dim)
            value = value.get("score") if isinstance(value, dict) else value
            if value is not None:
                acc[dim] = acc.get(dim, 0.0) + value
                acc[f"_{dim}_n"] = acc.get(f"_{dim}_n", 0) + 1
    for r in rows:
        scores = json.loads(r["reply_scores"])
        replies.append(
            {
                "case_id": r["case_id"],
                "department": r["department"],
                "overall": round(r["reply_quality"], 4),
                **redact_all({k: v for k, v in scores.items() if k not in ("id", "overall")}),
            }
        )
    departments = []
    for code in sorted(sums):
        acc = sums[code]
        means = {
            dim: round(acc[dim] / acc[f"_{dim}_n"], 4)
            for dim in ("overall", "relevance", "completeness", "interpretability", "timeliness")
            if f"_{dim}_n" in acc
        }
        departments.append({"department": code, "replies": acc["replies"], **means})
    return {"replies": replies, "departments": departments}


def case_id_for_token(db: Reader, token_hash: str) -> str | None:
    """The case a public token (its hash) belongs to."""
    if not _has_cases(db):
        return None
    found = q.case_id_for_token(db, token_hash)
    return None if found is None else str(found)
