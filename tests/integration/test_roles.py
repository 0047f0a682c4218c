"""Every route of the app declares its role, and refuses anonymous callers and lower roles.

The routes are enumerated from the app itself, so a route added later without ``requires(...)``
fails here. Anonymous API calls get 401, anonymous page visits a redirect to /login, lower roles
403, and the declared role itself gets through the gate.
"""

from __future__ import annotations

import re

import pytest
from api_seed import build
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from heard.api import create_app
from heard.api.security import UNDECLARED, declared_role, iter_routes
from heard.auth import Role
from heard.settings import Settings

SAMPLE = {
    "topic_id": "1",
    "issue_id": "1",
    "service_request_id": "CNOPE",
    "service_code": "transport",
    "token": "nope",
    "post_id": "seed:w1",
    "token_id": "nope",
    "code": "en",
    "department": "transport",
    "case_id": "CNOPE",
    "flag_id": "f-nope",
    "decision_id": "d-nope",
    "appeal_id": "a-nope",
}
PUBLIC_MOUNTS = {"/static"}  # CSS/JS files only: no data


@pytest.fixture(scope="module")
def client_tokens(tmp_path_factory):
    db = tmp_path_factory.mktemp("roles") / "roles.duckdb"
    tokens = build(db)
    app = create_app(Settings(db=db))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, tokens


def _routes(app):
    out = []
    for path, route in iter_routes(app.routes):
        if isinstance(route, Mount):
            assert path in PUBLIC_MOUNTS, f"mount {path} is not a known public static mount"
            continue
        assert isinstance(route, APIRoute), (
            f"{path} is not an APIRoute, so it cannot declare a role"
        )
        assert path == route.path
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            out.append((method, route))
    return out


def _url(route) -> str:
    return re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: SAMPLE[m.group(1)], route.path)


def test_every_route_declares_a_role(client_tokens):
    client, _ = client_tokens
    routes = _routes(client.app)
    assert len(routes) >= 25
    undeclared = [f"{m} {r.path}" for m, r in routes if declared_role(r) is UNDECLARED]
    assert not undeclared, f"routes without requires(...): {undeclared}"
    public = sorted(f"{m} {r.path}" for m, r in routes if declared_role(r) is None)
    assert public == [
        "GET /api/v1",
        "GET /api/v1/",
        "GET /api/v1/accountability",
        "GET /api/v1/departments",
        "GET /api/v1/docs",
        "GET /api/v1/openapi.json",
        "GET /api/v1/public/cases/{case_id}",
        "GET /api/v1/public/departments/{department}",
        "GET /api/v1/transparency",
        "GET /docs",
        "GET /health",
        "GET /lang/{code}",
        "GET /login",
        "GET /open311/v2/discovery.json",
        "GET /open311/v2/requests.json",
        "GET /open311/v2/requests/{service_request_id}.json",
        "GET /open311/v2/servicerequestupdates.json",
        "GET /open311/v2/services.json",
        "GET /open311/v2/services/{service_code}.json",
        "GET /open311/v2/tokens/{token}.json",
        "GET /public/cases/{case_id}",
        "GET /public/departments",
        "GET /public/departments/{department}",
        "GET /public/report",
        "GET /public/track",
        "GET /report",
        "GET /statement",
        "GET /transparency",
        "GET /vendor/plotly.min.js",
        "POST /api/v1/report",
        "POST /api/v1/statements",
        "POST /api/v1/statements/appeal",
        "POST /login",
        "POST /open311/v2/requests.json",
        "POST /open311/v2/requests/{service_request_id}/dispute.json",
        "POST /public/cases/{case_id}/dispute",
        "POST /public/report",
        "POST /public/track",
        "POST /report",
        "POST /statement",
        "POST /statement/appeal",
    ]


def test_each_route_refuses_anonymous_and_lower_roles(client_tokens):
    client, tokens = client_tokens
    checked = 0
    for method, route in _routes(client.app):
        role = declared_role(route)
        if role is None:
            continue
        url = _url(route)
        anon = client.request(method, url, follow_redirects=False)
        if route.path.startswith("/api") or route.path == "/metrics":
            assert anon.status_code == 401, (
                f"{method} {url} let an anonymous caller through ({anon.status_code})"
            )
            assert anon.json()["status"] == 401
        else:
            assert anon.status_code == 303 and anon.headers["location"].startswith("/login"), (
                f"{method} {url} did not send an anonymous browser to the login page"
            )
        for lower in Role:
            if lower >= role:
                continue
            r = client.request(
                method,
                url,
                headers={"Authorization": f"Bearer {tokens[lower.name]}"},
                follow_redirects=False,
            )
            assert r.status_code == 403, (
                f"{method} {url} let {lower.name} through (needs {role.name}): {r.status_code}"
            )
            assert r.json()["error"] == f"this needs the {role.name} role"
        ok = client.request(
            method,
            url,
            headers={"Authorization": f"Bearer {tokens[role.name]}"},
            follow_redirects=False,
        )
        assert ok.status_code not in (401, 403), f"{method} {url} refused its own role {role.name}"
        assert ok.status_code < 500, f"{method} {url} crashed for {role.name}: {ok.text[:300]}"
        checked += 1
    assert checked >= 19


def test_bad_tokens_are_refused(client_tokens):
    client, _ = client_tokens
    for value in ("Bearer hrd_not-a-token", "Bearer ", "Bearer xyz"):
        r = client.get("/api/v1/topics", headers={"Authorization": value})
        assert r.status_code == 401 and r.json()["ok"] is False
