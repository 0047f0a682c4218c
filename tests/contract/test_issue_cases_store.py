"""Migration 18 on both backends (issue 18, item 3): a store made at version 17 with a message's
case upgrades in place — the case kept, ``post_id`` nullable, ``issue_id`` unique when set — and
the cases repository and the read model handle an issue's case with the same SQL on DuckDB and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from heard.answer import cases as workflow

AT = datetime(2026, 12, 7, 9, 0)


def _issue(store: Any) -> None:
    from heard.listen.issues.measure import IssueRecord

    record = IssueRecord(
        "丽发新城", "丽发新城", "搅拌站 噪音", ["搅拌站"], "搅拌站噪音扰民", 54, 50, 31,
        AT.timestamp() - 86400 * 30, AT.timestamp(), 40.0, {"components": {}}, 0.01, True, None,
        0.8, ["s:1", "s:2"], {}, 3,
    )  # fmt: skip
    store.issues.replace([record], AT)


def test_a_store_at_17_upgrades_and_keeps_its_cases(
    open_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import heard.store.duckdb.store as duck
    import heard.store.postgres.store as pg

    for module in (duck, pg):
        monkeypatch.setattr(module, "MIGRATIONS", [m for m in module.MIGRATIONS if m[0] < 18])
    old = open_target()
    assert old.schema_version() == 17
    case, _ = workflow.new_case("s:1", AT, "water", deadline_days=5, confidence=0.9,
                                routed_by="r", explanation=None, at=AT)  # fmt: skip
    # as Heard at version 17 stored it (its columns only)
    old.execute(
        "INSERT INTO cases (case_id, post_id, department, status, created_at, deadline_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [case["case_id"], "s:1", "water", "open", AT, case["deadline_at"]],
    )
    with pytest.raises(Exception):  # at 17 a case needs its post
        old.execute(
            "INSERT INTO cases (case_id, department, status, created_at) "
            "VALUES ('CNONE', 'water', 'open', ?)",
            [AT],
        )
    old.close()
    monkeypatch.undo()

    store = open_target()
    assert store.schema_version() >= 18  # upgraded past the migration that made cases of issues
    kept = store.cases.case(case["case_id"])
    assert kept["post_id"] == "s:1" and kept["issue_id"] is None
    _issue(store)
    made, opened = workflow.new_issue_case(
        3, "parks", deadline_days=5, confidence=0.6, routed_by="issue-messages",
        explanation={"share": 0.6}, at=AT, role="analyst", actor="ana", note="opened from issue 3",
    )  # fmt: skip
    assert store.cases.open_cases([made], [opened]) == 1
    assert store.cases.open_cases([made], [opened]) == 0  # one case per issue
    twin = {**made, "case_id": "CTWIN"}
    assert store.cases.open_cases([twin], [{**opened, "case_id": "CTWIN"}]) == 0
    with pytest.raises(Exception):  # the unique index holds even past the repository
        store.execute(
            "INSERT INTO cases (case_id, department, status, created_at, issue_id) "
            "VALUES ('CRAW', 'parks', 'open', ?, 3)",
            [AT],
        )
    found = store.cases.case_for_issue(3)
    assert found["case_id"] == made["case_id"] and found["post_id"] is None
    assert found["explanation"] == {"share": 0.6}
    assert store.cases.case_for_issue(4) is None
    assert store.cases.concern(made["case_id"]) == {
        "title": "丽发新城 · 搅拌站 噪音",
        "text": "issue 3: 丽发新城 · 搅拌站 噪音 (50 messages)",
    }
    assert [e["kind"] for e in store.cases.events(made["case_id"])] == ["opened"]


def test_the_read_model_shows_issue_cases_on_both_backends(open_target: Any) -> None:
    from heard.read import cases as cq
    from heard.read.issues import cases_of_issues

    store = open_target()
    _issue(store)
    made, opened = workflow.new_issue_case(
        3, "parks", deadline_days=5, confidence=1.0, routed_by="person:admin", explanation=None,
        at=AT, role="admin", actor="root", note="opened from issue 3",
    )  # fmt: skip
    post, post_opened = workflow.new_case("s:1", AT, "water", deadline_days=5, confidence=0.9,
                                          routed_by="r", explanation=None, at=AT)  # fmt: skip
    store.cases.open_cases([made, post], [opened, post_opened])
    workflow.apply(store, workflow.reassign(made, "water", AT, role="admin"))
    assert store.scalar("SELECT count(*) FROM routing_corrections") == 0
    listed = {r["case_id"]: r for r in cq.list_cases(store, now=AT)["cases"]}
    assert listed[made["case_id"]]["subject"] == "issue"
    assert listed[made["case_id"]]["issue"]["label"] == "丽发新城 · 搅拌站 噪音"
    assert listed[post["case_id"]]["subject"] == "message"
    # Open311's comma-delimited service_code: any of several departments, on both backends
    both = cq.list_cases(store, now=AT, departments=("water", "parks"))["cases"]
    assert {r["case_id"] for r in both} == {made["case_id"], post["case_id"]}
    assert cq.list_cases(store, now=AT, departments=("parks",))["total"] == 0
    public = cq.public_case(store, made["case_id"], now=AT)
    assert public["issue"]["messages"] == 50 and "title" not in public["issue"]
    desk = cq.case_detail(store, made["case_id"], now=AT)
    assert desk["issue"]["title"] == "搅拌站噪音扰民" and desk["department"]["code"] == "water"
    assert cases_of_issues(store, [3, 4]) == {
        3: {"case_id": made["case_id"], "department": "water", "status": "open"}
    }
    water = next(d for d in cq.accountability(store, now=AT)["departments"]
                 if d["department"] == "water")  # fmt: skip
    assert water["cases"] == 2
