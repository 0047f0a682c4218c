"""The cases repository on a real DuckDB file: migration 10, opening cases once, a change and its
event together, corrections as training data."""

from __future__ import annotations

from datetime import datetime, timezone

from heard.records import Post
from heard.store import open_store

T0 = datetime(2019, 4, 25, 1, 32, tzinfo=timezone.utc)


def _case(post_id: str, case_id: str, department: str = "transport") -> dict:
    return {
        "case_id": case_id,
        "post_id": post_id,
        "department": department,
        "status": "open",
        "routed_confidence": 0.8,
        "routed_by": "test",
        "explanation": {"terms": []},
        "created_at": T0,
        "deadline_at": T0,
    }


def _event(case_id: str) -> dict:
    return {
        "case_id": case_id,
        "at": T0,
        "kind": "opened",
        "to_status": "open",
        "to_department": "transport",
        "actor_role": "system",
    }


def test_migration_creates_the_answer_tables(tmp_path):
    with open_store(tmp_path / "h.duckdb") as store:
        assert {"departments", "cases", "case_events", "routing_corrections"} <= store.tables()
        assert store.schema_version() >= 10
        assert {"public_token_hash", "reopened_count"} <= set(store.columns("cases"))


def test_open_cases_once_and_update_with_its_event(tmp_path):
    with open_store(tmp_path / "h.duckdb") as store:
        assert (
            store.cases.open_cases(
                [_case("s:1", "C1"), _case("s:2", "C2")], [_event("C1"), _event("C2")]
            )
            == 2
        )
        # the same post again, under another case id: nothing is opened twice
        assert store.cases.open_cases([_case("s:1", "C9")], [_event("C9")]) == 0
        assert store.scalar("SELECT count(*) FROM case_events") == 2
        store.cases.update_case(
            "C1",
            {"status": "investigating"},
            {
                "at": T0,
                "kind": "status",
                "from_status": "open",
                "to_status": "investigating",
                "actor_role": "responder",
                "actor": "alice",
            },
        )
        assert store.cases.case("C1")["status"] == "investigating"
        assert store.cases.case("C1")["explanation"] == {"terms": []}
        assert [e["kind"] for e in store.cases.events("C1")] == ["opened", "status"]
        assert store.cases.case_for_post("s:2")["case_id"] == "C2"
        assert store.cases.case("nope") is None


def test_a_failed_update_leaves_no_event(tmp_path):
    with open_store(tmp_path / "h.duckdb") as store:
        store.cases.open_cases([_case("s:1", "C1")], [_event("C1")])
        try:
            store.cases.update_case("C1", {"status": "fixed"}, {"at": T0})  # event lacks kind
        except Exception:
            pass
        assert store.cases.case("C1")["status"] == "open"
        assert store.scalar("SELECT count(*) FROM case_events") == 1


def test_corrections_and_source_labels_are_training_rows(tmp_path):
    with open_store(tmp_path / "h.duckdb") as store:
        posts = [
            Post(
                id=f"s:{i}",
                source="s",
                external_id=str(i),
                text=f"text {i}",
                created_at=T0,
                title=f"title {i}",
            )
            for i in range(3)
        ]
        store.write_batch(posts, {}, {})
        labelled = {**_case("s:0", "C0", "health"), "routed_by": "source:一级标签"}
        store.cases.open_cases([labelled, _case("s:1", "C1"), _case("s:2", "C2")], [])
        store.cases.add_correction("s:1", "education", T0, "alice")
        store.cases.add_correction("s:1", "health", datetime(2020, 1, 1), "bob")  # latest wins
        rows = store.cases.training_rows()
        assert [(r["id"], r["department"], r["corrected"]) for r in rows] == [
            ("s:0", "health", False),
            ("s:1", "health", True),
        ]  # s:2 was routed: not training data
        assert [r["id"] for r in store.cases.posts_without_case(10)] == []


def test_departments_round_trip(tmp_path):
    with open_store(tmp_path / "h.duckdb") as store:
        store.cases.save_departments(
            [
                {
                    "code": "transport",
                    "name_zh": "交通运输",
                    "name_en": "Transport",
                    "keywords": ["公交"],
                    "deadline_days": {"default": 10},
                }
            ]
        )
        [d] = store.cases.departments()
        assert d["keywords"] == ["公交"] and d["deadline_days"] == {"default": 10}


def test_apply_stores_the_change_its_event_and_the_correction(tmp_path):
    from heard.answer import cases as workflow

    with open_store(tmp_path / "h.duckdb") as store:
        case, event = workflow.new_case(
            "s:1",
            T0,
            "transport",
            deadline_days=15,
            confidence=0.4,
            routed_by="m",
            explanation=None,
            at=T0,
        )
        store.cases.open_cases([case], [event])
        stored = store.cases.case(case["case_id"])
        workflow.apply(
            store, workflow.reassign(stored, "health", T0, role="responder", actor="alice")
        )
        stored = store.cases.case(case["case_id"])
        workflow.apply(
            store,
            workflow.reply(
                stored, "已处理", "health", T0, role="responder", actor="alice", close_as="fixed"
            ),
        )
        workflow.apply(
            store,
            workflow.reopen(
                store.cases.case(case["case_id"]),
                T0,
                deadline_days=15,
                role="citizen",
                dispute=True,
            ),  # fmt: skip
        )
        final = store.cases.case(case["case_id"])
        assert (final["department"], final["status"], final["reopened_count"]) == (
            "health",
            "open",
            1,
        )
        assert final["reply_department"] == "health" and final["closed_at"] is None
        kinds = [e["kind"] for e in store.cases.events(case["case_id"])]
        assert kinds == ["opened", "reassigned", "replied", "disputed"]
        assert store.rows("SELECT post_id, department, actor FROM routing_corrections") == [
            {"post_id": "s:1", "department": "health", "actor": "alice"}
        ]


def test_a_responder_is_tied_to_one_department(tmp_path):
    from heard.auth import Accounts, Role
    from heard.auth.roles import may_work_case
    from heard.errors import InputError

    with open_store(tmp_path / "h.duckdb") as store:
        accounts = Accounts(store)
        accounts.add_user("ana", "long-enough-pw", Role.responder, "transport")
        assert accounts.department_of("ana") == "transport"
        assert accounts.get_user("ana").role == Role.responder
        assert [u["department"] for u in accounts.list_users()] == ["transport"]
        try:
            accounts.add_user("bob", "long-enough-pw", Role.responder)
            raise AssertionError("a responder without a department was accepted")
        except InputError as exc:
            assert "--department" in exc.fix
        try:
            accounts.add_user("cy", "long-enough-pw", Role.analyst, "transport")
            raise AssertionError("an analyst tied to a department was accepted")
        except InputError as exc:
            assert "only a responder" in exc.what
    assert Role.viewer < Role.responder < Role.analyst < Role.admin
    assert may_work_case(Role.responder, "transport", "transport")
    assert not may_work_case(Role.responder, "transport", "health")
    assert not may_work_case(Role.responder, "transport", "triage")
    assert may_work_case(Role.analyst, None, "triage") and may_work_case(Role.admin, None, "health")
    assert not may_work_case(Role.viewer, None, "transport")
