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

Adding the code back to heard.toml (or in the dashboard) brings the department back into
service; the cases moved to triage stay there until a person assigns them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from heard.answer import cases as workflow

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
    codes = retired_codes(stored_codes(store), configured)
    moved: list[dict[str, str]] = []
    for code in codes:
        for case in store.cases.open_cases_of(code, workflow.OPEN_STATES):
            change = workflow.to_triage(case, now, note=NOTE.format(code=code))
            workflow.apply(store, change)
            moved.append({"case_id": case["case_id"], "from": code})
    return moved
