"""A link to a topic that was merged (a topic's history, an old alert, a bookmark) leads to the
topic that absorbed it, which says so; before, the dashboard answered 404 with a CLI hint
("see: heard topic 1"). The API keeps its 404 and names the API path of the survivor."""

from __future__ import annotations

from datetime import datetime

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store


def _merge_topic_3_into_1(db) -> None:
    with open_store(db) as store:
        at = datetime(2026, 11, 4, 9)
        store.con.execute(
            "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, first_seen, "
            "last_seen, sentiment_mean, representative, status, created_at, updated_at, "
            "merged_into) VALUES (3, '东湖 水压', '[]', '[]', 0, 6, ?, ?, 0, '[]', 'merged', ?, "
            "?, 1)",
            [at, at, at, at],
        )
        store.con.execute(
            "INSERT INTO topic_events VALUES (9001, ?, 'merge', 1, 3, '{\"posts\": 4}')", [at]
        )


def test_a_merged_topic_leads_to_the_topic_that_absorbed_it(tmp_path):
    db = tmp_path / "merged.duckdb"
    tokens = build(db)
    _merge_topic_3_into_1(db)
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        survivor = client.get("/topics/1", headers=viewer)
        assert survivor.status_code == 200
        assert 'href="/topics/3"' in survivor.text  # the history's link to the absorbed topic
        hop = client.get("/topics/3", headers=viewer, follow_redirects=False)
        assert hop.status_code == 303 and hop.headers["location"] == "/topics/1?merged=3"
        landed = client.get("/topics/3", headers={**viewer, "Accept": "text/html"})
        assert landed.status_code == 200 and 'id="merged-from"' in landed.text
        assert "#3" in landed.text and "heard topic" not in landed.text
        zh = client.get("/topics/1?merged=3", headers={**viewer, "Cookie": "heard_lang=zh"})
        assert "已并入" in zh.text
        odd = client.get("/topics/1?merged=abc", headers=viewer)
        assert odd.status_code == 422 or 'id="merged-from"' not in odd.text
        api = client.get("/api/v1/topics/3", headers=viewer)
        assert api.status_code == 404
        assert api.json()["errors"] == ["fix: see /api/v1/topics/1"]
        assert client.get("/topics/99", headers=viewer).status_code == 404
