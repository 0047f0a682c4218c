"""A text made only of invisible characters (zero-width spaces and joiners, soft hyphens,
direction marks), which ``str.strip`` keeps, says nothing: it was taken as a decision's
statement of the facts (and exported to the DSA database as its ``decision_facts``), as an
appeal's reasons, as an appeal decision's reasons and as the reason to show an original."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

INVISIBLE = "\u200b\u2060\u00ad\u200e \u200b"


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "inv.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _h(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_invisible_facts_reasons_and_appeals_are_refused(env):
    client, tokens = env
    mod, admin = _h(tokens, "moderator"), _h(tokens, "admin")
    flag = client.post("/api/v1/report", json={"post_id": "seed:w3", "label": "doxxing"})
    flag_id = flag.json()["flag_id"]
    nothing = client.post(
        f"/api/v1/review/{flag_id}", headers=mod, json={"decision": "remove", "facts": INVISIBLE}
    )
    assert nothing.status_code == 400 and "statement of the facts" in nothing.text
    original = client.post(
        "/api/v1/posts/seed:w3/original", headers=mod, json={"reason": INVISIBLE}
    )
    assert original.status_code == 400 and "needs a reason" in original.text
    d = client.post(
        f"/api/v1/review/{flag_id}",
        headers=mod,
        json={"decision": "remove", "facts": "\u200bPublishes a phone number."},
    )
    assert d.status_code == 200, d.text
    decision_id, token = d.json()["decision_id"], d.json()["author_token"]
    for url, body, headers in (
        ("/api/v1/appeals", {"decision_id": decision_id, "text": INVISIBLE}, mod),
        (
            "/api/v1/statements/appeal",
            {"token": token, "decision_id": decision_id, "text": INVISIBLE},
            {},
        ),
    ):
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == 400 and "why the decision is wrong" in r.text, r.text
    a = client.post(
        "/api/v1/statements/appeal",
        json={"token": token, "decision_id": decision_id, "text": "It is a public hotline."},
    )
    assert a.status_code == 200, a.text
    r = client.post(
        f"/api/v1/appeals/{a.json()['appeal_id']}/decision",
        headers=admin,
        json={"outcome": "reversed", "facts": INVISIBLE},
    )
    assert r.status_code == 400 and "needs its reasons" in r.text
