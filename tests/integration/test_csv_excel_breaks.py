"""A CSV converted from an Excel sheet keeps Excel's escaped line breaks (``_x000D_``): the Teddy
Cup 附件4 CSV has 382 of them, and `heard issue` showed "迁回去。_x000D_" to an official. They are
read as the line breaks they stand for, as the xlsx reader does. A real ingest into a real DuckDB
file, read back through the CLI."""

from __future__ import annotations

import json

from heard.cli import run
from heard.connectors.csvfile import excel_breaks_read
from heard.store import open_store

BOARD = (
    "id,title,body,created_at\n"
    '1,咨询户口迁移,"父母年纪大了想迁回去。_x000D_\n离我家50米的村都可以迁。",2026-11-01T10:00:00Z\n'
    "2,路灯不亮,东湖路路灯坏了_x000D_已经一个月,2026-11-01T12:00:00Z\n"
)


def test_excel_breaks_become_line_breaks():
    assert excel_breaks_read("甲。_x000D_\n乙") == "甲。\n乙"
    assert excel_breaks_read("甲_x000D_乙_x000a_丙") == "甲\n乙\n丙"
    assert excel_breaks_read("no escapes here") == "no escapes here"


def test_an_ingested_csv_shows_no_excel_escapes(tmp_path, capsys):
    src, db = tmp_path / "board.csv", tmp_path / "b.duckdb"
    src.write_text(BOARD, encoding="utf-8")
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        bodies = [r["text"] for r in store.rows("SELECT text FROM posts ORDER BY external_id")]
    assert bodies == [
        "父母年纪大了想迁回去。\n离我家50米的村都可以迁。",
        "东湖路路灯坏了\n已经一个月",
    ]
    capsys.readouterr()
    assert run(["posts", "--db", str(db), "--json"]) == 0
    shown = capsys.readouterr().out
    assert "_x000" not in shown and json.loads(shown)
