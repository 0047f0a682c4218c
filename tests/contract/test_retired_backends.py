"""A department removed from the configuration (``heard.answer.retired``) hands its open cases to
triage the same way on DuckDB and PostgreSQL: ``store.cases.open_cases_of`` finds them, each
move is a ``reassigned`` event naming the department, a closed case stays where it is, and a
second call moves nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from heard.answer import cases as workflow
from heard.answer.retired import retire_removed
from heard.records import Post

NOW = datetime(2026, 3, 2, 9, 0)


def _open(store, n: int, department: str) -> str:
    post = Post(id=f"s:{n}", source="s", external_id=str(n), text="停水了", created_at=NOW)
    store.write_batch([post], {}, {})
    case, event = workflow.new_case(
        post.id, NOW, department, deadline_days=5, confidence=0.9, routed_by="test",
        explanation=None, at=NOW,
    )  # fmt: skip
    store.cases.open_cases([case], [event])
    return str(case["case_id"])


def test_a_removed_departments_open_cases_go_to_triage(open_target):
    store = open_target()
    store.cases.save_departments([{"code": c, "name_en": c.title()} for c in ("water", "roads")])
    waiting, done, kept = (
        _open(store, 1, "water"),
        _open(store, 2, "water"),
        _open(store, 3, "roads"),
    )
    closing = workflow.change_status(
        store.cases.case(done), "fixed", NOW + timedelta(hours=1), role="responder"
    )
    workflow.apply(store, closing)
    assert [c["case_id"] for c in store.cases.open_cases_of("water", workflow.OPEN_STATES)] == [
        waiting
    ]
    moved = retire_removed(store, ["roads"], NOW + timedelta(hours=2))
    assert moved == [{"case_id": waiting, "from": "water"}]
    assert store.cases.case(waiting)["department"] == "triage"
    assert store.cases.case(done)["department"] == "water"  # closed: its record stays
    assert store.cases.case(kept)["department"] == "roads"
    event = store.cases.events(waiting)[-1]
    assert (event["kind"], event["from_department"], event["to_department"]) == (
        "reassigned", "water", "triage",
    )  # fmt: skip
    assert retire_removed(store, ["roads"], NOW + timedelta(hours=3)) == []
    assert retire_removed(store, [], NOW + timedelta(hours=3)) == []  # none configured: none
