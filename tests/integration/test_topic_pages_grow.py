"""Paging the topics while posts arrive: every topic comes once, on the API, the CLI and the
dashboard alike.

Pages were cut at the last topic's (size, id). A topic that grew between two pages (posts stored
in between, as every ingest and ``heard watch`` does) moved above that cut and was never listed;
one that a merge shrank came again. Found paging ``/api/v1/topics?limit=4`` of a seeded store
while topic 19 grew from 91 to 400 posts between pages 1 and 2: it was on no page. Each page now
holds the biggest topics the walk has not shown (the cursor carries the walk's mark: the instant
of its last page and the (size, id) reached; ``heard.read.topics.list_topics``)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

EXTRA = range(10, 22)
"""Twelve topics of 100, 99 … 89 posts, each from 10 authors, beside the seed's two."""


def _add_topics(db) -> None:
    at = datetime(2026, 11, 4, 9)
    with open_store(db) as store:
        for n, tid in enumerate(EXTRA):
            store.con.execute(
                "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, "
                "first_seen, last_seen, sentiment_mean, representative, status, created_at, "
                "updated_at) VALUES (?, ?, '[]', '[]', ?, 10, ?, ?, 0, '[]', 'active', ?, ?)",
                [tid, f"topic {tid}", 100 - n, at, at, at, at],
            )


def _grow(db, topic_id: int, size: int) -> None:
    """What the topic operator stores after posts join a topic: the posts' assignments and the
    topic's new size, both at the time of the run (after every time stored before)."""
    with open_store(db) as store:
        now = store.scalar("SELECT max(updated_at) FROM topics") + timedelta(seconds=1)
        before = store.scalar("SELECT size FROM topics WHERE topic_id = ?", [topic_id])
        for n in range(size - before):
            store.con.execute(
                "INSERT INTO post_topics (post_id, topic_id, similarity, assigned_at) "
                "VALUES (?, ?, 0.9, ?)",
                [f"grown:{topic_id}:{before + n}", topic_id, now],
            )
        store.con.execute(
            "UPDATE topics SET size = ?, updated_at = ? WHERE topic_id = ?", [size, now, topic_id]
        )


def _walk(db, page, limit: int = 4) -> list[int]:
    """Every topic id one walk lists, a topic not yet shown growing past all others after the
    first page and a shown one growing after the second."""
    seen: list[int] = []
    cursor = None
    number = 0
    while True:
        ids, cursor = page(cursor, limit)
        seen += ids
        number += 1
        if number == 1:
            _grow(db, 19, 400)  # listed 10th of 14: below page 1's cut, then the biggest
        if number == 2:
            _grow(db, seen[-1], 1000)  # a shown topic grows: it does not come again
        if cursor is None:
            return seen


def _store(tmp_path):
    db = tmp_path / "topics.duckdb"
    tokens = build(db)
    _add_topics(db)
    return db, tokens


def _assert_each_once(seen: list[int], every: set[int]) -> None:
    assert [t for t, n in Counter(seen).items() if n > 1] == []
    assert sorted(every - set(seen)) == []


def test_api_pages_list_each_topic_once_while_topics_grow(tmp_path):
    db, tokens = _store(tmp_path)
    auth = {"Authorization": f"Bearer {tokens['viewer']}"}

    def page(cursor, limit):
        with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            answer = client.get("/api/v1/topics", params=params, headers=auth)
        assert answer.status_code == 200, answer.text[:300]
        body = answer.json()
        return [t["topic_id"] for t in body["topics"]], body["next_cursor"]

    every, _ = page(None, 200)
    assert set(EXTRA) <= set(every)
    _assert_each_once(_walk(db, page), set(every))
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        forged = client.get("/api/v1/topics", params={"cursor": "AAAA"}, headers=auth)
    assert forged.status_code == 400, forged.text  # a cursor it cannot read: start again
    assert "first page" in forged.text


def test_cli_pages_list_each_topic_once_while_topics_grow(tmp_path, capsys):
    db, _ = _store(tmp_path)

    def page(cursor, limit):
        args = ["topics", "--db", str(db), "--limit", str(limit), "--json"]
        assert run(args + (["--cursor", cursor] if cursor else [])) == 0
        body = json.loads(capsys.readouterr().out)
        return [t["topic_id"] for t in body["topics"]], body["next_cursor"]

    every, _ = page(None, 0)
    _assert_each_once(_walk(db, page), set(every))
    assert run(["topics", "--db", str(db), "--limit", "3"]) == 0
    assert "--cursor" in capsys.readouterr().err  # a table says how to get the next page
    assert run(["topics", "--db", str(db), "--limit", "3", "--since", "2026-01-01 00:00"]) == 0
    assert "--since '2026-01-01 00:00'" in capsys.readouterr().err  # a command to paste as is
    assert run(["topics", "--db", str(db), "--cursor", "AAAA"]) == 2  # not one it gave
    assert "first page" in capsys.readouterr().err


def test_dashboard_pages_list_each_topic_once_while_topics_grow(tmp_path):
    db, tokens = _store(tmp_path)
    auth = {"Authorization": f"Bearer {tokens['viewer']}"}
    with open_store(db) as store:  # 50 a page: enough topics for three pages
        for tid in range(100, 190):
            store.con.execute(
                "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, "
                "first_seen, last_seen, sentiment_mean, representative, status, created_at, "
                "updated_at) SELECT ?, label, keywords, places, 50, 10, first_seen, last_seen, "
                "0, '[]', 'active', created_at, updated_at FROM topics WHERE topic_id = 10",
                [tid],
            )

    def page(cursor, limit):
        with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
            answer = client.get(
                "/topics", params={"cursor": cursor} if cursor else {}, headers=auth
            )
        assert answer.status_code == 200, answer.text[:300]
        ids = [int(i) for i in re.findall(r'href="/topics/(\d+)"', answer.text)]
        nxt = re.search(r'href="/topics\?cursor=([A-Za-z0-9_-]+)"', answer.text)
        return list(dict.fromkeys(ids)), nxt.group(1) if nxt else None

    with open_store(db, read_only=True) as store:
        every = {
            r["topic_id"] for r in store.rows("SELECT topic_id FROM topics WHERE n_authors >= 5")
        }
    _grow(db, 150, 10)  # so that the walk's growth below moves it from the last page to the top
    seen = _walk_dashboard(db, page)
    _assert_each_once(seen, every)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        stale = client.get("/topics", params={"cursor": "AAAA"}, headers=auth)
    assert stale.status_code == 400 and "first page" in stale.text


def _walk_dashboard(db, page) -> list[int]:
    seen, cursor, number = [], None, 0
    while True:
        ids, cursor = page(cursor, 50)
        seen += ids
        number += 1
        if number == 1:
            _grow(db, 150, 5000)
        if cursor is None:
            return seen
