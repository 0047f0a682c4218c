"""The API reference a browser can read: ``/api/v1/docs`` (and ``/docs``, where FastAPI apps keep
it) was a 404; only the OpenAPI JSON existed. The page is written from that JSON, loads no script
(nothing is downloaded at run time; the Content-Security-Policy forbids inline scripts) and
names every route with its parameters."""

from __future__ import annotations

from html import escape

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_the_reference_names_every_route_without_a_login(seeded_db_copy):
    with TestClient(create_app(Settings(db=seeded_db_copy))) as client:
        schema = client.get("/api/v1/openapi.json").json()
        page = client.get("/api/v1/docs")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        assert "<script" not in html
        for path, item in schema["paths"].items():
            assert f"<code>{escape(path)}</code>" in html, path
            for method, operation in item.items():
                if operation.get("summary"):
                    assert escape(operation["summary"]) in html, (method, path)
        posts = schema["paths"]["/api/v1/posts"]["get"]
        q = next(p for p in posts["parameters"] if p["name"] == "q")
        assert escape(q["description"]) in html  # parameters are listed with their meaning
        assert 'href="/api/v1/openapi.json"' in html


def test_docs_leads_to_the_reference(seeded_db_copy):
    with TestClient(create_app(Settings(db=seeded_db_copy))) as client:
        moved = client.get("/docs", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "/api/v1/docs"
        assert client.get("/docs").status_code == 200


def test_the_api_root_says_where_everything_is(seeded_db_copy):
    """``/api/v1`` (what someone types first) was a 404 "no route"; it now answers without a
    login with the reference, the schema and every route of the schema with its methods, and a
    404 elsewhere points there."""
    with TestClient(create_app(Settings(db=seeded_db_copy))) as client:
        schema = client.get("/api/v1/openapi.json").json()
        for url in ("/api/v1", "/api/v1/"):
            root = client.get(url)
            assert root.status_code == 200, url
            body = root.json()
            assert body["docs"] == "/api/v1/docs" and body["openapi"] == "/api/v1/openapi.json"
            assert client.get(body["docs"]).status_code == 200
            listed = {r["path"]: r["methods"] for r in body["routes"]}
            assert listed == {
                path: sorted(m.upper() for m in item) for path, item in schema["paths"].items()
            }
            assert "POST" in listed["/api/v1/ingest"] and "GET" in listed["/api/v1/posts"]
        lost = client.get("/api/v1/nothing-here")
        assert lost.status_code == 404 and any("/api/v1/docs" in e for e in lost.json()["errors"])
