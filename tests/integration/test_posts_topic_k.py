"""A topic with fewer than k distinct authors is not revealed by the post lists either (RIGHTS.md
§4), as the topic pages and the exports already did not reveal it.

The seed's topic 2 has 3 authors (k = 5): ``/api/v1/topics/2`` is a 404 and the posts export
leaves its posts' ``topic_id`` empty, but ``/api/v1/posts?q=bus``, ``heard posts --json`` and the
post page gave each of its posts ``topic_id: 2``, and ``/api/v1/posts?topic=2`` listed the whole
small group — the grouping k-suppression exists to withhold."""

from __future__ import annotations

import json
import shutil

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("k") / "api.duckdb"
    return db, build(db)


@pytest.fixture()
def client(tmp_path, seeded):
    db = tmp_path / "api.duckdb"
    shutil.copy(seeded[0], db)
    auth = {"Authorization": f"Bearer {seeded[1]['viewer']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as c:
        c.headers.update(auth)
        yield c


def test_api_post_lists_name_no_topic_below_k(client):
    bus = client.get("/api/v1/posts", params={"q": "bus", "limit": 50}).json()["posts"]
    assert bus and all(p["id"].startswith("seed:b") for p in bus)
    assert {p["topic_id"] for p in bus} == {None}
    water = client.get("/api/v1/posts", params={"q": "停水"}).json()["posts"]
    assert water and {p["topic_id"] for p in water} == {1}  # 9 authors: named
    newest = client.get("/api/v1/posts", params={"limit": 200}).json()["posts"]
    assert 2 not in {p["topic_id"] for p in newest}
    one = client.get("/api/v1/posts/seed:b1").json()["post"]
    assert one["topic_id"] is None


def test_api_refuses_the_posts_of_a_topic_below_k_as_its_page_does(client):
    page = client.get("/api/v1/topics/2")
    listed = client.get("/api/v1/posts", params={"topic": 2})
    assert page.status_code == 404
    assert listed.status_code == 404, listed.text[:300]
    assert "fewer than 5 distinct authors" in listed.json()["error"]
    assert client.get("/api/v1/posts", params={"topic": 1}).json()["posts"]


def test_cli_posts_json_names_no_topic_below_k(tmp_path, seeded, capsys):
    db = tmp_path / "cli.duckdb"
    shutil.copy(seeded[0], db)
    assert run(["posts", "--query", "bus", "--json", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["topic_id"] for r in rows} == {None}
