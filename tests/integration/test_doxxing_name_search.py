"""A name a doxxing post introduces is out of the search index and every display: the demo's
later posts ingested for real, then searched for by the name and by the estate beside it."""

from __future__ import annotations

import json
from pathlib import Path

from heard.cli import run

LATER = Path(__file__).resolve().parents[2] / "data" / "demo" / "later.jsonl"


def test_the_name_in_a_doxxing_post_is_not_searchable_nor_shown(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    assert "王建军" in LATER.read_text(encoding="utf-8")
    assert run(["ingest", str(LATER), "--db", str(db)]) == 0
    capsys.readouterr()
    assert run(["posts", "--db", str(db), "--query", "王建军", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(["posts", "--db", str(db), "--query", "物业经理", "--json"]) == 0
    texts = [p["text"] for p in json.loads(capsys.readouterr().out)]
    assert len(texts) == 1 and "[name]" in texts[0] and "王建军" not in texts[0]
