"""An admin retires a department, or brings a retired one back (the dashboard and the API).

Before, only removing its table from heard.toml retired a department: one added in the dashboard
could not be retired at all (the dashboard never deletes a department, and heard.toml had nothing
to remove), so it stayed on the public form, among Open311's services and in the router's
choices, and went on being told of new cases. ``retire`` takes one department out of service
whichever way it came (heard.toml, the preset, the dashboard), as heard.toml's removal does
(``heard.answer.retired``): no one is offered it or tells it anything, its open cases wait in
triage with a note, and its public record (page, closed cases, figures) stays, marked retired.

Each retirement and each return to service is written to the audit log (kinds
``department_retired`` and ``department_restored``: the department's code, the account and role
that did it, where, and the cases moved), beside the dashboard edit that holds it (``RETIRED``,
with when and which role). Saving the department's form again (``restore``) is the admin
re-adding it deliberately: it is back in service, the cases moved to triage stay there until a
person assigns them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from heard.answer.cases import TRIAGE
from heard.answer.departments import EDITS_CONFIGURED, RETIRED
from heard.answer.retired import to_triage
from heard.errors import InputError, NotFoundError

NOTE = (
    "department {code!r} was retired by an admin ({via}): the case waits in triage for a person "
    "to assign it to a department in service"
)


def retire(
    store: Any,
    settings: Any,
    code: str,
    now: datetime,
    *,
    account: str,
    role: str,
    via: str,
) -> dict[str, Any]:
    """Take department ``code`` out of service (the module docstring), in one transaction with
    its audit entry. ``NotFoundError`` for a code no department has; ``InputError`` for triage,
    a department retired already, or the last one in service (retiring it would leave a
    concern nowhere to go, and a configuration with no department in service retires none).
    Returns ``{"department", "moved": [{"case_id", "from"}], "audit_seq"}``."""
    from heard.answer.operator import configured_departments, file_departments
    from heard.protect import audit

    if code == TRIAGE:
        raise InputError(
            "triage is the queue of cases waiting for a department, not a department",
            "retire a department by its code: heard departments lists them",
        )
    with store.transaction():
        in_service = configured_departments(settings, store)
        found = next((d for d in in_service if d.code == code), None)
        if found is None:
            if code in {d["code"] for d in store.cases.departments()}:
                raise InputError(
                    f"department {code!r} is retired already",
                    "to bring it back, save its form in the dashboard (/admin/departments)",
                )
            raise NotFoundError(f"no department {code!r}", "heard departments lists them")
        if len(in_service) == 1:
            raise InputError(
                f"{code!r} is the last department in service: a concern would have nowhere to go",
                "add the department that takes its concerns first, then retire this one",
            )
        in_file = code in {d.code for d in file_departments(settings)}
        definition = {**found.to_dict(), EDITS_CONFIGURED: in_file, RETIRED: True}
        store.cases.save_department_edit(definition, now, role)
        moved = to_triage(store, code, now, NOTE.format(code=code, via=via))
        payload = {"by": account, "role": role, "via": via, "moved": len(moved)}
        entry = audit.append(store, "department_retired", code, payload, now)
    return {"department": code, "moved": moved, "audit_seq": entry["seq"]}


def was_retired(store: Any, settings: Any, code: str) -> bool:
    """Whether ``code`` is a stored department out of service now (retired by heard.toml's
    removal or by an admin)."""
    from heard.answer.operator import configured_departments

    if code not in {d["code"] for d in store.cases.departments()}:
        return False
    return code not in {d.code for d in configured_departments(settings, store)}


def restored(store: Any, code: str, now: datetime, *, account: str, role: str, via: str) -> None:
    """Write the audit entry of a retired department brought back into service (its form saved
    again: the caller stores the edit, in the same transaction)."""
    from heard.protect import audit

    payload = {"by": account, "role": role, "via": via}
    audit.append(store, "department_restored", code, payload, now)
