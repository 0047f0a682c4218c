"""Search is no oracle on redacted data (issue 16 item 6, RIGHTS.md §4, §7): what a display shows
as [phone], [id], [address] or @[user] cannot be found again by searching for it — not in a new
store (the index is built from redacted text), not in a store indexed by an older Heard (it is
reindexed once when opened for ingest or serving), and not by the query itself (cut down)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.pipeline.batch import Batch
from heard.read.reindex import KEY, ensure_search_redacted
from heard.settings import Settings
from heard.stages.tokens import Segmenter, TokensStage, search_terms
from heard.store import open_store

PLANTED = "身份证11010519491231002X 卡号6222020200001234567 邮箱wang.wu@example.com 电话13712345678"


def test_the_index_is_built_from_redacted_text():
    text = PLANTED + " 东湖路88号 @东湖小王 停水"
    batch = Batch([SimpleNamespace(text=text)])
    batch.set("text_norm", [text])
    batch.set("lang", ["zh"])
    out = TokensStage().process(batch)
    indexed = out["search_text"][0].split()
    assert "停水" in indexed and "东湖路" in indexed
    for value in (
        "11010519491231002x",
        "6222020200001234567",
        "wang",
        "example",
        "13712345678",
        "88",
        "小王",
    ):
        assert value not in indexed, value


@pytest.mark.parametrize(
    "query",
    [
        "11010519491231002X",
        "13712345678",
        "137 1234 5678",
        "wang.wu@example.com",
        "@东湖小王",
        "6222020200001234567",
    ],
)
def test_a_query_for_personal_data_is_cut_down_to_nothing(query):
    assert search_terms(query) == ""
    assert search_terms(query + " 停水") == "停水"


def _unredact(db):
    """Make ``db`` look like a store indexed by an older Heard: raw search text, no marker."""
    seg = Segmenter()
    with open_store(db) as store:
        rows = store.rows("SELECT id, text FROM posts")
        for r in rows:
            store.con.execute(
                "UPDATE posts SET search_text = ? WHERE id = ?",
                [" ".join(seg.words(r["text"])), r["id"]],
            )
        store.rebuild_search_index()
        store.con.execute("DELETE FROM deployment WHERE key = ?", [KEY])
        assert "13812345678" in store.scalar("SELECT search_text FROM posts WHERE id = 'seed:w3'")


def test_an_old_store_is_reindexed_and_search_finds_no_redacted_value(tmp_path):
    db = tmp_path / "old.duckdb"
    tokens = build(db)
    _unredact(db)
    app = create_app(Settings(db=db))
    with TestClient(app) as client:
        h = {"Authorization": f"Bearer {tokens['admin']}"}
        get = lambda q: client.get("/api/v1/posts", params={"q": q, "limit": 50}, headers=h).json()  # noqa: E731
        for q in ("13812345678", "东湖小王", "@东湖小王", "88号", "401室"):
            assert get(q)["posts"] == [], q
        assert "never searched" in get("13812345678")["query_note"]  # says why, not just nothing
        assert "query_note" not in get("停水")
        shown = get("联系电话")["posts"]  # the words around the number are still found
        assert "seed:w3" in [p["id"] for p in shown] and all(
            "13812345678" not in p["text"] for p in shown
        )
    with open_store(db) as store:
        assert "13812345678" not in " ".join(
            r["search_text"] for r in store.rows("SELECT search_text FROM posts")
        )
        assert ensure_search_redacted(store) == 0  # once: the marker is current now
