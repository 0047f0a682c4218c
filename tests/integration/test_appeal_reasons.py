"""An author learns why their appeal was decided (DSA Art. 20(5)): the statement page and
``POST /api/v1/statements`` give, with the post's notice token, the appeal's outcome and the
moderator's stated reasons (redacted like every display), not only "upheld". The reasons are
stored on the appeal (migration 19, which fills them in from the audit log for appeals decided
before it) and ``heard audit verify`` checks them like the rest of the row."""

from __future__ import annotations

import re

import pytest
from api_seed import build
from moderation_steps import as_role, reported_and_removed
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.protect.audit import verify
from heard.read.redact import redact
from heard.settings import Settings
from heard.store import open_store

POST = "seed:w3"
REASONS = "维持原决定：帖子公布了私人手机13712345678，不是热线。"


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "appeal_reasons.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens, db


def _decided_appeal(client, tokens):
    token, decision_id = reported_and_removed(client, tokens, POST)
    client.post(
        "/statement/appeal",
        data={"token": token, "decision_id": decision_id, "text": "这是供水公司的热线。"},
    )
    appeals = client.get("/moderate/appeals", headers=as_role(tokens, "moderator"))
    appeal_id = re.search(r'data-appeal="([^"]+)"', appeals.text).group(1)
    decided = client.post(
        f"/moderate/appeals/{appeal_id}",
        data={"outcome": "upheld", "facts": REASONS},
        headers=as_role(tokens, "admin"),
        follow_redirects=False,
    )
    assert decided.status_code == 303
    return token, decision_id


def test_the_author_reads_the_reasons_of_the_appeal_decision(env):
    client, tokens, _ = env
    token, decision_id = _decided_appeal(client, tokens)
    page = client.post("/statement", data={"token": token})
    assert page.status_code == 200
    shown = page.text.split(f'data-decision="{decision_id}"')[1].split("</section>")[0]
    assert 'class="appeal-facts"' in shown and "维持原决定" in shown
    assert "13712345678" not in page.text and "[phone]" in shown
    body = client.post("/api/v1/statements", json={"token": token}).json()
    [d] = body["decisions"]
    assert d["appeal_outcome"] == "upheld" and d["appeal_decided_at"]
    assert d["appeal_facts"].startswith("维持原决定") and "13712345678" not in d["appeal_facts"]


def test_appeals_decided_before_the_migration_get_their_reasons_from_the_audit_log(tmp_path):
    db = tmp_path / "before_19.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        _decided_appeal(client, tokens)
    with open_store(db) as store:  # what a store decided before migration 19 looks like
        store.con.execute("ALTER TABLE appeals DROP COLUMN facts")
        store.con.execute("DELETE FROM schema_version WHERE version = 19")
    with open_store(db) as store:
        # the log records the reasons redacted (an older Heard recorded them as written): the
        # migration fills in what the log holds, which is what the author is shown anyway
        assert store.scalar("SELECT facts FROM appeals") == redact(REASONS) != REASONS
        assert verify(store).ok
        store.con.execute("UPDATE appeals SET facts = 'reversed after all'")
        verdict = verify(store)
        assert not verdict.ok and "facts changed" in verdict.reason
