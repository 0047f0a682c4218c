"""Open311 GeoReport v2: Heard's departments as *services* and its cases as *service requests*.

Pure mapping between Heard's records and the GeoReport v2 field names (http://wiki.open311.org/
GeoReport_v2), so that existing 311 apps and tools can file concerns and follow them:

- a department is a service: ``service_code`` (its code), ``service_name``, ``description``,
  ``metadata`` (false: no extra attributes), ``type`` (``realtime``: a request gets its id at
  once), ``keywords``, ``group``;
- a case is a request: ``service_request_id`` (the case id), ``status`` (``open``/``closed``,
  the projection of FixMyStreet's states), ``status_notes`` (the department's published reply,
  else the current state), ``service_name``, ``service_code``, ``description`` (the concern,
  redacted), ``agency_responsible``, ``requested_datetime``, ``updated_datetime``,
  ``expected_datetime`` (the deadline); ``address``, ``lat``, ``long`` and ``media_url`` are not
  kept (Heard stores no location of a person), so they are empty.

A submitted request becomes an ordinary post (source ``open311``) that joins topics, issues and
hot spots, and a case owned by the service's department. The submitter's name, e-mail and phone
(``first_name``, ``email`` …) are never stored: Heard keeps no per-person data (RIGHTS.md §4);
only a digest of them with the rest of the submission is held in memory for minutes, to know a
retried request (``heard.answer.repeats``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from heard.answer.cases import OPEN_STATES, open311_status
from heard.answer.intake import MAX_TEXT
from heard.protect.detectors.script import is_chinese

SOURCE = "open311"
"""The source of posts filed through Open311 (and the public form)."""
MAX_DESCRIPTION = MAX_TEXT
"""Characters of a request's description (GeoReport leaves it to the server; FixMyStreet: 2000
words)."""
PERSONAL_FIELDS = ("email", "device_id", "account_id", "first_name", "last_name", "phone")
"""GeoReport request fields about the submitter: accepted and dropped, never stored."""


def iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + ("Z" if value.tzinfo is None else "")
    return str(value)


def description_in(description: str, lang: str) -> str:
    """A department's description in ``lang`` where it has one: a configured department's
    Chinese and English descriptions are stored as two lines, and ``services.json?locale=en``
    gave both joined. Lines mostly in Han characters (``is_chinese``) are the Chinese; a
    description with none in the asked language is given whole."""
    lines = [line for line in description.splitlines() if line.strip()]
    mine = [line for line in lines if is_chinese(line) == (lang == "zh")]
    return "\n".join(mine) if mine else description


def service(department: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """One department as a GeoReport service."""
    name = department.get("name_zh") if lang == "zh" else department.get("name_en")
    return {
        "service_code": department["code"],
        "service_name": name or department.get("name_en") or department["code"],
        "description": description_in(department.get("description") or "", lang),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(department.get("keywords") or []),
        "group": "heard",
    }


def service_definition(department: dict[str, Any]) -> dict[str, Any]:
    """A service's definition: no extra attributes beyond the description."""
    return {"service_code": department["code"], "attributes": []}


def request(case: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """One case (as ``heard.read.cases.public_case`` returns it: redacted, a removed post's text
    hidden) as a GeoReport request."""
    dept = case.get("department") or {}
    name = (dept.get("name_zh") if lang == "zh" else dept.get("name_en")) or dept.get("code")
    timeline = case.get("timeline") or []
    updated = timeline[-1]["at"] if timeline else case.get("created_at")
    notes = _status_notes(case)
    return {
        "service_request_id": case["case_id"],
        "status": open311_status(case["status"]),
        "status_notes": notes,
        "service_name": name,
        "service_code": dept.get("code"),
        "description": case.get("text") or "",
        "agency_responsible": name,
        "service_notice": "",
        "requested_datetime": iso(case.get("created_at")),
        "updated_datetime": iso(updated),
        "expected_datetime": iso(case.get("deadline_at"))
        if case["status"] in OPEN_STATES
        else None,
        "address": "",
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _status_notes(case: dict[str, Any]) -> str:
    """Why the request is in its state (GeoReport): the public note of the latest status change,
    or the department's latest published reply when it came after every noted change (a change
    without a note leaves the reply standing); the state itself when there is neither, or when
    the case was reopened after them (the reply is what a dispute said did not fix it: it is no
    longer the answer; ``servicerequestupdates`` keeps it)."""
    reply = case.get("reply")
    state = f"status: {case['status']}"
    moved = False  # a status change without a note came after what is found next
    for e in reversed(case.get("timeline") or []):
        kind = e["kind"]
        if kind in ("reopened", "disputed"):
            what = "disputed: closed, not fixed" if kind == "disputed" else "reopened"
            return f"{state} ({what}, {iso(e['at'])})"
        if kind == "replied":
            return str(reply["text"]) if reply else state
        if kind == "status":
            if e.get("note"):
                return state if moved else str(e["note"])  # a later change outdates it
            moved = True
    return state


def _what_it_did(event: dict[str, Any]) -> str:
    """An update's description when its event has no note: what it did, not its kind."""
    kind = event.get("kind") or ""
    if kind == "reassigned" and event.get("to_department"):
        return f"reassigned to {event['to_department']}"
    if event.get("to_status") and kind in ("status", "reopened", "disputed"):
        return f"status changed to {event['to_status']}"
    return str(kind)


def updates(
    case: dict[str, Any], start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """FixMyStreet-style ``servicerequestupdates``: one entry per event of the case's timeline,
    each with the state the case was in after it (an event that moves no status, such as a
    reassignment, leaves the one before it); with ``start``/``end`` (naive UTC), only the events
    between them, numbered as in the whole timeline."""
    out = []
    state = "open"
    for n, e in enumerate(case.get("timeline") or [], 1):
        state = e.get("to_status") or state
        at = e.get("at")
        if isinstance(at, datetime) and (
            (start is not None and at < start) or (end is not None and at > end)
        ):
            continue
        out.append(
            {
                "update_id": f"{case['case_id']}-{n}",
                "service_request_id": case["case_id"],
                "status": open311_status(state),
                "external_status_code": state,
                "updated_datetime": iso(e.get("at")),
                "description": e.get("note") or _what_it_did(e),
                "media_url": None,
            }
        )
    return out
