"""An admin retires a department in the dashboard or the API, whichever way it came; heard.toml's
removal of a department wins over the dashboard's older edits of it. Before, a department added
in the dashboard could not be retired at all (it stayed on the public form, among Open311's
services and in the router's choices), and a dashboard edit saved before edits were marked, or
a dashboard department heard.toml had taken over since, kept a department removed from
heard.toml in service. A real heard.toml edited between runs of the real app."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import load_settings
from heard.store import open_store

WATER = '[[departments]]\ncode = "water"\nname_en = "{name}"\nkeywords = ["停水"]\n'
ROADS = '[[departments]]\ncode = "roads"\nname_en = "Roads"\nkeywords = ["道路"]\n'
PARKS = '[[departments]]\ncode = "parks"\nname_en = "Parks (file)"\nkeywords = ["公园"]\n'


def _write(config, *tables: str, name: str = "Water") -> None:
    config.write_text("\n".join(t.format(name=name) for t in tables), encoding="utf-8")


def _app(config, db) -> TestClient:
    return TestClient(create_app(load_settings(config, db=db, warn=False)))


def _accounts(db) -> dict[str, dict[str, str]]:
    from heard.auth import Accounts, Role

    out = {}
    with open_store(db) as store:
        accounts = Accounts(store)
        for name, role in (("boss", Role.admin), ("ana", Role.analyst)):
            accounts.add_user(name, "long-enough-pw", role)
            out[name] = {"Authorization": f"Bearer {accounts.create_token(name)[1]}"}
    return out


def _services(client: TestClient) -> list[str]:
    return [s["service_code"] for s in client.get("/open311/v2/services.json").json()]


def _file(client: TestClient, code: str, text: str) -> str:
    got = client.post("/open311/v2/requests.json", data={"service_code": code, "description": text})
    assert got.status_code == 200, got.text
    return str(got.json()[0]["service_request_id"])


def _audit(db, kind: str) -> list[dict]:
    with open_store(db, read_only=True) as store:
        return [json.loads(e["payload_text"]) | {"ref": e["ref"]}
                for e in store.protect.audit_of_kind(kind, 10)]  # fmt: skip


def test_an_admin_retires_a_department_the_dashboard_added(tmp_path):
    db, config = tmp_path / "r.duckdb", tmp_path / "heard.toml"
    _write(config, WATER, ROADS)
    open_store(db).close()
    who = _accounts(db)
    admin = who["boss"]
    with _app(config, db) as client:
        for code in ("parks", "zoo"):
            saved = client.post(
                "/admin/departments", data={"code": code, "name_en": code.title()},
                headers=admin, follow_redirects=False,
            )  # fmt: skip
            assert saved.status_code == 303, saved.text[:300]
        assert _services(client) == ["parks", "roads", "water", "zoo"]
        bench = _file(client, "parks", "公园长椅坏了")
        cage = _file(client, "zoo", "动物园门口积水")
        form = client.get("/admin/departments/parks", headers=admin).text
        assert 'id="retire-form"' in form
        retired = client.post("/admin/departments/parks/retire", headers=admin)
        assert retired.status_code == 200 and 'id="dept-retired-done"' in retired.text
        assert "1 open cases moved" in retired.text and 'id="dept-restore-hint"' in retired.text
        assert _services(client) == ["roads", "water", "zoo"]
        assert 'value="parks"' not in client.get("/public/report").text
        record = client.get("/api/v1/public/departments/parks")
        assert record.status_code == 200 and record.json()["retired"] is True
        [req] = client.get(f"/open311/v2/requests/{bench}.json").json()
        assert req["status"] == "open" and req["service_code"] == "triage"
        case = client.get(f"/api/v1/cases/{bench}", headers=admin).json()["case"]
        note = case["timeline"][-1]
        assert note["kind"] == "reassigned" and note["from_department"] == "parks"
        assert "retired by an admin (dashboard)" in note["note"]

        # the API: admin only, audited, a second time or an unknown code says why
        assert client.post("/api/v1/departments/zoo/retire").status_code == 401
        assert client.post("/api/v1/departments/zoo/retire", headers=who["ana"]).status_code == 403
        done = client.post("/api/v1/departments/zoo/retire", headers=admin)
        assert done.status_code == 200, done.text
        assert done.json()["moved"] == [{"case_id": cage, "from": "zoo"}]
        again = client.post("/api/v1/departments/zoo/retire", headers=admin)
        assert again.status_code == 409 and "retired already" in again.text
        assert client.post("/api/v1/departments/nope/retire", headers=admin).status_code == 404
        assert client.post("/api/v1/departments/roads/retire", headers=admin).status_code == 200
        last = client.post("/api/v1/departments/water/retire", headers=admin)
        assert last.status_code == 409 and "last department in service" in last.text
    entries = _audit(db, "department_retired")
    assert [(e["ref"], e["by"], e["via"], e["moved"]) for e in reversed(entries)] == [
        ("parks", "boss", "dashboard", 1), ("zoo", "boss", "api", 1), ("roads", "boss", "api", 0)
    ]  # fmt: skip
    with open_store(db, read_only=True) as store:
        from heard.protect.audit import verify

        assert verify(store).ok

    with _app(config, db) as client:  # a restart keeps them retired, roads too (heard.toml's)
        assert _services(client) == ["water"]
        listed = {d["code"]: d["retired"] for d in client.get("/api/v1/departments").json()
                  ["departments"]}  # fmt: skip
        assert listed["parks"] and listed["zoo"] and listed["roads"] and not listed["water"]
        # saving the form is the admin bringing it back, deliberately: audited too
        back = client.post(
            "/admin/departments", data={"code": "parks", "name_en": "Parks"}, headers=admin,
            follow_redirects=False,
        )  # fmt: skip
        assert back.status_code == 303
        assert _services(client) == ["parks", "water"]
    assert [e["ref"] for e in _audit(db, "department_restored")] == ["parks"]


def test_heard_toml_removal_wins_over_older_dashboard_edits(tmp_path):
    db, config = tmp_path / "s.duckdb", tmp_path / "heard.toml"
    _write(config, WATER, ROADS)
    with open_store(db) as store:  # an edit saved before edits were marked (a heard.toml one)
        store.cases.save_department_edit(
            {"code": "water", "name_en": "Water (edited)", "email": "old@city.example"},
            datetime(2026, 12, 1), "admin",
        )  # fmt: skip
    admin = _accounts(db)["boss"]
    with _app(config, db) as client:
        assert _services(client) == ["roads", "water"]
        # a department the dashboard added, which heard.toml then took over (next start)
        saved = client.post("/admin/departments", data={"code": "parks", "name_en": "Parks"},
                            headers=admin, follow_redirects=False)  # fmt: skip
        assert saved.status_code == 303
    _write(config, WATER, ROADS, PARKS)
    with _app(config, db) as client:
        assert _services(client) == ["parks", "roads", "water"]
    _write(config, ROADS)  # heard.toml removes water and parks
    with _app(config, db) as client:
        assert _services(client) == ["roads"]
        listed = {d["code"]: d for d in client.get("/api/v1/departments").json()["departments"]}
        assert listed["water"]["retired"] and listed["parks"]["retired"]
    with open_store(db, read_only=True) as store:
        assert store.cases.department_edits() == []  # the older edits are dropped with them
    _write(config, WATER, ROADS, name="Water Bureau")  # written again: as written now
    with _app(config, db) as client:
        water = next(s for s in client.get("/open311/v2/services.json",
                                           params={"locale": "en"}).json()
                     if s["service_code"] == "water")  # fmt: skip
        assert water["service_name"] == "Water Bureau"  # not the dropped edit's name
        # parks, re-added by the admin deliberately, stays in service without heard.toml
        back = client.post("/admin/departments", data={"code": "parks", "name_en": "Parks"},
                           headers=admin, follow_redirects=False)  # fmt: skip
        assert back.status_code == 303
    with _app(config, db) as client:
        assert _services(client) == ["parks", "roads", "water"]
