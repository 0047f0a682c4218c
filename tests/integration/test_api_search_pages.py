"""Paging ``GET /api/v1/posts?q=`` by its cursors over a real DuckDB file and the real app.

A search's cursor carries the index statistics its first page was ranked by (one count per
query term, ``heard.read.posts._best_match``), so a long query's cursor is long: a researcher
who pastes a copied campaign text (500 characters) to find its copies must still get page 2."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import numpy as np
import pytest
from api_seed import DEFAULT_EMBEDDER, T0, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

CAMPAIGN = "".join(chr(0x4E00 + 37 * i) for i in range(480))
"""480 distinct characters, most of them segmented alone: some 400 query terms."""


def _copies(path, n: int) -> None:
    from heard.stages.tokens import search_terms

    text = CAMPAIGN
    posts = [
        Post(
            id=f"copy:{i}",
            source="copy",
            external_id=str(i),
            text=text,
            created_at=T0 + timedelta(minutes=i),
            author_key=f"copier{i}",
        )
        for i in range(n)
    ]
    vectors = np.random.default_rng(1).normal(size=(n, 512))
    columns = {
        "embedding": (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32),
        "lang": ["zh"] * n,
        "search_text": [search_terms(text)] * n,
        "sentiment_score": [0.0] * n,
        "sentiment_label": ["neutral"] * n,
    }
    with open_store(path) as store:
        store.write_batch(posts, columns, {"langid": "test@0", "embed": DEFAULT_EMBEDDER})
        store.rebuild_search_index()


def test_a_long_query_pages_to_its_end(tmp_path):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    _copies(db, 25)
    app = create_app(Settings(db=db))
    auth = {"Authorization": f"Bearer {tokens['viewer']}"}
    query = CAMPAIGN
    seen, cursor, cursors = [], None, []
    with TestClient(app, raise_server_exceptions=False) as client:
        while True:
            params = {"q": query, "limit": 10, **({"cursor": cursor} if cursor else {})}
            answer = client.get("/api/v1/posts", params=params, headers=auth)
            assert answer.status_code == 200, answer.text[:300]
            seen += [p["id"] for p in answer.json()["posts"]]
            cursor = answer.json()["next_cursor"]
            if not cursor:
                break
            assert len(cursor) > 500  # longer than the cursors the API took before
            cursors.append(cursor)
        page = client.get("/search", params={"q": query, "cursor": cursors[0]}, headers=auth)
    assert sorted(seen) == sorted(f"copy:{i}" for i in range(25))
    assert page.status_code == 200, page.text[:300]  # the dashboard's search pages on too
    assert "copy" in page.text


@pytest.mark.parametrize(
    "values",
    [
        [0.5, 3, 40, 7.5, 10**300],  # a count past BIGINT: was a 500
        [0.5, 10**300, 40, 7.5, 3],  # a docid past BIGINT: was a 500
        [float("inf"), 3, 40, 7.5, 3],
        [0.5, 3, 40, float("nan"), 3],
        [0.5, 3, -40, 7.5, -3],
        [0.5, 3, 40, 0.0, 3],  # a mean length of 0 divides by it
    ],
)
def test_a_forged_cursor_names_no_page(tmp_path, values):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    app = create_app(Settings(db=db))
    auth = {"Authorization": f"Bearer {tokens['viewer']}"}
    raw = json.dumps(values).replace("Infinity", "1e999").encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    with TestClient(app, raise_server_exceptions=False) as client:
        got = client.get("/api/v1/posts", params={"q": "water", "cursor": cursor}, headers=auth)
    assert got.status_code == 404, got.text[:300]
    assert "no page at this cursor" in got.json()["error"]
