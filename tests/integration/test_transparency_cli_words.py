"""``heard transparency`` without --json printed Python reprs: "by_label: {'spam': 2}" and
"median_hours_to_human_decision: None" (found running it after automated decisions only). The
figures are public: they should read as figures."""

from __future__ import annotations

import json

from heard.cli import run
from heard.store import open_store

POSTS = [
    {
        "id": "s1",
        "text": "我是你们王总，换了新号码，现在急需转一笔款，先转5万到这个账户，别打电话。",
    },
    {"id": "s2", "text": "市长答应的公交线路到现在都没开，群众意见很大，请给个说法。"},
]


def test_the_plain_figures_read_without_python_reprs(tmp_path, capsys):
    src = tmp_path / "p.jsonl"
    src.write_text(
        "".join(
            json.dumps({**p, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for p in POSTS
        ),
        encoding="utf-8",
    )
    db = tmp_path / "t.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db) as store:
        flags = store.rows("SELECT label FROM flags")
    capsys.readouterr()
    assert run(["transparency", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "{" not in out and "'" not in out and "None" not in out
    assert f"flags total {len(flags)}" in out
    if not flags:
        assert "by_label: none" in out
    assert "median_hours_to_human_decision: —" in out  # no person has decided anything
