"""On a real DuckDB file, with the demo's scam text (data/demo/later.jsonl, l001): the automated
scam decision also closes the post's spam flag of the same run, and says so in its facts, so the
post does not come back to the queue; a flag of another label stays for a moderator, and its
review item — read side, CLI — shows the automated decision in force, which deciding replaces."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from heard.api import create_app

from heard.auth.accounts import Accounts
from heard.cli import _register
from heard.cli.app import app
from heard.protect.calibration import Calibration
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.read.protect import review_item
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "later.jsonl"
SCAM = json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0])["text"]


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "auto.duckdb"
    with open_store(path) as s:
        post = Post(
            id="t:l001",
            source="t",
            external_id="l001",
            text=SCAM,
            author_key="a1",
            created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
        )
        s.write_batch([post], {"lang": ["zh"]}, {})
        Accounts(s).add_user("mod", "pw-mod-123456", "moderator")
        [flags] = HarmStage(nearest=0).flag_texts([SCAM])
        assert {f["label"] for f in flags} == {"scam_fraud", "spam"}
        counts = Review(s).record_detector_flags([("t:l001", flags)], auto_threshold=0.9)
        assert counts == {"flags": 2, "automated_decisions": 1}
    return path


def test_automated_decision_covers_the_runs_spam_and_scam_flags(db):
    with open_store(db) as s:
        flags = s.rows("SELECT label, status FROM flags ORDER BY label")
        [d] = s.rows("SELECT label, flag_ids, facts, automated_decision FROM decisions")
        queue = Calibration(s).queue("mod")
    assert [(f["label"], f["status"]) for f in flags] == [
        ("scam_fraud", "decided"),
        ("spam", "decided"),
    ]
    assert d["automated_decision"] and d["label"] == "scam_fraud"
    assert len(json.loads(d["flag_ids"])) == 2
    assert "also covers the spam flag of rules.spam@" in d["facts"]
    assert queue == []  # nothing left to decide that is already decided


def test_review_item_shows_the_automated_decision_in_force(db):
    with open_store(db) as s:
        report = Review(s).report("t:l001", "harassment", note="insults the staff")
        [item] = Calibration(s).queue("mod")
        shown = review_item(s, item)
    assert item["flag_id"] == report["flag_id"]
    standing = shown["in_force"]
    assert standing["decision"] == "limit_visibility" and standing["label"] == "scam_fraud"
    assert standing["automated_decision"] is True and standing["decided_at"]
    _register()
    result = CliRunner().invoke(
        app, ["review", "--db", str(db), "--as", "mod"], input="quit\n", env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "in force: limit_visibility (scam_fraud, automated" in result.output
    assert "a decision here replaces it" in result.output
    token = _token(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        api = client.get("/api/v1/review/queue", headers={"Authorization": f"Bearer {token}"})
        page = client.get(
            f"/moderate/items/{report['flag_id']}",
            headers={"Authorization": f"Bearer {token}", "Accept": "text/html"},
        )
    assert api.status_code == 200, api.text
    [listed] = api.json()["items"]
    assert listed["in_force"] == standing
    assert page.status_code == 200
    assert 'id="in-force"' in page.text and standing["decision_id"] in page.text


def _token(db: Path) -> str:
    with open_store(db) as s:
        return str(Accounts(s).create_token("mod", "tests")[1])
