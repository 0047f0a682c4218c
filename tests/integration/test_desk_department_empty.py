"""A responder whose department has no cases opens an empty desk that says so; one tied to a
department Heard does not know (removed from heard.toml, or the server run with another config)
is told what an admin does to fix the account (``heard users department``), as is one whose
department was removed from heard.toml (retired). Before, both could get a 404 "no department …:
use one of …" — a choice a responder cannot make, since its queue is its department's. A real
store, the real app, real accounts and tokens."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth import Role
from heard.auth.accounts import Accounts
from heard.settings import Settings
from heard.store import open_store


def test_a_responder_of_a_department_without_cases_gets_an_empty_desk(tmp_path):
    db = tmp_path / "desk.duckdb"
    build(db)
    with open_store(db) as store:
        accounts = Accounts(store)
        accounts.add_user("calm", "long-enough-pw", Role.responder, "calm_dept")
        accounts.add_user("ghost", "long-enough-pw", Role.responder, "ghost_dept")
        calm = accounts.create_token("calm", "tests")[1]
        ghost = accounts.create_token("ghost", "tests")[1]
        accounts.add_user("drained", "long-enough-pw", Role.responder, "water")
        drained = accounts.create_token("drained", "tests")[1]
    settings = Settings(db=db, departments=[{"code": "calm_dept", "name_en": "Calm"}])
    with TestClient(create_app(settings)) as client:
        html = {"Accept": "text/html"}
        empty = client.get("/desk", headers={**html, "Authorization": f"Bearer {calm}"})
        assert empty.status_code == 200, empty.text[:300]
        assert "calm_dept has no cases yet" in empty.text
        unknown = client.get("/desk", headers={**html, "Authorization": f"Bearer {ghost}"})
        assert unknown.status_code == 200, unknown.text[:300]
        assert "no cases" in unknown.text
        assert "ghost_dept" in unknown.text and "not a department" in unknown.text
        assert "heard users department ghost CODE" in unknown.text
        assert "use one of" not in unknown.text  # no choice offered it cannot make
        # the seed's water is stored but not configured: retired (heard.answer.retired)
        gone = client.get("/desk", headers={**html, "Authorization": f"Bearer {drained}"})
        assert gone.status_code == 200, gone.text[:300]
        assert "water is retired (removed from heard.toml" in gone.text
        assert "heard users department drained CODE" in gone.text
