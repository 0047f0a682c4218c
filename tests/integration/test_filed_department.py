"""A concern filed to a department (Open311, the public form) on a server that routes every new
post (``answer_cases``) is that department's by the citizen's choice. The pipeline routed the
post first and the filing took the case over, but the case kept the router's ``routed_by`` and
confidence: a case the citizen sent to 卫生计生 read "heard-zero-shot · confidence 0.99" on the
desk, and its timeline's move away from the router's department had no ``from_department``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

TEXT = "公交车站牌倒了，路口红绿灯也坏了，公交车进不了站"


def test_a_filed_concern_is_the_citizens_choice(tmp_path):
    db = tmp_path / "filed.duckdb"
    open_store(db).close()
    settings = Settings(db=str(db), department_preset="teddycup", answer_cases=True)
    with TestClient(create_app(settings)) as client:
        filed = client.post(
            "/open311/v2/requests.json",
            data={"service_code": "health_family_planning", "description": TEXT},
        )
        assert filed.status_code == 200, filed.text
        case_id = filed.json()[0]["service_request_id"]
        store = client.app.state.db.store
        case = store.cases.case(case_id)
        events = store.cases.events(case_id)
    assert case["department"] == "health_family_planning"
    assert case["routed_by"] == "citizen:open311" and case["routed_confidence"] == 1.0
    routed = events[0]["to_department"]  # where the router put it before the filing
    filing = events[-1]
    assert filing["kind"] == "filed" and filing["to_department"] == "health_family_planning"
    if routed != "health_family_planning":
        assert filing["from_department"] == routed
