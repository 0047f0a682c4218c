"""A department configured now (heard.toml, the preset, an admin's edit) but not yet stored by a
run is a department on every surface: the public list links to its page, the page and the API
answer for it, the desk's filter offers it, and a case can be moved to it. Before, the list
linked to a 404 (every department of a fresh deployment did) and the API's list left it out;
a case filed to one showed its code instead of its name, and every timeline began "None →"."""

from __future__ import annotations

import re

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

PARKS = {
    "code": "parks",
    "name_zh": "园林绿化",
    "name_en": "Parks",
    "description_en": "parks, trees, green spaces",
    "keywords": ["公园", "park"],
}


def test_a_configured_department_has_its_page_and_api_record(tmp_path):
    db = tmp_path / "configured.duckdb"
    tokens = build(db)
    # the seed's departments stay configured: one left out would be retired (heard.answer.retired)
    seeded = [{"code": c, "name_en": c.title()} for c in ("transport", "water")]
    settings = Settings(db=db, departments=[*seeded, PARKS])
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        listing = client.get("/public/departments")
        assert listing.status_code == 200
        assert 'href="/public/departments/parks"' in listing.text
        page = client.get("/public/departments/parks", headers={"Accept": "text/html"})
        assert page.status_code == 200, page.text[:300]
        assert "园林绿化" in page.text or "Parks" in page.text
        api = client.get("/api/v1/public/departments/parks")
        assert api.status_code == 200 and api.json()["name_en"] == "Parks"
        assert api.json()["total"] == 0
        codes = {d["code"] for d in client.get("/api/v1/departments").json()["departments"]}
        assert "parks" in codes
        assert client.get("/public/departments/nope").status_code == 404
        desk = client.get("/desk", headers={"Authorization": f"Bearer {tokens['analyst']}"})
        assert desk.status_code == 200 and '<option value="parks"' in desk.text
        transport = client.get(
            "/api/v1/cases?department=transport",
            headers={"Authorization": f"Bearer {tokens['analyst']}"},
        ).json()["cases"][0]["case_id"]
        moved = client.post(
            f"/api/v1/cases/{transport}/reassign",
            json={"department": "parks", "note": "a tree fell on the stop"},
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
        assert moved.status_code == 200, moved.text
        after = client.get("/api/v1/public/departments/parks").json()
        assert after["total"] == 1


def test_a_case_of_a_configured_department_shows_its_name(tmp_path):
    db = tmp_path / "named.duckdb"
    build(db)
    settings = Settings(db=db, departments=[PARKS])
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        filed = client.post(
            "/public/report", data={"department": "parks", "text": "东湖公园的树倒了，挡住了路"}
        )
        assert filed.status_code == 200, filed.text[:300]
        case_id = re.search(r"/public/cases/(\w+)", filed.text).group(1)
        page = client.get(f"/public/cases/{case_id}", headers={"Cookie": "heard_lang=zh"})
        assert re.search(r'id="case-department">园林绿化<', page.text), page.text[:2000]
        timeline = page.text[page.text.index('id="timeline"') :]
        assert "None" not in timeline
        api = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]
        assert api["department"]["name_en"] == "Parks"


def test_a_departments_page_gives_its_description_in_the_readers_language(tmp_path):
    db = tmp_path / "described.duckdb"
    build(db)
    parks = {**PARKS, "description_zh": "公园、树木与绿地"}
    with TestClient(create_app(Settings(db=db, departments=[parks]))) as client:
        zh = client.get("/public/departments/parks", headers={"Cookie": "heard_lang=zh"}).text
        en = client.get("/public/departments/parks").text
    assert "公园、树木与绿地" in zh and "parks, trees, green spaces" not in zh
    assert "parks, trees, green spaces" in en and "公园、树木与绿地" not in en
