"""Cases: one concern, the department that owns it, its status, deadline, reply and history.

States are FixMyStreet's (the Open311 GeoReport v2 ``status`` is their open/closed projection):

- open ones: ``open``, ``investigating``, ``in_progress``, ``action_scheduled``,
  ``internal_referral`` (passed to another department of the same institution);
- closed ones: ``fixed``, ``closed``, ``duplicate``, ``not_responsible``, ``no_further_action``.

Any open state may move to any other state; a closed case moves only by being *reopened*
(``reopen``: back to ``open``, ``reopened_count`` + 1). A citizen's dispute of a closure is a
reopen whose event kind is ``disputed``: it is counted against the department that closed it.

Replies are written by people and published as the department's (RIGHTS.md §6): ``reply`` takes
the text a responder wrote, or the text an institution published (an import); Heard never writes
one, and a reply carries the department, never a person's name.

The functions here are pure: they take a case (a dict as ``store.cases`` returns it) and the time
(the clock is injected), check the move, and return the changes and the event to store. ``apply``
stores them through ``store.cases`` in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

import numpy as np

from heard.clock import to_naive_utc
from heard.errors import InputError

OPEN_STATES = ("open", "investigating", "in_progress", "action_scheduled", "internal_referral")
CLOSED_STATES = ("fixed", "closed", "duplicate", "not_responsible", "no_further_action")
STATES = OPEN_STATES + CLOSED_STATES
TRIAGE = "triage"
"""The queue of cases the router was unsure about: a person chooses their department."""
ROLES_THAT_ACT = ("system", "import", "responder", "analyst", "moderator", "admin", "citizen")
MAX_REPLY_CHARS = 20_000
MAX_NOTE_CHARS = 2_000
"""A status or reassignment note: a line for the timeline, not a document."""


def open311_status(state: str) -> str:
    """GeoReport v2 ``status``: ``open`` or ``closed``."""
    check_state(state)
    return "closed" if state in CLOSED_STATES else "open"


class BadValueError(InputError):
    """A value no case can take (a status that does not exist, an empty or oversized reply, a
    closing status that does not close): the request is wrong whatever the case's state, so the
    API answers 400, where a valid move the case's state refuses is a 409 (an ``InputError``)."""


def check_state(state: str) -> str:
    if state not in STATES:
        raise BadValueError(f"unknown case status {state!r}", "use one of: " + ", ".join(STATES))
    return state


def check_transition(from_state: str, to_state: str) -> None:
    """Refuse a move the workflow does not allow, saying which ones it does."""
    check_state(from_state)
    check_state(to_state)
    if from_state == to_state:
        raise InputError(f"the case is already {to_state}", "choose another status")
    if from_state in CLOSED_STATES:
        raise InputError(
            f"the case is {from_state} (closed): it cannot move to {to_state}",
            "reopen it first: set its status to open (a closed case moves only by being reopened)",
        )


BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Characters Unicode calls letters or symbols that show nothing: the Hangul fillers and the
blank Braille pattern (a common way to post an "empty" message)."""


def has_visible_text(text: str | None) -> bool:
    """Whether ``text`` has a character that is not a space, control or format character
    (NUL, zero-width spaces, direction marks), a combining mark (alone it sits on nothing) or a
    blank-looking letter (``BLANK_LOOKING``): an invisible text is an empty one."""
    return any(
        unicodedata.category(ch)[0] not in "CZM" and ch not in BLANK_LOOKING for ch in text or ""
    )


def one_break(text: str) -> str:
    """``text`` with every line break as LF: a browser sends a textarea's line breaks as CR LF
    (HTML form submission) after counting each as one character for its ``maxlength``, so a text
    the form allowed is counted, kept and shown as it was typed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_open(state: str) -> bool:
    return check_state(state) in OPEN_STATES


def deadline_after(created_at: datetime, working_days: int, zone: tzinfo | None = None) -> datetime:
    """``working_days`` Monday–Friday days after ``created_at`` (a weekend day counts from the
    next Monday), at the same time of day. Holidays are not modelled. The days are those of
    ``zone``, the institution's time zone (the ``timezone`` setting), for a naive UTC
    ``created_at`` as stored; UTC when ``None``. The time of day is the local clock's, also
    across a change to or from summer time (adding the days in UTC moved it by the hour, and
    a deadline late in the evening past midnight, onto the next day)."""
    if working_days < 0:
        raise InputError(f"deadline of {working_days} days", "give 0 or more working days")
    if zone is None:
        zone = timezone.utc
    utc = created_at if created_at.tzinfo else created_at.replace(tzinfo=timezone.utc)
    local = utc.astimezone(zone)
    day = np.datetime64(local.date(), "D")
    due = np.busday_offset(day, working_days, roll="forward")
    shift = int((due - day).astype(int))
    wall = local.replace(tzinfo=None) + timedelta(days=shift)
    deadline = wall.replace(tzinfo=zone).astimezone(created_at.tzinfo or timezone.utc)
    return deadline if created_at.tzinfo else deadline.replace(tzinfo=None)


