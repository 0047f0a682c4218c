"""Migration 20 on both backends: a store made at version 19 upgrades in place. Its checkpoints
gain ``read_mark`` (NULL for those written before: they resume as they did); its cases gain
``late_closures``, counted from each case's current closure, so the "closed late" figure covers
cases closed before the upgrade; and the figure then counts a late closure that was reopened and
closed again on time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from heard.answer import cases as workflow
from heard.answer.cases import OPEN_STATES
from heard.store.queries.cases import figures_by_department

AT = datetime(2026, 3, 2, 9, 0)


def _case(post: str) -> dict[str, Any]:
    case, _ = workflow.new_case(post, AT, "water", deadline_days=5, confidence=0.9,
                                routed_by="r", explanation=None, at=AT)  # fmt: skip
    return case


def test_a_store_at_19_upgrades_to_20(open_target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import heard.store.duckdb.store as duck
    import heard.store.postgres.store as pg

    for module in (duck, pg):
        monkeypatch.setattr(module, "MIGRATIONS", [m for m in module.MIGRATIONS if m[0] < 20])
    old = open_target()
    assert old.schema_version() == 19
    late, on_time, still_open = _case("s:1"), _case("s:2"), _case("s:3")
    for case, status, closed in (
        (late, "closed", late["deadline_at"] + timedelta(days=3)),
        (on_time, "fixed", AT + timedelta(days=1)),
        (still_open, "open", None),
    ):  # as Heard at version 19 stored them
        old.execute(
            "INSERT INTO cases (case_id, post_id, department, status, created_at, deadline_at, "
            "closed_at) VALUES (?, ?, 'water', ?, ?, ?, ?)",
            [case["case_id"], case["post_id"], status, AT, case["deadline_at"], closed],
        )
    old.execute("INSERT INTO checkpoints VALUES ('s|k', 'f.csv', 9, ?)", [AT])
    old.close()
    monkeypatch.undo()

    store = open_target()
    assert store.schema_version() >= 20
    assert (store.checkpoint("s|k"), store.checkpoint_mark("s|k")) == (9, None)
    late_closures = {
        r["case_id"]: r["late_closures"]
        for r in store.rows("SELECT case_id, late_closures FROM cases")
    }
    assert late_closures == {late["case_id"]: 1, on_time["case_id"]: 0, still_open["case_id"]: 0}
    now = AT + timedelta(days=60)
    [water] = figures_by_department(store, OPEN_STATES, now)
    assert water["closed_late"] == 1 and water["overdue_open"] == 1

    # the late one reopened and closed again at once: still counted (once)
    stored = store.cases.case(late["case_id"])
    workflow.apply(store, workflow.reopen(stored, now, deadline_days=5, role="responder"))
    again = store.cases.case(late["case_id"])
    workflow.apply(store, workflow.change_status(again, "fixed", now, role="responder"))
    [water] = figures_by_department(store, OPEN_STATES, now)
    assert water["closed_late"] == 1
    # the one still open, closed past its deadline: now counted too
    stored = store.cases.case(still_open["case_id"])
    workflow.apply(store, workflow.change_status(stored, "fixed", now, role="responder"))
    [water] = figures_by_department(store, OPEN_STATES, now)
    assert water["closed_late"] == 2
    assert store.cases.case(still_open["case_id"])["late_closures"] == 1
