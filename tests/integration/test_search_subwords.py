"""A search for 垃圾 finds the post about a 垃圾站: the index holds, before each long Chinese
word, the shorter dictionary words inside it (jieba's search mode), while a query is cut into
whole words, so 垃圾站 still finds only 垃圾站. Found by a new-user pass (2026-12-07):
`heard posts -q 垃圾` missed every post that said 垃圾站 or 垃圾桶. A store indexed the old way
is reindexed once. A real ingest into a real DuckDB file, searched through the CLI."""

from __future__ import annotations

import json

from heard.cli import run
from heard.read.reindex import KEY, SEARCH_TEXT, ensure_search_redacted
from heard.store import open_store

POSTS = [
    ("1", "小区门口的垃圾站三天没人清理，臭得不行"),
    ("2", "楼下的垃圾桶满了也没人收"),
    ("3", "东湖路停水三天了，自来水公司没有说法"),
]


def _search(db, q: str) -> set[str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["posts", "--db", str(db), "--query", q, "--json"]) == 0
    return {p["id"].rsplit(":", 1)[-1] for p in json.loads(out.getvalue())}


def test_a_word_finds_the_longer_words_that_hold_it(tmp_path):
    src, db = tmp_path / "p.jsonl", tmp_path / "s.duckdb"
    src.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "created_at": "2026-11-01T10:00:00Z"}) + "\n"
            for i, t in POSTS
        ),
        encoding="utf-8",
    )
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    assert _search(db, "垃圾") == {"1", "2"}
    assert _search(db, "垃圾站") == {"1"}
    assert _search(db, "停水") == {"3"}


def test_a_store_indexed_the_old_way_is_reindexed_once(tmp_path):
    src, db = tmp_path / "p.jsonl", tmp_path / "s.duckdb"
    src.write_text(
        json.dumps({"id": "1", "text": POSTS[0][1], "created_at": "2026-11-01T10:00:00Z"}) + "\n",
        encoding="utf-8",
    )
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db) as store:  # as an older Heard left it: whole words only, old marker
        store.execute("UPDATE posts SET search_text = '小区 门口 的 垃圾站 三天 没 人 清理'")
        store.deployment.put(KEY, "pii-old")
        assert ensure_search_redacted(store) == 1
        assert "垃圾 垃圾站" in store.rows("SELECT search_text FROM posts")[0]["search_text"]
        assert store.deployment.get(KEY) == SEARCH_TEXT
        assert ensure_search_redacted(store) == 0