def is_overdue(case: dict[str, Any], now: datetime) -> bool:
    """Open and past its deadline."""
    deadline = case.get("deadline_at")
    return (
        is_open(case["status"])
        and deadline is not None
        and to_naive_utc(now) > to_naive_utc(deadline)
    )


def case_id_for(post_id: str) -> str:
    """A short public id derived from the post id (the same post always gives the same case)."""
    return "C" + hashlib.sha256(post_id.encode("utf-8")).hexdigest()[:11].upper()


def case_id_for_issue(issue_id: int) -> str:
    """The case id of an issue's case ("issue/12" has no ``:``, so no post id gives it)."""
    return case_id_for(f"issue/{int(issue_id)}")


def new_public_token() -> tuple[str, str]:
    """(token, its hash): the token is shown once to whoever filed the concern; only the hash is
    stored, and a dispute or a status look-up presents the token."""
    token = secrets.token_urlsafe(18)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    """What one action does to one case: column changes, its event, and (for a reassignment) the
    routing correction the next training uses."""

    case_id: str
    changes: dict[str, Any]
    event: dict[str, Any]
    correction: dict[str, Any] | None = field(default=None)


def check_note(note: str | None) -> None:
    """A status or reassignment note over ``MAX_NOTE_CHARS`` is a bad value (400): the desk
    shows its page again with the note kept to shorten, as it does a reply over its limit."""
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise BadValueError(
            f"the note has {len(note)} characters",
            f"keep it under {MAX_NOTE_CHARS}; a longer answer belongs in the reply",
        )


def _event(
    kind: str, at: datetime, role: str, actor: str | None, note: str | None, **moves: Any
) -> dict[str, Any]:
    if role not in ROLES_THAT_ACT:
        raise InputError(f"unknown actor role {role!r}", "use one of: " + ", ".join(ROLES_THAT_ACT))
    return {"at": at, "kind": kind, "actor_role": role, "actor": actor, "note": note, **moves}


