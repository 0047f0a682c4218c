"""An XLSX export keeps a post's text as written, and never as a formula.

In a CSV file a leading apostrophe is the only way to keep ``=cmd|' /C calc'!A0`` from running
in Excel. In a workbook it was written the same way, but there a cell's string is its value: the
apostrophe was shown and read back as part of the text (``'=cmd…``, ``'-1+2``, ``'+1 同意``),
so a quote taken from the export was not the post's. A workbook now types such a cell as text
(never a formula, ``<f>``) with Excel's own "quote prefix" mark, which keeps it text if edited."""

from __future__ import annotations

import zipfile
from datetime import datetime

from openpyxl import load_workbook

from heard.cli import run
from heard.records import Post
from heard.store import open_store

TEXTS = {
    "cmd": "=cmd|' /C calc'!A0 water outage again",
    "plus": "+1 同意楼上，路灯坏了三个月",
    "minus": "-5度了还停暖气",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "plain": "the bus was late",
}
SHOWN = {**TEXTS, "at": "@[user](1+1)*cmd|' /C calc'!A0"}
"""As every export shows them: an @handle is redacted (and its cell still starts with @)."""


def _store(path) -> None:
    posts = [
        Post(
            id=f"x:{key}",
            source="x",
            external_id=key,
            text=text,
            title="=1+1" if key == "cmd" else None,
            created_at=datetime(2026, 11, 3, 8, i),
            author_key=f"a{i}",
        )
        for i, (key, text) in enumerate(TEXTS.items())
    ]
    with open_store(path) as store:
        store.write_batch(
            posts, {"lang": ["en"] * len(posts), "search_text": ["x"] * len(posts)}, {}, []
        )


def test_xlsx_cells_hold_the_text_and_no_formula(tmp_path):
    db, out = tmp_path / "x.duckdb", tmp_path / "posts.xlsx"
    _store(db)
    assert run(["export", "--what", "posts", "--out", str(out), "--db", str(db)]) == 0
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    text_col, title_col = header.index("text") + 1, header.index("title") + 1
    cells = {sheet.cell(r, 2).value: sheet.cell(r, text_col) for r in range(2, sheet.max_row + 1)}
    assert {key: cell.value for key, cell in cells.items()} == SHOWN
    assert all(cell.data_type == "s" for cell in cells.values())
    assert all(cells[key].quotePrefix for key in ("cmd", "plus", "minus", "at"))
    assert not cells["plain"].quotePrefix
    title = sheet.cell([c.value for c in sheet["B"]].index("cmd") + 1, title_col)
    assert title.value == "=1+1" and title.data_type == "s"
    with zipfile.ZipFile(out) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_csv_still_neutralises_with_an_apostrophe(tmp_path):
    db, out = tmp_path / "x.duckdb", tmp_path / "posts.csv"
    _store(db)
    assert run(["export", "--what", "posts", "--out", str(out), "--db", str(db)]) == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert "'=cmd|" in text and "'+1 同意" in text and "'-5度" in text and "'@[user](1+1)" in text
