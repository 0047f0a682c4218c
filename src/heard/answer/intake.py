"""Concerns the public files and the closures it disputes — one implementation behind every
intake channel (the public web form, Open311 ``POST requests.json``).

A filed concern is an ordinary post first (it joins topics, issues and hot spots like any other),
then a case with the department the citizen chose, a deadline and a one-time token: the token is
shown once and only its hash is kept. Nothing about the sender (address, e-mail, name) is stored.

A dispute ("closed, not fixed") needs the case's token; it reopens the case and counts against
the department (``heard.answer.cases.reopen``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from heard.answer import cases as workflow
from heard.answer import repeats
from heard.answer.departments import DEFAULT_DEADLINE_DAYS
from heard.answer.repeats import Receipts
from heard.errors import InputError, NotFoundError
from heard.read import cases as cq

MAX_TEXT = 4000
"""Longest concern accepted, in characters (a long letter; a whole file is not a concern)."""
MAX_NOTE = 1000
"""Longest dispute note kept."""


@dataclass(frozen=True)
class Filed:
    case_id: str
    token: str
    """Shown once to the sender; only its hash is stored."""
    deadline_at: datetime
    repeated: bool = False
    """True when this is the receipt of the same concern filed moments before
    (``heard.answer.repeats``): nothing new was stored."""


def deadline_days(department: dict[str, Any]) -> int:
    return int((department.get("deadline_days") or {}).get("default", DEFAULT_DEADLINE_DAYS))


def days_for(departments: Iterable[dict[str, Any]], code: str) -> int:
    """The deadline (working days) of department ``code`` among ``departments`` (its default: a
    case keeps no category); the default deadline for triage or a department not listed."""
    for department in departments:
        if department["code"] == code:
            return deadline_days(department)
    return DEFAULT_DEADLINE_DAYS


def check_text(text: str) -> str:
    text = workflow.one_break(text or "").strip()
    if not workflow.has_visible_text(text):  # NUL, zero-width spaces …: nothing to read
        raise InputError("the concern is empty", "write what happened and where")
    if len(text) > MAX_TEXT:
        raise InputError(
            f"the concern is {len(text)} characters, longer than {MAX_TEXT}",
            "shorten it, or file it in parts",
        )
    return text


def file_concern(
    uploader: Any,
    db: Any,
    *,
    text: str,
    department: dict[str, Any],
    channel: str,
    now: datetime,
    zone: tzinfo | None = None,
    receipts: Receipts | None = None,
    repeat_of: tuple[object, ...] = (),
) -> Filed:
    """Store ``text`` as a post of source ``channel``, open (or take over) its case for
    ``department`` and issue its token. Raises ``InputError`` when the text is refused (nothing
    is stored then). With ``receipts``, a submission that repeats one filed within their window
    (the same channel, department, text and ``repeat_of``: the place and sender the channel
    knows, ``heard.answer.repeats``) gets that one's receipt back while its case is open, and
    nothing new is stored."""
    text = check_text(text)
    with db.write_lock:  # two copies sent together: the second waits, then finds the first
        digest = repeats.key(channel, department["code"], text, *repeat_of)
        if receipts is not None:
            earlier = _still_open(db, receipts.find(digest, now))
            if earlier is not None:
                return earlier
        filed = _file(uploader, db, text, department, channel, now, zone)
        if receipts is not None:
            receipts.keep(digest, repeats.Receipt(filed.case_id, filed.token, now))
    return filed


def _still_open(db: Any, receipt: repeats.Receipt | None) -> Filed | None:
    """The receipt again, when its case is still open: a closed case is not brought back by a
    repeat (it is filed anew), nor is a case that is gone."""
    if receipt is None:
        return None
    case = db.store.cases.case(receipt.case_id)
    if case is None or not workflow.is_open(case["status"]):
        return None
    return Filed(receipt.case_id, receipt.token, case["deadline_at"], repeated=True)


def _file(
    uploader: Any,
    db: Any,
    text: str,
    department: dict[str, Any],
    channel: str,
    now: datetime,
    zone: tzinfo | None,
) -> Filed:
    external = uuid.uuid4().hex[:16]
    post_id = f"{channel}:{external}"
    token, token_hash = workflow.new_public_token()
    code, days = department["code"], deadline_days(department)
    # one hold of the (re-entrant) write lock from the ingest to the hand-over: a notifier scan
    # in between would tell the router's department of a case that is not theirs
    with db.write_lock:
        done = uploader.ingest_json(
            [{"id": external, "text": text, "created_at": now.isoformat() + "Z"}], source=channel
        )
        if not done.get("stored"):
            reasons = ", ".join(done.get("quarantine_reasons", {})) or "not stored"
            raise InputError(f"the concern could not be stored ({reasons})", "check the text")
        store = db.store
        existing = store.cases.case_for_post(post_id)  # the cases operator may have routed it
        if existing is None:
            case, opened = workflow.new_case(
                post_id, now, code, deadline_days=days, confidence=1.0,
                routed_by=f"citizen:{channel}", explanation=None, at=now, role="citizen",
                zone=zone,
            )  # fmt: skip
            case["public_token_hash"] = token_hash
            store.cases.open_cases([case], [opened])
            case_id, deadline = case["case_id"], case["deadline_at"]
        else:
            case_id, deadline = existing["case_id"], existing["deadline_at"]
            # the department is the citizen's choice now, not the router's (its explanation
            # stays: what the router would have suggested)
            changes: dict[str, Any] = {
                "public_token_hash": token_hash,
                "routed_by": f"citizen:{channel}",
                "routed_confidence": 1.0,
            }
            moved_from = None
            if existing["department"] != code:
                deadline = workflow.deadline_after(now, days, zone)
                changes.update(department=code, deadline_at=deadline)
                moved_from = existing["department"]
            event = {"at": now, "kind": "filed", "actor_role": "citizen", "actor": None,
                     "note": f"filed through {channel}", "from_department": moved_from,
                     "to_department": code}  # fmt: skip
            store.cases.update_case(case_id, changes, event)
    db.changed()
    return Filed(case_id, token, deadline)


def token_matches(db: Any, case_id: str, token: str) -> bool:
    if not token or len(token) > 200:
        return False
    return cq.case_id_for_token(db, workflow.hash_token(token)) == case_id


def dispute(
    db: Any,
    case_id: str,
    token: str,
    note: str | None,
    now: datetime,
    departments: Iterable[dict[str, Any]],
    zone: tzinfo | None = None,
) -> None:
    """Reopen the closed case ``case_id`` for the holder of its token, with a fresh deadline of
    its department's (among ``departments``). ``NotFoundError`` when the id and token do not
    belong together (the caller counts it against the sender's address); ``BadValueError`` (an
    ``InputError``) when the reason is longer than ``MAX_NOTE``; ``InputError`` when the case is
    still open."""
    if not token_matches(db, case_id, token):
        raise NotFoundError("no case with this number and token", "copy both from your receipt")
    note = workflow.one_break(note or "").strip()
    if len(note) > MAX_NOTE:  # refused whole: it was cut here, and its end lost unsaid
        raise workflow.BadValueError(
            f"a dispute's reason is at most {MAX_NOTE:,} characters; this one has {len(note):,}",
            "shorten it and send it again",
        )
    note = note or "closed, not fixed"
    with db.write_lock:
        case = db.store.cases.case(case_id)
        if case is None:
            raise NotFoundError(f"no case {case_id!r}")
        if workflow.is_open(case["status"]):
            raise InputError(
                f"the case is {case['status']}: still open",
                "a closure can be disputed once the department closes the case",
            )
        days = days_for(departments, case["department"])
        change = workflow.reopen(
            case, now, deadline_days=days, role="citizen", note=note, dispute=True, zone=zone
        )
        workflow.apply(db.store, change, zone)
    db.changed()