def new_case(
    post_id: str,
    created_at: datetime,
    department: str,
    *,
    deadline_days: int,
    confidence: float | None,
    routed_by: str,
    explanation: dict[str, Any] | None,
    at: datetime,
    role: str = "system",
    zone: tzinfo | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new open case and its ``opened`` event. The deadline runs from the concern's own time,
    in working days of ``zone`` (``deadline_after``)."""
    case_id = case_id_for(post_id)
    case = {
        "case_id": case_id,
        "post_id": post_id,
        "department": department,
        "status": "open",
        "routed_confidence": confidence,
        "routed_by": routed_by,
        "explanation": explanation,
        "created_at": created_at,
        "deadline_at": deadline_after(created_at, deadline_days, zone),
        "reopened_count": 0,
    }
    note = f"routed by {routed_by}" + (f" ({confidence:.2f})" if confidence is not None else "")
    event = _event("opened", at, role, None, note, to_status="open", to_department=department)
    return case, {**event, "case_id": case_id}


def new_issue_case(
    issue_id: int,
    department: str,
    *,
    deadline_days: int,
    confidence: float | None,
    routed_by: str,
    explanation: dict[str, Any] | None,
    at: datetime,
    role: str,
    actor: str | None,
    note: str,
    zone: tzinfo | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new open case about issue ``issue_id`` (no post) and its ``opened`` event, which says
    who opened it. Its deadline runs from ``at``: the issue is handed over now."""
    case, event = new_case(
        f"issue/{int(issue_id)}", at, department, deadline_days=deadline_days,
        confidence=confidence, routed_by=routed_by, explanation=explanation, at=at, role=role,
        zone=zone,
    )  # fmt: skip
    case.update(post_id=None, issue_id=int(issue_id))
    return case, {**event, "actor": actor, "note": f"{note}; {event['note']}"}


def change_status(
    case: dict[str, Any],
    to_state: str,
    at: datetime,
    *,
    role: str,
    actor: str | None = None,
    note: str | None = None,
    reopen_days: int | None = None,
    zone: tzinfo | None = None,
) -> Change:
    """Move the case to ``to_state``; ``open`` on a closed case reopens it, with a fresh deadline
    of ``reopen_days`` working days (the department's deadline: the caller knows it)."""
    check_note(note)
    if to_state == "open" and case["status"] in CLOSED_STATES:  # the department reopens it
        if reopen_days is None:
            raise ValueError("reopening a case needs its department's deadline (reopen_days)")
        return reopen(
            case, at, deadline_days=reopen_days, role=role, actor=actor, note=note, zone=zone
        )
    check_transition(case["status"], to_state)
    changes: dict[str, Any] = {"status": to_state}
    if to_state in CLOSED_STATES:
        changes["closed_at"] = at
    event = _event("status", at, role, actor, note, from_status=case["status"], to_status=to_state)
    return Change(case["case_id"], changes, event)


def reassign(
    case: dict[str, Any],
    department: str,
    at: datetime,
    *,
    role: str,
    actor: str | None = None,
    note: str | None = None,
) -> Change:
    """Move an open case to another department; the move is stored as a routing correction."""
    check_note(note)
    if not is_open(case["status"]):
        raise InputError(f"the case is {case['status']} (closed)", "reopen it before reassigning")
    if department == case["department"]:
        raise InputError(f"the case is already with {department}", "choose another department")
    if department == TRIAGE:
        raise InputError("a case is not reassigned to triage", "reassign it to a department")
    event = _event(
        "reassigned",
        at,
        role,
        actor,
        note,
        from_department=case["department"],
        to_department=department,
    )
    # a message's reassignment teaches the router; an issue's case has no one text to learn
    correction = (
        {"post_id": case["post_id"], "department": department, "at": at, "actor": actor}
        if case.get("post_id") is not None
        else None
    )
    return Change(case["case_id"], {"department": department}, event, correction)


def to_triage(case: dict[str, Any], at: datetime, *, note: str) -> Change:
    """Move an open case back to the triage queue, as the system, with ``note`` saying why (its
    department was removed from the configuration: ``heard.answer.retired``). Stored as a
    ``reassigned`` event, never as a routing correction: the text was not misrouted."""
    if not is_open(case["status"]):
        raise InputError(f"the case is {case['status']} (closed)", "a closed case stays put")
    event = _event(
        "reassigned", at, "system", None, note,
        from_department=case["department"], to_department=TRIAGE,
    )  # fmt: skip
    return Change(case["case_id"], {"department": TRIAGE}, event)


def reply(
    case: dict[str, Any],
    text: str,
    department: str,
    at: datetime,
    *,
    role: str,
    actor: str | None = None,
    close_as: str | None = None,
) -> Change:
    """Publish a reply a person wrote, attributed to ``department`` (never to a person).
    ``close_as`` also closes the case (e.g. ``fixed`` or ``closed``) in the same change.

    Every published reply stays on the record: its text is its ``replied`` event's note (the
    case's timeline), and the case row holds the latest. ``replied_at`` is the *first* reply's
    time, set once: the response time runs to it (a later reply overwrote the earlier one, and
    moved the department's response time with it)."""
    text = one_break(text or "").strip()
    if not has_visible_text(text):
        raise BadValueError("the reply is empty", "write the department's answer to the concern")
    if len(text) > MAX_REPLY_CHARS:
        raise BadValueError(
            f"the reply has {len(text)} characters",
            f"keep it under {MAX_REPLY_CHARS}; link longer documents",
        )
    if department == TRIAGE:
        raise InputError("triage cannot reply", "reassign the case to its department first")
    changes: dict[str, Any] = {
        "reply_text": text,
        "reply_department": department,
        # scores (and their evidence, which quotes the reply) were the replaced reply's
        "reply_quality": None,
        "reply_scores": None,
    }
    if case.get("replied_at") is None:
        changes["replied_at"] = at
    moves: dict[str, Any] = {}
    if close_as is not None:
        check_state(close_as)
        if close_as not in CLOSED_STATES:
            raise BadValueError(
                f"{close_as} is not a closed status", "use one of " + ", ".join(CLOSED_STATES)
            )
        check_transition(case["status"], close_as)
        changes.update(status=close_as, closed_at=at)
        moves = {"from_status": case["status"], "to_status": close_as}
    event = _event("replied", at, role, actor, text, to_department=department, **moves)
    return Change(case["case_id"], changes, event)


def reopen(
    case: dict[str, Any],
    at: datetime,
    *,
    deadline_days: int,
    role: str,
    actor: str | None = None,
    note: str | None = None,
    dispute: bool = False,
    zone: tzinfo | None = None,
) -> Change:
    """Back to ``open``; counted in ``reopened_count``. ``dispute``: a citizen says the closure
    was wrong ("closed, not fixed"): the event kind is ``disputed`` and counts against the
    department.

    The case gets a fresh deadline, ``deadline_days`` working days from the reopening (the
    department's deadline, as 12345 hotlines restart the time limit of a case sent back): kept,
    the old one made a case reopened weeks after its closure overdue at once. The first round
    stays on the record: ``reopened_count``, the event (whose note names the deadline it
    replaces) and the response time, which runs from the concern's own time."""
    if is_open(case["status"]):
        raise InputError(
            f"the case is {case['status']} (still open)", "only a closed case is reopened"
        )
    deadline = deadline_after(to_naive_utc(at), deadline_days, zone)
    changes = {
        "status": "open",
        "closed_at": None,
        "reopened_count": int(case.get("reopened_count") or 0) + 1,
        "deadline_at": deadline,
    }
    moved = f"new deadline {_shown(deadline, zone)}"
    if case.get("deadline_at") is not None:
        moved += f" (was {_shown(case['deadline_at'], zone)})"
    event = _event(
        "disputed" if dispute else "reopened",
        at,
        role,
        actor,
        f"{note} · {moved}" if note else moved,
        from_status=case["status"],
        to_status="open",
    )
    return Change(case["case_id"], changes, event)


def _shown(at: datetime, zone: tzinfo | None) -> str:
    """A time as a stored note says it: in the institution's zone, marked (``2019-04-29 09:00
    +08:00``), as every page shows times; UTC when no zone is given."""
    from heard.clock import local_time

    return local_time(to_naive_utc(at), zone or timezone.utc)


def apply(store: Any, change: Change, zone: tzinfo | None = None) -> None:
    """Store one change: the case row, its event and any correction, together. A reply it
    publishes is scored first (``score_published``; its timeliness on ``zone``'s dates)."""
    with store.transaction():
        if change.changes.get("reply_text"):
            score_published(store, change, zone)
        store.cases.update_case(change.case_id, change.changes, change.event)
        if change.correction is not None:
            c = change.correction
            store.cases.add_correction(c["post_id"], c["department"], c["at"], c["actor"])


def score_published(store: Any, change: Change, zone: tzinfo | None = None) -> None:
    """Score the reply ``change`` publishes as an imported one is scored (``heard.answer.replies``:
    relevance, completeness, interpretability against the concern's title and text; timeliness
    from the concern's time to the first reply), into the change's ``reply_quality`` and
    ``reply_scores``. Before, a reply written in Heard stayed unscored: the case page showed no
    quality and the department's reply-quality figures counted only imported replies. Working
    days are counted on the dates of ``zone``, the institution's time zone (UTC when None), as
    the import counts them; the deadline is the case's own, its department's (as stored: the
    configured departments and the admin's edits are), as when the case was opened."""
    from heard.answer.departments import DEFAULT_DEADLINE_DAYS
    from heard.answer.replies import score_reply
    from heard.answer.replies_types import ReplyQualityConfig, ReplyToScore

    case, concern = store.cases.case(change.case_id), store.cases.concern(change.case_id)
    if case is None or concern is None:
        return
    asked = to_naive_utc(case["created_at"])
    first = change.changes.get("replied_at") or case.get("replied_at")
    answered = to_naive_utc(first) if first is not None else None
    timely = asked is not None and answered is not None and answered >= asked
    code = change.event.get("to_department") or case["department"]
    stored = next((d for d in store.cases.departments() if d["code"] == code), None)
    days = (stored or {}).get("deadline_days") or {}
    deadline = int(days.get("default", DEFAULT_DEADLINE_DAYS))
    quality = score_reply(
        ReplyToScore(
            concern["title"] or "",
            concern["text"],
            change.changes["reply_text"],
            asked if timely else None,
            answered if timely else None,
            change.case_id,
            deadline,
        ),
        config=ReplyQualityConfig(zone=zone or timezone.utc),
    )
    change.changes.update(reply_quality=quality.overall, reply_scores=quality.as_dict())
