"""Departments removed from the configuration ("retired"), and what becomes of their cases.

Every department a run configured is stored (``store.cases.save_departments``) and stays stored:
its cases, its public record and its figures keep it. A stored department is *retired* when the
configuration names departments (``[[departments]]`` in heard.toml, the preset, or departments
edited or added in the dashboard) and it is not one of them any more. A retired department:

- is told nothing: no webhook or e-mail is sent to the contacts stored for it, and its pending
  notifications are closed unsent (``heard.answer.notifications``, reason ``retired``);
- is offered to no one: not on the public form, not among Open311's services, not as a target
  of a reassignment or of an issue's case;
- keeps its public record: its page, its closed cases and its figures, marked ``retired``;
- hands its open cases to the triage queue, where a person assigns them to a department in
  service. Each move is a ``reassigned`` event by the system whose note names the removed
  department (``retire_removed``), so the case's timeline says where it went and why.

A configuration that names no departments (a trained router alone, or listening only) retires
nothing: the stored departments are then the ones in effect.

An admin also retires a department in the dashboard or the API (one heard.toml configures, or
one the dashboard added): ``heard.answer.department_admin.retire`` stores the retirement as the
department's dashboard edit (``RETIRED``), writes it to the audit log and moves its open cases to
triage at once, each with a note naming who (the role) retired it.

heard.toml's removal wins over the dashboard's edits made before it (``settle_edits``, at every
start of the server and every ingest): an edit of a department heard.toml configures is marked so
(also an edit saved before edits were marked, or a department the dashboard added and heard.toml
took over since); when its table goes, the department is retired, edited or not, and the edit is
dropped — written again later, the table is in force as written, not the old edit. Likewise a
table written for a department an admin retired while heard.toml did not name it brings it back
(an admin retiring one heard.toml names keeps it retired, the table notwithstanding).

Adding the code back to heard.toml, or saving the department's form in the dashboard (the admin
re-adding it deliberately), brings the department back into service; the cases moved to triage
stay there until a person assigns them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from heard.answer import cases as workflow
from heard.answer.departments import EDITS_CONFIGURED, RETIRED

log = logging.getLogger(__name__)

NOTE = (
    "department {code!r} was removed from the configuration (heard.toml): the case waits in "
    "triage for a person to assign it to a department in service"
)


def retired_codes(stored: Iterable[str], configured: Iterable[str]) -> list[str]:
    """The stored department codes that are retired: not ``configured`` while some are."""
    current = set(configured)
    if not current:
        return []
    return sorted({c for c in stored if c not in current and c != workflow.TRIAGE})


def stored_codes(store: Any) -> list[str]:
    """The codes of every department a run stored (none when the store has no departments)."""
    if getattr(store, "cases", None) is None or "departments" not in store.tables():
        return []
    return [d["code"] for d in store.cases.departments()]


def retire_removed(store: Any, configured: Iterable[str], now: datetime) -> list[dict[str, str]]:
    """Move the open cases of retired departments to triage (see the module docstring); returns
    ``[{"case_id", "from"}]``, one per case moved. Idempotent: a second call moves nothing."""
    moved: list[dict[str, str]] = []
    for code in retired_codes(stored_codes(store), configured):
        moved += to_triage(store, code, now, NOTE.format(code=code))
    return moved


def to_triage(store: Any, code: str, now: datetime, note: str) -> list[dict[str, str]]:
    """Move the open cases of department ``code`` to triage, each with ``note``."""
    moved: list[dict[str, str]] = []
    for case in store.cases.open_cases_of(code, workflow.OPEN_STATES):
        workflow.apply(store, workflow.to_triage(case, now, note=note))
        moved.append({"case_id": case["case_id"], "from": code})
    return moved


def settle_edits(store: Any, in_file: Iterable[str]) -> dict[str, list[str]]:
    """Make heard.toml's removal of a department win over the dashboard's earlier edits of it
        (the module docstring): mark each edit of a code heard.toml (or the preset) configures now
        (``in_file``) as an edit of heard.toml's department, and drop each so marked whose code it
        configures no more; a department an admin retired while heard.toml did not name it, which
    heard.toml names now (its table written since), comes back as heard.toml writes it (its edit is
    dropped). Returns ``{"marked": [...], "dropped": [...]}``, codes."""
    codes = set(in_file)
    done: dict[str, list[str]] = {"marked": [], "dropped": []}
    if getattr(store, "cases", None) is None or "department_edits" not in store.tables():
        return done
    with store.transaction():
        for edit in store.cases.department_edits():
            code = str(edit.get("code"))
            if code in codes and not edit.get(EDITS_CONFIGURED) and edit.get(RETIRED):
                # retired in the dashboard when heard.toml did not name it; heard.toml names it
                # now: its table, written since, brings the department back as written
                store.cases.drop_department_edit(code)
                done["dropped"].append(code)
            elif code in codes and not edit.get(EDITS_CONFIGURED):
                store.cases.replace_department_edit({**edit, EDITS_CONFIGURED: True})
                done["marked"].append(code)
            elif code not in codes and edit.get(EDITS_CONFIGURED):
                store.cases.drop_department_edit(code)
                done["dropped"].append(code)
    for code in done["dropped"]:
        if code in codes:
            log.warning(
                "department %r, retired in the dashboard, is in heard.toml now: back in service "
                "as heard.toml writes it",
                code,
            )
        else:
            log.warning(
                "department %r was removed from heard.toml: its dashboard edit is dropped and "
                "the department retired (save its form in the dashboard to bring it back)",
                code,
            )
    return done
