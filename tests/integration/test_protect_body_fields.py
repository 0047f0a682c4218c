"""A protect API body with a field the route does not read is a 422 that names it, as an unknown
query parameter is: ``{"post_id": …, "label": "spam", "notes": "…"}`` (for ``note``) filed a
report without its note, and ``"legal-ground"`` (for ``legal_ground``) a decision without its
law, both answered 200."""

from __future__ import annotations

import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient
from moderation_steps import as_role

from heard.api import create_app
from heard.settings import Settings


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "body.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def test_a_misspelt_body_field_is_refused_not_dropped(env):
    client, tokens = env
    r = client.post(
        "/api/v1/report", json={"post_id": "seed:w3", "label": "spam", "notes": "广告链接"}
    )
    assert r.status_code == 422 and "body.notes" in r.json()["errors"][0]
    assert client.app.state.db.scalar("SELECT count(*) FROM flags") == 0
    client.post("/report", data={"post": "seed:w3", "label": "doxxing"})
    queue = client.get("/moderate", headers=as_role(tokens, "moderator"))
    flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
    d = client.post(
        f"/api/v1/review/{flag_id}",
        headers={"Authorization": f"Bearer {tokens['moderator']}"},
        json={"decision": "remove", "facts": "x", "ground": "illegal", "legal-ground": "§1"},
    )
    assert d.status_code == 422
    assert any("legal-ground" in e for e in d.json()["errors"]), d.json()
