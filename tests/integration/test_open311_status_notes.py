"""GeoReport's ``status_notes`` explains the current status: when a department changed the
status with a public note (and published no reply after it), that note. It read "status:
fixed" while the note ("灯已修好") was only in servicerequestupdates."""

from __future__ import annotations

from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_status_notes_carry_the_departments_note(tmp_path):
    db = tmp_path / "notes.duckdb"
    tokens = build(db)
    responder = {"Authorization": f"Bearer {tokens['responder']}"}
    bus = CLOSED_CASE["transport"]
    with TestClient(create_app(Settings(db=db))) as client:
        url = f"/open311/v2/requests/{bus}.json"
        assert client.get(url).json()[0]["status_notes"] == "status: open"
        moved = client.post(
            f"/api/v1/cases/{bus}/status",
            json={"status": "in_progress", "note": "已派车，联系我13812345678"},
            headers=responder,
        )
        assert moved.status_code == 200, moved.text
        notes = client.get(url).json()[0]["status_notes"]
        assert notes == "已派车，联系我[phone]", notes  # redacted as every public text
        client.post(f"/api/v1/cases/{bus}/status", json={"status": "fixed"}, headers=responder)
        assert client.get(url).json()[0]["status_notes"] == "status: fixed"  # no note: the state
        # a case answered with a reply: the reply is its notes
        water = CLOSED_CASE["water"]
        assert (
            client.get(f"/open311/v2/requests/{water}.json")
            .json()[0]["status_notes"]
            .startswith("抢修已完成")
        )
