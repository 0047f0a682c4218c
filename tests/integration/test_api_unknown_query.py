"""A query parameter an /api/v1 route does not read is a 422 that names the ones it reads:
`/api/v1/posts?query=water` (the parameter is `q`) answered every post, unfiltered, as if the
search had been made (found by a hostile-input pass, 2026-12-07). The real app in-process on a
real DuckDB file."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_a_misspelt_search_parameter_is_refused_with_the_right_name(tmp_path):
    db = str(tmp_path / "s.duckdb")
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['viewer']}"}
    with TestClient(create_app(Settings(db=db))) as client:
        every = client.get("/api/v1/posts", headers=auth).json()["posts"]
        r = client.get("/api/v1/posts", params={"query": "停水"}, headers=auth)
        assert r.status_code == 422
        body = r.json()
        assert "query.query" in body["errors"][0] and " q," in body["errors"][0]
        word = every[0]["text"][:2]
        ok = client.get("/api/v1/posts", params={"q": word}, headers=auth)
        assert ok.status_code == 200 and 0 < len(ok.json()["posts"]) <= len(every)
