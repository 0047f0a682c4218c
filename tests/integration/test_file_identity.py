"""A file is known by its content, not its name or size: a grown file resumes after its last
committed line, and a renamed copy keeps its first source, so its rows are not stored again."""

from __future__ import annotations

import json

from heard.cli import run
from heard.store import open_store


def lines(start: int, stop: int) -> str:
    return "".join(
        json.dumps(
            {
                "id": f"m{i}",
                "text": f"第{i}条：东湖路的路灯坏了 lamp {i}",
                "created_at": "2026-11-01 10:00:00",
            },
            ensure_ascii=False,
        )
        + "\n"
        for i in range(start, stop)
    )


def ingest(path, db, capsys) -> dict:
    assert run(["ingest", str(path), "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_grown_then_renamed_file_resumes_and_keeps_its_source(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    board = tmp_path / "board.jsonl"
    board.write_text(lines(0, 80), encoding="utf-8")
    assert ingest(board, db, capsys)["stored"] == 80

    with board.open("a", encoding="utf-8") as fh:  # the export grew
        fh.write(lines(80, 100))
    grown = ingest(board, db, capsys)
    assert grown["stored"] == 20 and grown["rows_read"] == 20  # resumed, not re-read from line 1
    assert grown["resumed_after"] == {str(board): 80}

    copy = tmp_path / "board-copy-2026-11.jsonl"  # the same file under another name
    copy.write_text(board.read_text(encoding="utf-8") + lines(100, 105), encoding="utf-8")
    again = ingest(copy, db, capsys)
    assert again["stored"] == 5 and again["rows_read"] == 5
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 105
        assert store.rows("SELECT DISTINCT source FROM posts") == [{"source": "board"}]
