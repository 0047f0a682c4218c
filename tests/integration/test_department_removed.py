"""A department removed from heard.toml is retired: never told again, offered to no one, its open
cases in triage with a timeline note saying why, its public record kept. Before, ``heard notify``
took the contacts every earlier run had stored, so a department removed from heard.toml kept
getting a webhook and an e-mail for each new case in its queue, and the public form, Open311's
services.json and the desk's reassignment kept offering it. A real heard.toml edited between two
runs of the real ``heard notify``, a real HTTP receiver and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from test_case_notifications import NOW, Mailbox, Receiver, _open
from typer.testing import CliRunner

from heard.api import create_app
from heard.api.app import save_configured_departments
from heard.settings import load_settings
from heard.store import open_store

WATER = """[[departments]]
code = "water"
name_en = "Water"
webhook = "{hook}"
email = "water@city.example"
"""
ROADS = """[[departments]]
code = "roads"
name_en = "Roads"
webhook = "{hook}"
"""


def _config(path, mailbox, hook, *tables):
    head = f'[heard]\nsmtp_host = "127.0.0.1"\nsmtp_port = {mailbox.port}\n'
    path.write_text(head + "\n".join(t.format(hook=hook) for t in tables), encoding="utf-8")


def _notify(db, config):
    from heard.cli import _register
    from heard.cli.app import app

    _register()
    out = CliRunner().invoke(app, ["notify", "--db", str(db), "--config", str(config), "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_a_department_removed_from_heard_toml_is_told_nothing_more(tmp_path):
    db, config = tmp_path / "r.duckdb", tmp_path / "heard.toml"
    mailbox, receiver = Mailbox(), Receiver()
    try:
        _config(config, mailbox, receiver.url, WATER, ROADS)
        with open_store(db) as store:  # the first run stores the departments, as serve does
            save_configured_departments(store, load_settings(config, db=db, warn=False))
            told = _open(store, 1, department="water")
            _open(store, 2, department="roads")
        first = _notify(db, config)
        assert {n["department"] for n in first["new"]} == {"water", "roads"}
        mails, hooks = len(mailbox.messages), len(receiver.received)
        assert mails >= 1 and hooks >= 2  # (the cases are overdue by the real clock too)
        assert {m["to"][0] for m in mailbox.messages} == {"water@city.example"}
        # water is removed from heard.toml; meanwhile a concern reached its queue
        _config(config, mailbox, receiver.url, ROADS)
        with open_store(db) as store:
            waiting = _open(store, 3, department="water", created=NOW + timedelta(hours=1))
        second = _notify(db, config)
        assert second["new"] == [] and second["sent"] == []
        assert len(mailbox.messages) == mails and len(receiver.received) == hooks
        assert sorted(m["case_id"] for m in second["retired"]) == sorted([told, waiting])
        assert {m["from"] for m in second["retired"]} == {"water"}
        assert _notify(db, config)["retired"] == []  # moved once
        with open_store(db, read_only=True) as store:
            case = store.cases.case(waiting)
            moved = store.cases.events(waiting)[-1]
        assert case["department"] == "triage" and case["status"] == "open"
        assert moved["kind"] == "reassigned" and moved["from_department"] == "water"
        assert "removed from the configuration" in moved["note"]
        settings = load_settings(config, db=db, warn=False)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            listed = client.get("/api/v1/departments").json()["departments"]
            water = next(d for d in listed if d["code"] == "water")
            assert water["retired"] is True and water["cases"] == 0
            assert next(d for d in listed if d["code"] == "roads")["retired"] is False
            codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
            assert codes == ["roads"]
            form = client.get("/public/report")
            assert 'value="roads"' in form.text and 'value="water"' not in form.text
            record = client.get("/api/v1/public/departments/water")
            assert record.status_code == 200 and record.json()["retired"] is True
            page = client.get("/public/departments/water", headers={"Accept": "text/html"})
            assert 'id="department-retired"' in page.text
            assert "/public/report?department=water" not in page.text
            listing = client.get("/public/departments", headers={"Accept": "text/html"}).text
            row = listing[listing.index('data-department="water"') :].split("</tr>")[0]
            assert "no longer in service" in row
            row = listing[listing.index('data-department="roads"') :].split("</tr>")[0]
            assert "no longer in service" not in row
            page = client.get(f"/public/cases/{waiting}", headers={"Accept": "text/html"})
            assert page.status_code == 200 and "Water" in page.text  # named, though retired
    finally:
        receiver.close()
        mailbox.stop()


def test_a_department_edited_in_the_dashboard_is_retired_when_its_table_goes(tmp_path):
    """An admin edited water in the dashboard; heard.toml then drops water's table. Water is
    retired all the same (the edit kept it in service, as if the dashboard had added it), while
    a department the dashboard added (parks) stays; the admin page marks water retired."""
    from heard.auth import Accounts, Role

    db, config = tmp_path / "e.duckdb", tmp_path / "heard.toml"
    mailbox = Mailbox()
    try:
        _config(config, mailbox, "http://127.0.0.1:9/hook", WATER, ROADS)
        with open_store(db) as store:
            accounts = Accounts(store)
            accounts.add_user("boss", "long-enough-pw", Role.admin)
            admin = {"Authorization": f"Bearer {accounts.create_token('boss')[1]}"}
        settings = load_settings(config, db=db, warn=False)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            for code in ("water", "parks"):
                form = {"code": code, "name_en": code.title(), "email": f"{code}@city.example"}
                saved = client.post(
                    "/admin/departments", data=form, headers=admin, follow_redirects=False
                )
                assert saved.status_code == 303, saved.text[:300]
        _config(config, mailbox, "http://127.0.0.1:9/hook", ROADS)
        settings = load_settings(config, db=db, warn=False)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
            assert codes == ["parks", "roads"]
            listed = client.get("/admin/departments", headers=admin).text
            row = listed[listed.index('href="/admin/departments/water"') :].split("</tr>")[0]
            assert "no longer in service" in row
        with open_store(db) as store:
            from heard.answer.notifications import contacts

            assert sorted(contacts(settings, store)) == ["parks", "roads"]
    finally:
        mailbox.stop()
