"""Search on a store whose full-text index is missing or half built (a run killed in its
end-of-run work, before this branch) works by scanning, in the API and the CLI: it used to die
with 'Decimal is not JSON serializable' as soon as there was a second page."""

from __future__ import annotations

import json

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store


@pytest.mark.parametrize(
    "damage", ["DROP SCHEMA fts_main_posts CASCADE", "DROP TABLE fts_main_posts.postings"]
)
def test_search_pages_without_the_index(tmp_path, capsys, damage):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    with open_store(db) as store:
        store.con.execute(damage)
        assert not store.has_search_index()
    assert run(["posts", "--db", str(db), "--query", "停水", "--limit", "1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    with (
        open_store(db) as store,
        TestClient(
            create_app(Settings(db=db), store=store), raise_server_exceptions=False
        ) as client,
    ):
        h = {"Authorization": f"Bearer {tokens['viewer']}"}
        first = client.get("/api/v1/posts", params={"q": "停水", "limit": 1}, headers=h)
        assert first.status_code == 200, first.text
        cursor = first.json()["next_cursor"]
        assert cursor and len(first.json()["posts"]) == 1
        second = client.get(
            "/api/v1/posts", params={"q": "停水", "limit": 1, "cursor": cursor}, headers=h
        )
        assert second.status_code == 200, second.text
        assert second.json()["posts"][0]["id"] != first.json()["posts"][0]["id"]
