"""A JSON route sent a body of another type (``text/plain``, a form) answered 422 "body: Input
should be a valid dictionary", as if a field were wrong, when only the Content-Type was (found
with curl against `heard serve`, 2026-12-07: curl's ``--data`` sends a form by default). It is
a 415 that names the type expected, and the OpenAPI document declares it. The real app
in-process on a real DuckDB file."""

from __future__ import annotations

import json

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

REPORT = {"post_id": "p1", "label": "spam"}


@pytest.fixture(scope="module")
def client_and_auth(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("body") / "b.duckdb")
    tokens = build(db)
    with TestClient(create_app(Settings(db=db))) as client:
        yield client, {"Authorization": f"Bearer {tokens['admin']}"}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8"],
)
def test_a_json_route_refuses_another_body_type_with_415(client_and_auth, content_type):
    client, auth = client_and_auth
    r = client.post(
        "/api/v1/report",
        content=json.dumps(REPORT),
        headers={**auth, "Content-Type": content_type},
    )
    assert r.status_code == 415, r.text
    body = r.json()
    assert body["status"] == 415 and body["ok"] is False
    assert "application/json" in body["error"] and content_type.split(";")[0] in body["error"]
    assert any("Content-Type: application/json" in e for e in body["errors"])


def test_an_optional_json_body_of_another_type_is_a_415_too(client_and_auth):
    client, auth = client_and_auth
    r = client.post(
        "/api/v1/issues/1/case",
        content="department=water",
        headers={**auth, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 415, r.text


def test_json_bodies_and_field_errors_are_unchanged(client_and_auth):
    client, auth = client_and_auth
    as_json = {**auth, "Content-Type": "application/json"}
    r = client.post("/api/v1/report", content=json.dumps({"reason": "x"}), headers=as_json)
    assert r.status_code == 422  # a wrong field is still a 422 that names it
    assert any("body.label" in e for e in r.json()["errors"])
    # no Content-Type at all is read as JSON (as FastAPI does): not a 415
    r = client.post("/api/v1/report", content=json.dumps({"reason": "x"}), headers=auth)
    assert r.status_code == 422
    # the 415 comes after the caller is known: no token is still a 401
    r = client.post("/api/v1/appeals", content="x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 401


def test_the_openapi_document_declares_the_415(client_and_auth):
    client, _ = client_and_auth
    doc = client.get("/api/v1/openapi.json").json()
    report = doc["paths"]["/api/v1/report"]["post"]["responses"]
    assert "415" in report
    open311 = doc["paths"]["/open311/v2/requests.json"]["post"]["responses"]
    assert "415" not in open311  # a form route: no JSON to ask for
