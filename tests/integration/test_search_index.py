"""Post search ranks with BM25 over the query terms' postings only. These tests hold it to DuckDB's
own ``match_bm25`` (same scores, same set of matches) on a real store, and check that filtered,
paged search returns exactly the filtered single-page result."""

from __future__ import annotations

import pytest

from heard.store.duckdb.view import ReadView
from heard.read import posts as pq
from heard.store import open_store

from api_seed import build


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "heard.duckdb"
    build(path)
    with open_store(path) as store:
        store.load_fts()
        yield ReadView(store)


def _reference(db: ReadView, terms: str) -> dict[str, float]:
    rows = db.rows(
        "SELECT id, fts_main_posts.match_bm25(id, ?, conjunctive := 1) AS s FROM posts", [terms]
    )
    return {r["id"]: round(r["s"], 4) for r in rows if r["s"] is not None}  # the API rounds to 4


@pytest.mark.parametrize("query", ["停水", "东湖路 停水", "water", "Donghu Road", "公交", "12"])
def test_scores_equal_duckdbs_match_bm25(db, query):
    terms = pq.search_terms(query)
    expected = _reference(db, terms)
    got = pq.search(db, pq.PostFilter(q=query), limit=500)["posts"]
    assert expected, f"the seed has no match for {query!r}"
    assert {p["id"]: p["score"] for p in got} == expected
    scores = [p["score"] for p in got]
    assert scores == sorted(scores, reverse=True)


def test_a_term_no_post_has_matches_nothing(db):
    assert pq.search(db, pq.PostFilter(q="zebra"), limit=20)["posts"] == []
    assert (
        pq.search(db, pq.PostFilter(q="停水 zebra"), limit=20)["posts"] == []
    )  # every term must match


def test_filtered_pages_walk_the_filtered_result(db):
    f = pq.PostFilter(q="停水", lang="zh", topic="1")
    whole = [p["id"] for p in pq.search(db, f, limit=500)["posts"]]
    assert whole and all(i.startswith("seed:w") for i in whole)
    assert set(whole) == {
        i
        for i in _reference(db, pq.search_terms("停水"))
        if db.scalar("SELECT lang FROM posts WHERE id = ?", [i]) == "zh"
    }
    seen, cursor = [], None
    while True:
        page = pq.search(db, f, limit=3, cursor=cursor)
        seen += [p["id"] for p in page["posts"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == whole
