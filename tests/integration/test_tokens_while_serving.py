"""API tokens while ``heard serve`` owns the store (issue 16 §16): an admin creates and revokes
them on /admin/tokens (CSRF as on every form) or through /api/v1/tokens; nobody else can."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

from api_seed import PASSWORD, build


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("tokens") / "seed.duckdb"
    return db, build(db)


@pytest.fixture()
def client(tmp_path, seeded):
    db = tmp_path / "seed.duckdb"
    shutil.copy(seeded[0], db)
    with TestClient(create_app(Settings(db=db))) as c:
        yield c, seeded[1]


def _login(client, name):
    form = client.get("/login")
    csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf})


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_api_creates_and_revokes_tokens_for_admins_only(client):
    c, tokens = client
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    refused = c.post(
        "/api/v1/tokens",
        json={"username": "viewer"},
        headers={"Authorization": f"Bearer {tokens['analyst']}"},
    )
    assert refused.status_code == 403
    made = c.post("/api/v1/tokens", json={"username": "viewer", "label": "dept"}, headers=admin)
    assert made.status_code == 201
    new = made.json()["token"]
    assert (
        c.get("/api/v1/me", headers={"Authorization": f"Bearer {new}"}).json()["username"]
        == "viewer"
    )
    listed = c.get("/api/v1/tokens", headers=admin).json()["tokens"]
    assert any(t["token_id"] == made.json()["token_id"] and t["label"] == "dept" for t in listed)
    assert "hrd_" not in str(listed)  # ids and labels, never the tokens
    assert c.delete(f"/api/v1/tokens/{made.json()['token_id']}", headers=admin).status_code == 200
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {new}"}).status_code == 401
    unknown = c.post("/api/v1/tokens", json={"username": "nobody"}, headers=admin)
    assert unknown.status_code == 404 and "no user" in unknown.json()["error"]


def test_admin_page_creates_and_revokes_with_csrf(client):
    c, _ = client
    _login(c, "admin")
    page = c.get("/admin/tokens")
    assert page.status_code == 200 and 'id="token-form"' in page.text
    no_csrf = c.post("/admin/tokens", data={"username": "analyst", "label": "x"})
    assert no_csrf.status_code == 403
    made = c.post(
        "/admin/tokens",
        data={
            "username": "analyst",
            "label": "for the water bureau",
            "csrf_token": _csrf(page.text),
        },
    )
    assert made.status_code == 200 and "no-store" in made.headers["cache-control"]
    token = made.text.split('<code id="token-value">')[1].split("<")[0]
    assert (
        c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["role"]
        == "analyst"
    )
    token_id = made.text.split("id ")[1].split("<")[0].strip()
    revoked = c.post(
        f"/admin/tokens/{token_id}/revoke",
        data={"csrf_token": _csrf(made.text)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_analysts_cannot_reach_the_token_page(client):
    c, _ = client
    _login(c, "analyst")
    assert c.get("/admin/tokens").status_code == 403
    assert 'href="/admin/tokens"' not in c.get("/").text and 'href="/export"' in c.get("/").text
