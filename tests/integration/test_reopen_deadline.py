"""A reopened case gets a fresh deadline: its department's deadline (working days) counted from
the reopening, as 12345 hotlines restart the 办结时限 of a case sent back. Before, a reopened case
kept its original deadline and was overdue the moment it reopened — a citizen's dispute of a
weeks-old closure, or a department reopening its own mistake, made the department "overdue" for
work it had just been given. What the first round did stays counted: the case is ``reopened``
(and ``disputed``), its response time runs from the concern's own time, and the timeline says
which deadline was replaced."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from api_seed import CASE_TOKEN, CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.answer.cases import deadline_after
from heard.api import create_app
from heard.settings import Settings

DEPARTMENT_DAYS = 15  # the seed's departments name no deadline: the default
ZONE = ZoneInfo("Asia/Shanghai")  # the default timezone setting: its working days count


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "answer.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _now() -> datetime:
    """Now to the second, as the API gives times."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _deadline(case: dict) -> datetime:
    return datetime.fromisoformat(case["deadline_at"].rstrip("Z"))


def test_a_disputed_closure_gets_a_fresh_deadline(env):
    client, _ = env
    water = CLOSED_CASE["water"]
    before = client.get(f"/api/v1/public/cases/{water}").json()["case"]
    start = _now()
    disputed = client.post(f"/public/cases/{water}/dispute", data={"token": CASE_TOKEN})
    assert disputed.status_code in (200, 303), disputed.text
    end = _now()
    case = client.get(f"/api/v1/public/cases/{water}").json()["case"]
    assert case["status"] == "open" and case["overdue"] is False
    assert deadline_after(start, DEPARTMENT_DAYS, ZONE) <= _deadline(case)
    assert _deadline(case) <= deadline_after(end, DEPARTMENT_DAYS, ZONE) + timedelta(seconds=1)
    assert before["deadline_at"][:10] in case["timeline"][-1]["note"]  # the one replaced
    record = client.get("/api/v1/public/departments/water").json()["record"]
    assert record["overdue_open"] == 0 and record["open"] == 1
    assert record["reopened"] == 1 and record["disputed"] == 1
    assert record["median_days"] == pytest.approx(1.0)  # from the concern, not the reopening


def test_a_department_reopening_gets_a_fresh_deadline(env):
    client, tokens = env
    bus = CLOSED_CASE["transport"]  # open and past its deadline
    headers = {"Authorization": f"Bearer {tokens['responder']}"}
    url = f"/api/v1/cases/{bus}/status"
    record = client.get("/api/v1/public/departments/transport").json()["record"]
    assert record["overdue_open"] == 1
    assert client.post(url, json={"status": "closed"}, headers=headers).status_code == 200
    start = _now()
    again = client.post(url, json={"status": "open", "note": "误关闭"}, headers=headers)
    assert again.status_code == 200, again.text
    case = client.get(f"/api/v1/public/cases/{bus}").json()["case"]
    assert case["status"] == "open" and case["overdue"] is False
    assert _deadline(case) >= deadline_after(start, DEPARTMENT_DAYS, ZONE)
    assert case["timeline"][-1]["note"].startswith("误关闭")
    record = client.get("/api/v1/public/departments/transport").json()["record"]
    assert record["overdue_open"] == 0 and record["reopened"] == 1
    queue = client.get("/api/v1/cases?overdue=true", headers=headers).json()
    assert bus not in [c["case_id"] for c in queue["cases"]]
