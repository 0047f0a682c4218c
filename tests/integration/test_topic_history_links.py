"""A topic's history links only to topics a reader can open: posts moved from a topic under k
distinct authors read "← #4" without a link, since /topics/4 is a 404 (RIGHTS.md §4); a merged
topic keeps its link (its page leads to the survivor). On the demo, topic 2's history linked to
topic 13, whose page answered 404."""

from __future__ import annotations

from datetime import datetime

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store


def _add_topic(store, topic_id: int, status: str, authors: int, merged_into=None) -> None:
    at = datetime(2026, 11, 4, 9)
    store.con.execute(
        "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, first_seen, "
        "last_seen, sentiment_mean, representative, status, created_at, updated_at, "
        "merged_into) VALUES (?, 'small', '[]', '[]', 2, ?, ?, ?, 0, '[]', ?, ?, ?, ?)",
        [topic_id, authors, at, at, status, at, at, merged_into],
    )


def test_history_links_only_topics_that_open(tmp_path):
    db = tmp_path / "h.duckdb"
    tokens = build(db)
    at = datetime(2026, 11, 4, 10)
    with open_store(db) as store:
        _add_topic(store, 4, "active", 2)  # under k = 5
        _add_topic(store, 3, "merged", 6, merged_into=1)
        store.con.execute(
            "INSERT INTO topic_events VALUES (9001, ?, 'move', 4, 1, '{\"posts\": 1}')", [at]
        )
        store.con.execute(
            "INSERT INTO topic_events VALUES (9002, ?, 'merge', 1, 3, '{\"posts\": 4}')", [at]
        )
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    with TestClient(create_app(Settings(db=db))) as client:
        page = client.get("/topics/1", headers=viewer)
        assert page.status_code == 200
        assert "#4" in page.text and 'href="/topics/4"' not in page.text
        assert 'href="/topics/3"' in page.text
        assert "(1 post)" in page.text and "(4 posts)" in page.text  # was "(1 posts)"
        assert client.get("/topics/4", headers=viewer).status_code == 404
        history = client.get("/api/v1/topics/1", headers=viewer).json()["topic"]["history"]
        linked = {(e["topic_id"], e["other_id"]): e["linked"] for e in history}
        assert linked[(4, 1)] is False and linked[(1, 3)] is True
