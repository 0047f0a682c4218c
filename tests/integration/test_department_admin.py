"""Departments managed in the dashboard (issue 18 §1): an admin adds and edits departments; the
same checks as heard.toml's refuse a bad form with its reason and store nothing; a saved
definition wins over the configured one on the public pages, in Open311's services and in the
ingest's case stage; lower roles cannot reach the pages."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.answer.departments import parse_departments
from heard.answer.operator import CaseStage, configured_departments
from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

PARKS = {
    "code": "parks",
    "name_zh": "园林绿化",
    "name_en": "Parks",
    "description_zh": "公园、绿地、行道树",
    "description_en": "parks, green spaces, street trees",
    "keywords": "公园, 绿地，行道树\ntrees",
    "webhook": "http://127.0.0.1:9/parks",
    "email": "parks@city.example",
    "deadline_days": "default = 10\nconsultation = 3",
}


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "depts.duckdb"
    tokens = build(db)
    settings = Settings(db=db)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, tokens, db


def _admin(tokens) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['admin']}"}


def test_an_admin_adds_a_department_and_everyone_sees_it(env):
    client, tokens, _ = env
    listed = client.get("/admin/departments", headers=_admin(tokens))
    assert listed.status_code == 200 and "/admin/departments/water" in listed.text
    saved = client.post(
        "/admin/departments", data=PARKS, headers=_admin(tokens), follow_redirects=False
    )
    assert saved.status_code == 303, saved.text[:500]
    form = client.get(saved.headers["location"], headers=_admin(tokens))
    assert 'id="dept-saved"' in form.text and "园林绿化" in form.text
    assert "consultation = 3" in form.text and "行道树" in form.text
    assert 'data-department="parks"' in client.get("/public/departments").text
    assert 'value="parks"' in client.get("/public/report").text
    services = client.get("/open311/v2/services.json").json()
    parks = next(s for s in services if s["service_code"] == "parks")
    assert parks["service_name"] in ("园林绿化", "Parks")
    filed = client.post("/public/report", data={"department": "parks", "text": "公园路灯坏了"})
    case_id = re.search(r"/public/cases/(\w+)", filed.text).group(1)
    case = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]
    assert case["department"]["code"] == "parks"


def test_an_edit_wins_over_the_stored_definition(env):
    client, tokens, _ = env
    water = client.get("/admin/departments/water", headers=_admin(tokens))
    assert water.status_code == 200 and 'name="code"' in water.text
    changed = {
        "code": "water", "name_zh": "供水集团", "name_en": "Water company",
        "keywords": "停水, water", "deadline_days": "default = 3",
    }  # fmt: skip
    saved = client.post(
        "/admin/departments", data=changed, headers=_admin(tokens), follow_redirects=False
    )
    assert saved.status_code == 303
    page = client.get("/public/departments/water")
    assert "Water company" in page.text or "供水集团" in page.text


@pytest.mark.parametrize(
    "bad, reason",
    [
        ({"code": "Parks Dept"}, "is not a short lowercase identifier"),
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"webhook": "ftp://x"}, "is not an http(s) URL"),
        ({"name_zh": "", "name_en": ""}, "has no name"),
        ({"deadline_days": "default = soon"}, "deadline line 1"),
        # digits Python's isdigit accepts and int() does not (a superscript): was a 500
        ({"deadline_days": "default = ²"}, "deadline line 1"),
        ({"deadline_days": "default = 10\nconsultation = ¹⁵"}, "deadline line 2"),
        ({"deadline_days": "default = 99999999999999999999"}, "from 1 to 365"),
        # the queue of unsure cases: a department of that code was listed twice by
        # /api/v1/departments and hidden from every public record, its contacts never told
        ({"code": "triage"}, "is reserved"),
    ],
)
def test_a_bad_form_is_refused_with_its_reason(env, bad, reason):
    client, tokens, db = env
    got = client.post("/admin/departments", data={**PARKS, **bad}, headers=_admin(tokens))
    assert got.status_code == 400 and reason in got.text
    assert client.app.state.db.scalar("SELECT count(*) FROM department_edits") == 0


def test_lower_roles_cannot_manage_departments(env):
    client, tokens, _ = env
    for role in ("viewer", "responder", "analyst", "moderator"):
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        assert client.get("/admin/departments", headers=headers).status_code == 403
        assert client.post("/admin/departments", data=PARKS, headers=headers).status_code == 403
    anonymous = client.get("/admin/departments", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_the_case_stage_routes_with_the_edited_departments(tmp_path):
    db = tmp_path / "stage.duckdb"
    configured = parse_departments(
        [{"code": "water", "name_zh": "供水", "name_en": "Water", "keywords": ["停水"]},
         {"code": "transport", "name_zh": "交通", "name_en": "Transport", "keywords": ["公交"]}]
    )  # fmt: skip
    with open_store(db) as store:
        store.cases.save_department_edit(
            {"code": "water", "name_zh": "供水集团", "name_en": "Water company",
             "keywords": ["停水", "水压"], "email": "water@city.example"},
            datetime(2026, 12, 5), "admin",
        )  # fmt: skip
        store.cases.save_department_edit(
            {"code": "parks", "name_zh": "园林", "name_en": "Parks", "keywords": ["公园"]},
            datetime(2026, 12, 5), "admin",
        )  # fmt: skip
        merged = configured_departments(Settings(db=db, departments=[
            {"code": "water", "name_zh": "供水", "name_en": "Water"}]), store)  # fmt: skip
        assert [d.code for d in merged] == ["water", "parks"]
        assert merged[0].name_en == "Water company" and merged[0].email == "water@city.example"
        stage = CaseStage(configured)
        stage.bind(store, recover=False)
        assert set(stage.departments) == {"water", "transport", "parks"}
        assert {d.code for d in stage.router.departments} == {"water", "transport", "parks"}
        assert stage.departments["water"].keywords == ("停水", "水压")
        stored = {d["code"]: d for d in store.cases.departments()}
        assert stored["water"]["name_en"] == "Water company" and "parks" in stored
