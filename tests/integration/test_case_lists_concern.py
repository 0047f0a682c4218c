"""A case's row in the desk's queue, a department's public page and GET /api/v1/cases says what
the concern is: its title, or (a post without one: a social post, the public form, Open311)
the opening of its text, redacted and hidden as the concern itself is. Before, every such row
had an empty concern column: a responder saw case numbers only."""

from __future__ import annotations

from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_case_rows_show_the_opening_of_an_untitled_concern(tmp_path):
    db = tmp_path / "rows.duckdb"
    tokens = build(db)
    responder = {"Authorization": f"Bearer {tokens['responder']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        desk = client.get("/desk", headers=responder).text
        row = desk.split(CLOSED_CASE["transport"])[2].split("</tr>")[0]
        assert "Bus 12 is late again this morning" in row
        water = client.get("/public/departments/water").text
        row = water.split(CLOSED_CASE["water"])[2].split("</tr>")[0]
        assert "停水没有通知" in row and "[phone]" in row and "13812345678" not in water
        api = client.get("/api/v1/cases?department=water", headers=responder | {})
        listed = client.get(
            "/api/v1/cases", headers={"Authorization": f"Bearer {tokens['analyst']}"}
        ).json()["cases"]
        water_row = next(c for c in listed if c["case_id"] == CLOSED_CASE["water"])
        assert water_row["title"] is None and water_row["concern"].startswith("停水没有通知")
        assert "13812345678" not in api.text
