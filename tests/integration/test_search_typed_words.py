"""A word typed into search that the segmenter cuts when it stands alone: jieba reads 补上, 那家,
没到 in a post's sentence as one word, and the index holds that word, but the same word typed as a
query was cut into single characters, which the post does not hold: "no posts match" for words
the post shows (6 of the demo's 613 posts were not found by two words of their own). A search
that finds nothing tries the typed words whole. A real ingest into a real DuckDB file."""

from __future__ import annotations

import json

from heard.cli import run

POSTS = {
    "d1": "路灯亮了，坑也补上了，今天骑车回家一路顺畅。谢谢修路灯和补路的师傅们",
    "d2": "桂香街那家烧烤店的排烟口就对着幼儿园后门",
    "d3": "双十一还没到，快递量已经开始涨了",
}


def _found(capsys, db, query):
    capsys.readouterr()
    assert run(["posts", "-q", query, "--db", str(db), "--json"]) == 0
    return [p["external_id"] for p in json.loads(capsys.readouterr().out)]


def test_a_word_cut_when_alone_finds_the_posts_that_hold_it(tmp_path, capsys):
    src, db = tmp_path / "board.jsonl", tmp_path / "b.duckdb"
    src.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "created_at": "2026-11-01"}, ensure_ascii=False) + "\n"
            for i, t in POSTS.items()
        ),
        encoding="utf-8",
    )
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    assert _found(capsys, db, "灯亮了 补上") == ["d1"]
    assert _found(capsys, db, "补上") == ["d1"]
    assert _found(capsys, db, "桂香街 那家") == ["d2"]
    assert _found(capsys, db, "双十 没到") == ["d3"]
    assert _found(capsys, db, "补 上") == []  # what is typed apart is searched apart
    assert _found(capsys, db, "补上 地铁") == []  # every word must still match
