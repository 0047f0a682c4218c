"""A post's url is shown as its site only (RIGHTS.md §4, §7): a platform url names its author
(``twitter.com/<handle>/status/…``, ``weibo.com/u/<id>``) and a query string can carry a phone
number or an e-mail address, so the API, the CLI, the exports and the dashboard give the url's
origin (``https://twitter.com``) and never its path or query. The stored url is unchanged."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime

import pytest
from api_seed import PASSWORD, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.read.redact import redact_url
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

URLS = {
    "seed:u1": "https://twitter.com/alice_w/status/1234567890123?tel=13712345678",
    "seed:u2": "https://weibo.com/u/5647382910?email=wang.wu@example.com",
    "seed:u3": "http://user:pw@bbs.example.cn:8080/thread?id=11010519491231002X#p3",
}
SECRETS = ("alice_w", "1234567890123", "13712345678", "5647382910", "wang.wu", "1101051949")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (URLS["seed:u1"], "https://twitter.com"),
        (URLS["seed:u2"], "https://weibo.com"),
        (URLS["seed:u3"], "http://bbs.example.cn:8080"),
        ("HTTPS://Weibo.COM/1234567890/AbCdEf", "https://weibo.com"),
        ("javascript:alert(1)", None),
        ("weibo.com/u/5647382910", None),
        ("", None),
        (None, None),
    ],
)
def test_a_url_is_cut_down_to_its_origin(url, shown):
    assert redact_url(url) == shown


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("urls") / "seed.duckdb"
    tokens = build(db)
    with open_store(db) as store:
        store.write_batch(
            [
                Post(
                    id=pid,
                    source="seed",
                    external_id=pid.split(":")[1],
                    text="东湖路停水，链接见原帖",
                    created_at=datetime(2026, 11, 3, 9, i),
                    author_key=f"a-url-{i}",
                    url=url,
                )
                for i, (pid, url) in enumerate(URLS.items())
            ],
            {"lang": ["zh"] * 3, "search_text": ["东湖路 停水 链接 原帖"] * 3},
            {},
            [],
            source="seed",
        )
        store.rebuild_search_index()
    return db, tokens


@pytest.fixture()
def db(tmp_path, seeded):
    copy = tmp_path / "seed.duckdb"
    shutil.copy(seeded[0], copy)
    return copy, seeded[1]


def _clean(body: str, where: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in body.lower(), (where, secret)


def test_api_and_pages_show_only_the_site(db):
    path, tokens = db
    with TestClient(create_app(Settings(db=path))) as client:
        h = {"Authorization": f"Bearer {tokens['admin']}"}
        listed = client.get("/api/v1/posts", params={"q": "链接", "limit": 50}, headers=h).json()
        urls = {p["id"]: p["url"] for p in listed["posts"]}
        assert urls["seed:u1"] == "https://twitter.com"
        _clean(json.dumps(listed, ensure_ascii=False), "/api/v1/posts")
        one = client.get("/api/v1/posts/seed:u2", headers=h).json()
        assert one["post"]["url"] == "https://weibo.com"
        export = client.get(
            "/api/v1/export", params={"what": "posts", "format": "jsonl"}, headers=h
        )
        assert export.status_code == 200 and "https://twitter.com" in export.text
        _clean(export.text, "/api/v1/export")
        form = client.get("/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf})
        page = client.get("/search", params={"q": "链接"}).text
        assert 'href="https://twitter.com"' in page
        _clean(page, "/search")
    with open_store(path, read_only=True) as store:  # the stored url is as it came
        assert store.scalar("SELECT url FROM posts WHERE id = 'seed:u1'") == URLS["seed:u1"]


def test_cli_and_file_exports_show_only_the_site(db, tmp_path, capsys):
    path, _ = db
    assert run(["posts", "--db", str(path), "--query", "链接", "--json"]) == 0
    printed = capsys.readouterr().out
    assert "https://weibo.com" in printed
    _clean(printed, "heard posts --json")
    out = tmp_path / "posts.csv"
    assert run(["export", "--what", "posts", "--out", str(out), "--db", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    shown = {r["id"]: r["url"] for r in rows}
    assert shown["seed:u3"] == "http://bbs.example.cn:8080"
    _clean(out.read_bytes().decode("utf-8-sig"), "heard export")
