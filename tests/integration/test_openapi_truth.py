"""The served OpenAPI document tells the truth: requests drawn from it (and beside it) for every
operation get no 5xx, only declared statuses, JSON that parses and the error shapes
(tests/integration/openapi_truth.py says what is checked; bench/openapi_truth.py is the long run).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

from api_seed import build
from openapi_truth import SCHEMA_URL, Operation, check, exercise, operations

EXAMPLES = 32  # per operation (fewer where the schema allows fewer): 1,000+ requests


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("openapi") / "h.duckdb"
    tokens = build(db)
    app = create_app(Settings(db=db))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, app, tokens


def test_every_operation_answers_as_its_schema_says(served):
    client, app, tokens = served
    report = exercise(client, app, tokens, EXAMPLES, seed_=16)
    assert len(report.cases) == len(operations(app, client.get(SCHEMA_URL).json()))
    assert report.n_cases >= 1000
    failures = {op: fails[:2] for op, fails in report.failures.items()}
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)[:4000]


def test_the_schema_declares_what_the_routes_refuse(served):
    """The 400s and 404s the issue found undeclared, and 401/403 on every route with a role."""
    client, app, _ = served
    doc = client.get(SCHEMA_URL).json()
    paths = doc["paths"]
    assert "400" in paths["/api/v1/hotspots"]["get"]["responses"]  # a window past the calendar
    assert paths["/api/v1/hotspots"]["get"]["parameters"][0]["schema"].get("pattern")
    assert "400" in paths["/api/v1/posts"]["get"]["responses"]  # an unknown cursor
    assert {"400", "415"} <= set(paths["/api/v1/ingest"]["post"]["responses"])  # no file
    assert "404" in paths["/api/v1/posts/{post_id}"]["get"]["responses"]
    for op in operations(app, doc):
        if op.role:
            assert {"401", "403"} <= set(op.spec["responses"]), op.name
        # a PostgreSQL database that went away (a restart) answers 503 with Retry-After
        assert "503" in op.spec["responses"], op.name
    georeport = paths["/open311/v2/services.json"]["get"]["responses"]["503"]
    assert georeport["content"]["application/json"]["schema"]["type"] == "array"
    assert "/issues" not in paths  # an HTML page, not an API operation


def test_a_window_longer_than_the_calendar_is_the_whole_board(served):
    """Schemathesis found ``/api/v1/issues?window=9840y`` answered 500 (a date before year 1)."""
    client, _, tokens = served
    headers = {"Authorization": f"Bearer {tokens['viewer']}"}
    longest = client.get("/api/v1/issues", params={"window": "9999y"}, headers=headers)
    whole = client.get("/api/v1/issues", params={"window": "all"}, headers=headers)
    assert longest.status_code == 200, longest.text
    assert longest.json()["issues"] == whole.json()["issues"]


class _Resp:
    def __init__(self, status: int, body: str, ctype: str = "application/json"):
        self.status_code, self.content, self.text = status, body.encode(), body
        self.headers = {"content-type": ctype}


def test_the_checks_catch_what_they_are_for():
    """Each check fails on the answer it exists to catch (a harness that cannot fail proves
    nothing)."""
    api = Operation("get", "/api/v1/x", {"responses": {"200": {}, "422": {}}}, "viewer")
    o311 = Operation("get", "/open311/v2/x.json", {"responses": {"200": {}, "400": {}}}, None)
    shape = '{"ok": false, "error": "e", "errors": [], "status": 400}'
    assert check(api, _Resp(500, '{"ok": false, "error": "e", "errors": [], "status": 500}')) == [
        "server_error",
        "undeclared_status",
    ]
    assert check(api, _Resp(400, shape)) == ["undeclared_status"]
    assert check(api, _Resp(200, "<html>", "text/html")) == ["not_json"]
    assert check(api, _Resp(422, '{"detail": []}')) == ["error_shape"]
    assert check(o311, _Resp(400, shape)) == ["error_shape"]
    assert check(o311, _Resp(400, '[{"code": 400, "description": "d"}]')) == []
