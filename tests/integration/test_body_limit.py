"""A request body past the server's limit is refused with 413 before it is read into memory
(a 300 MB POST to /api/v1/report, no account needed, took the server from 350 MB to 967 MB).
Uploads keep their own, larger limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.api.middleware import MAX_BODY_BYTES
from heard.settings import Settings
from heard.store import open_store


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("body") / "b.duckdb"
    open_store(db).close()
    with TestClient(create_app(Settings(db=str(db))), raise_server_exceptions=False) as c:
        yield c


TOO_BIG = b" " * (MAX_BODY_BYTES + 1)


@pytest.mark.parametrize("path", ["/api/v1/report", "/api/v1/statements", "/login", "/report"])
def test_a_body_over_the_limit_is_413(client, path):
    got = client.post(path, content=TOO_BIG, headers={"content-type": "application/json"})
    assert got.status_code == 413, got.text[:200]
    assert got.json()["status"] == 413


def test_a_chunked_body_over_the_limit_is_413(client):
    def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    got = client.post(
        "/api/v1/report", content=chunks(), headers={"content-type": "application/json"}
    )
    assert got.status_code == 413, got.text[:200]


def test_open311_keeps_its_error_shape(client):
    got = client.post(
        "/open311/v2/requests.json", content=TOO_BIG, headers={"content-type": "text/plain"}
    )
    assert got.status_code == 413 and got.json()[0]["code"] == 413


def test_a_body_under_the_limit_is_read_as_before(client):
    got = client.post("/api/v1/report", json={"post_id": "nope:1", "label": "spam"})
    assert got.status_code == 404  # read, parsed and answered: no such post


def test_uploads_keep_their_own_limit(client):
    got = client.post(
        "/api/v1/ingest", content=TOO_BIG, headers={"content-type": "application/json"}
    )
    assert got.status_code == 401  # past the general limit, it reaches the route (no token)
