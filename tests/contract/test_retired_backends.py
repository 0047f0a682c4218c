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


def test_an_admin_retirement_and_heard_tomls_removal_on_both_backends(open_target):
    """``retire`` (the dashboard's and the API's) and ``settle_edits`` write the same rows on
    DuckDB and PostgreSQL: the edit marked retired, the case moved, the audit entry; an older
    edit of a department heard.toml no longer names is dropped."""
    from heard.answer.department_admin import retire
    from heard.answer.operator import configured_departments
    from heard.answer.retired import settle_edits
    from heard.protect.audit import verify
    from heard.settings import Settings

    store = open_target()
    settings = Settings(db="unused", departments=[{"code": "roads", "name_en": "Roads"}])
    store.cases.save_department_edit({"code": "parks", "name_en": "Parks"}, NOW, "admin")
    store.cases.save_department_edit({"code": "water", "name_en": "Water"}, NOW, "admin")
    store.cases.save_departments([{"code": c, "name_en": c} for c in ("roads", "parks", "water")])
    waiting = _open(store, 1, "parks")
    done = retire(store, settings, "parks", NOW, account="boss", role="admin", via="api")
    assert done["moved"] == [{"case_id": waiting, "from": "parks"}]
    assert store.cases.case(waiting)["department"] == workflow.TRIAGE
    assert [d.code for d in configured_departments(settings, store)] == ["roads", "water"]
    assert verify(store).ok and store.protect.audit_of_kind("department_retired", 5)
    # water was heard.toml's once (its edit marked so), and heard.toml names it no more
    assert settle_edits(store, ["roads", "water"]) == {"marked": ["water"], "dropped": []}
    assert settle_edits(store, ["roads"]) == {"marked": [], "dropped": ["water"]}
    assert [e["code"] for e in store.cases.department_edits()] == ["parks"]
    assert [d.code for d in configured_departments(settings, store)] == ["roads"]
    # parks, retired in the dashboard while heard.toml did not name it: a table written for it
    # since brings it back as heard.toml writes it; one heard.toml names stays retired
    assert settle_edits(store, ["roads", "parks"]) == {"marked": [], "dropped": ["parks"]}
    tables = [{"code": "roads", "name_en": "Roads"}, {"code": "parks", "name_en": "Parks"}]
    settings = Settings(db="unused", departments=tables)
    assert [d.code for d in configured_departments(settings, store)] == ["roads", "parks"]
    retire(store, settings, "roads", NOW, account="boss", role="admin", via="dashboard")
    assert settle_edits(store, ["roads", "parks"]) == {"marked": [], "dropped": []}
    assert [e["code"] for e in store.cases.department_edits()] == ["roads"]
    assert [d.code for d in configured_departments(settings, store)] == ["parks"]
