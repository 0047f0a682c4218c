"""HEAD is answered wherever GET is (RFC 9110 §9.3.2: a general-purpose server supports both):
the GET's status and headers, no body, the same role checks. Before, every route answered 405,
so an uptime check or a load balancer probing ``HEAD /health`` saw the server as broken."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_head_answers_as_get_without_a_body(tmp_path):
    db = tmp_path / "head.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        health = client.head("/health")
        assert health.status_code == 200 and health.content == b""
        assert health.headers["content-type"].startswith("application/json")
        page = client.head("/public/departments")
        get = client.get("/public/departments")
        assert page.status_code == 200 and page.content == b""
        assert page.headers["content-length"] == get.headers["content-length"]
        assert client.head("/api/v1/topics").status_code == 401  # the GET's role check
        viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
        assert client.head("/api/v1/topics", headers=viewer).status_code == 200
        assert client.head("/api/v1/export", headers=viewer).status_code == 403
        assert client.head("/public/departments/nope").status_code == 404
        refused = client.post("/health")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
