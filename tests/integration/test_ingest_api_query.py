"""``POST /api/v1/ingest`` reads ``preset``, ``source`` and ``map`` from the query string (a JSON
array has no form to carry them), but the check that refuses query parameters a route does not
read (``deps.known_query_only``) knew none of them: ``?source=board`` with a JSON body was a 422
("this endpoint takes: no query parameters"), so a JSON ingest could not name its source."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

ROWS = [{"留言详情": "东湖路停水两天了", "时间": "2026-11-01T10:00:00", "no": "7"}]


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "q.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {tokens['admin']}"}


def test_a_json_ingest_takes_its_source_and_map_from_the_query(env):
    client, bearer = env
    r = client.post("/api/v1/ingest?source=hotline&map=id=no", headers=bearer, json=ROWS)
    assert r.status_code == 200, r.json()
    assert r.json()["stored"] == 1
    assert client.app.state.db.scalar("SELECT id FROM posts WHERE source = 'hotline'") == (
        "hotline:7"
    )
    wrong = client.post("/api/v1/ingest?sourse=x", headers=bearer, json=ROWS)
    assert wrong.status_code == 422 and "source" in wrong.json()["errors"][0]
    spec = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/ingest"]["post"]
    assert {p["name"] for p in spec["parameters"]} >= {"preset", "source", "map"}
