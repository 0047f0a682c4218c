"""Every published reply stays on the public record. A second reply overwrote the first: the
earlier answer left the case's page and API, and ``replied_at`` moved to the later reply, so
the department's response time grew (or shrank) with each new reply. Now each reply is kept in
its ``replied`` event (the case's timeline, with its time), the case shows the latest as its reply
and lists them all, and the response time runs to the first."""

from __future__ import annotations

import pytest
from api_seed import CASE_TOKEN, CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

FIRST = "抢修已完成，东湖路已恢复供水。如仍有问题请拨打供水热线。"  # the seed's reply
SECOND = "已再次检修管道，今日起恢复正常供水，电话13812345678。"


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "answer.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def test_a_second_reply_keeps_the_first_on_the_public_record(env):
    client, tokens = env
    water = CLOSED_CASE["water"]
    before = client.get(f"/api/v1/public/cases/{water}").json()["case"]
    first_at = before["reply"]["replied_at"]
    assert client.post(f"/public/cases/{water}/dispute", data={"token": CASE_TOKEN}).status_code
    again = client.post(
        f"/api/v1/cases/{water}/reply",
        json={"text": SECOND, "close_as": "fixed"},
        headers={"Authorization": f"Bearer {tokens['analyst']}"},
    )
    assert again.status_code == 200, again.text
    case = client.get(f"/api/v1/public/cases/{water}").json()["case"]
    assert case["reply"]["text"].startswith("已再次检修") and "13812345678" not in str(case)
    assert case["reply"]["first_replied_at"] == first_at
    assert case["reply"]["replied_at"] > first_at  # the latest reply's own time
    assert case["reply"]["response_days"] == pytest.approx(1.0)  # to the first reply
    texts = [r["text"] for r in case["replies"]]
    assert texts[0] == FIRST and texts[1].startswith("已再次检修"), texts
    assert case["replies"][0]["replied_at"] == first_at
    replied = [e for e in case["timeline"] if e["kind"] == "replied"]
    assert [e["note"][:6] for e in replied] == [FIRST[:6], SECOND[:6]], replied
    record = client.get("/api/v1/public/departments/water").json()["record"]
    assert record["median_days"] == pytest.approx(1.0) and record["answered"] == 1
    page = client.get(f"/public/cases/{water}")
    assert FIRST in page.text and "已再次检修" in page.text and "13812345678" not in page.text
