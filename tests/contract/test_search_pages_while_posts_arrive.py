"""Paging a search while posts arrive: every post that matched when the first page was read comes
exactly once, on both stores.

A page of ``q`` ends at a (score, docid); BM25 scores depend on the index's statistics (how many
documents, their mean length, how many hold each term), and every ingest rebuilds the index. A
researcher paging ``/api/v1/posts?q=water`` while a watch stored new posts got some posts twice
and, at other pages, lost some: the next page was cut at the old score in the new ranking
(found paging the demo with 8 posts uploaded between pages 2 and 3: 4 of 27 posts twice)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from test_store_contract import MODELS, enrich, make_posts


def _write(store: Any, texts: list[str], start: int) -> None:
    from heard.read.posts import search_terms

    posts = make_posts(texts, start=start)
    store.write_batch(posts, enrich(posts, [search_terms(t) for t in texts]), MODELS)
    store.rebuild_search_index()


def _first_texts() -> list[str]:
    words = ["water", "main", "burst", "road", "flooded", "bus", "late", "park", "lights"]
    texts = []
    for i in range(60):
        picked = [words[(i * 7 + j * 3) % len(words)] for j in range(1 + i % 5)]
        texts.append(" ".join(["water", *picked] if i % 2 else picked))
    return texts


def test_pages_of_a_search_hold_every_match_once_while_posts_arrive(open_target: Any) -> None:
    from heard.read.posts import PostFilter, search

    store = open_target()
    _write(store, _first_texts(), 0)
    f = PostFilter(q="water road")
    whole = [p["id"] for p in search(store, f, limit=500)["posts"]]
    assert len(whole) > 12  # several pages of 4

    seen: list[str] = []
    cursor = None
    page = 0
    while True:
        result = search(store, f, limit=4, cursor=cursor)
        seen += [p["id"] for p in result["posts"]]
        cursor = result["next_cursor"]
        page += 1
        if page in (1, 2):  # new posts, some matching, some long: every statistic moves
            arriving = ["water water water road"] * 3 + ["lights " * 40 + "bus"] * 20
            _write(store, arriving, 1000 * page)
        if cursor is None:
            break
    twice = sorted(i for i, n in Counter(seen).items() if n > 1)
    assert twice == []
    assert [i for i in whole if i not in seen] == []
