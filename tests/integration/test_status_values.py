"""A status that does not exist is a bad request (400, with the statuses there are), not a
conflict: 409 is for a valid move the case's state refuses (already open, closed until
reopened). Before, ``POST /api/v1/cases/{id}/status`` with ``"bogus"`` (and a reply's
``close_as``) answered 409, as if the case's state were the problem; the desk's form too. The
CLI's filter says the same words and exits 2."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.answer.cases import STATES
from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

LISTED = "use one of: " + ", ".join(STATES)


def _open_case(db) -> str:
    with open_store(db, read_only=True) as store:
        return store.scalar("SELECT case_id FROM cases WHERE status = 'open'")


def _events(db, case_id: str) -> int:
    with open_store(db, read_only=True) as store:
        return store.scalar("SELECT count(*) FROM case_events WHERE case_id = ?", [case_id])


def test_an_unknown_status_is_a_400_listing_the_statuses(tmp_path):
    db = tmp_path / "status.duckdb"
    tokens = build(db)
    case_id = _open_case(db)
    before = _events(db, case_id)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    status_url = f"/api/v1/cases/{case_id}/status"
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        for status in ("bogus", "Fixed", "", "triage", "已解决"):
            r = client.post(status_url, json={"status": status}, headers=auth)
            assert r.status_code == 400, (status, r.text)
            assert r.json()["error"] == f"unknown case status {status!r}"
            assert r.json()["errors"] == [f"fix: {LISTED}"]
        for close_as in ("bogus", "investigating"):
            r = client.post(
                f"/api/v1/cases/{case_id}/reply",
                json={"text": "已安排维修。", "close_as": close_as},
                headers=auth,
            )
            assert r.status_code == 400, (close_as, r.text)
        # a valid move the case's state refuses is still a conflict
        again = client.post(status_url, json={"status": "open"}, headers=auth)
        assert again.status_code == 409 and "already open" in again.json()["error"]
        desk = client.post(f"/desk/cases/{case_id}/status", data={"status": "bogus"}, headers=auth)
        assert desk.status_code == 400 and "unknown case status" in desk.text
    assert _events(db, case_id) == before  # nothing stored
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT reply_text FROM cases WHERE case_id = ?", [case_id]) is None


def test_the_cli_says_the_same_and_exits_2(tmp_path, capsys):
    db = tmp_path / "status.duckdb"
    build(db)
    capsys.readouterr()
    assert run(["cases", "--db", str(db), "--status", "bogus"]) == 2
    err = capsys.readouterr().err
    assert "unknown case status 'bogus'" in err and LISTED in " ".join(err.split())
