"""An xlsx whose text cell is a formula never calculated (a workbook written by a script, e.g.
openpyxl, keeps the formula and no computed value) is quarantined with a reason that says so and
what to do, at its row — not as "text is empty", which sent people looking for a blank cell."""

from __future__ import annotations

import zipfile
from datetime import datetime

from openpyxl import Workbook

from heard.cli import run
from heard.connectors import open_connector
from heard.connectors.mapping import Mapper, fieldmap_for, map_rows
from heard.records import Post, Quarantined
from heard.store import open_store

FIX = "open and save the file in a spreadsheet program, or export CSV"


def mapper() -> Mapper:
    return Mapper(
        fieldmap_for(None), "t", "Asia/Shanghai", "pepper", now=lambda: datetime(2020, 1, 1)
    )


def _book(path, rows) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "text", "created_at"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_a_formula_text_without_a_computed_value_is_quarantined_as_such(tmp_path):
    path = tmp_path / "scripted.xlsx"
    _book(
        path,
        [
            [1, "公交站台破损，请尽快维修", datetime(2019, 5, 1, 9)],
            [2, '="路灯不亮，"&"请处理"', datetime(2019, 5, 2, 9)],  # row 3: a formula
            [3, None, datetime(2019, 5, 3, 9)],  # row 4: really empty
            [4, "=A2", None],  # row 5: text and date... the text is the first thing missing
        ],
    )
    items = list(map_rows(open_connector(path), mapper()))
    assert isinstance(items[0], Post)
    formula, empty, both = items[1:]
    assert isinstance(formula, Quarantined) and formula.position == 3
    assert formula.reason == "formula_without_value"
    assert "text" in formula.detail and "formula without a computed value" in formula.detail
    assert FIX in formula.detail
    assert '"路灯不亮，"' in formula.detail  # the formula, so the cell can be found
    assert (empty.position, empty.reason) == (4, "missing_text")
    assert (both.position, both.reason) == (5, "formula_without_value")


def test_a_formula_date_without_a_computed_value_is_quarantined_as_such(tmp_path):
    path = tmp_path / "dates.xlsx"
    _book(path, [[1, "公交站台破损", "=DATE(2019,5,1)"]])
    [item] = list(map_rows(open_connector(path), mapper()))
    assert isinstance(item, Quarantined) and item.position == 2
    assert item.reason == "formula_without_value" and "created_at" in item.detail


def test_ingest_stores_the_reason_and_the_row(tmp_path):
    path, db = tmp_path / "scripted.xlsx", tmp_path / "h.duckdb"
    _book(
        path,
        [
            [1, "公交站台破损，请尽快维修", datetime(2019, 5, 1, 9)],
            [2, '="路灯不亮，"&"请处理"', datetime(2019, 5, 2, 9)],
        ],
    )
    assert run(["ingest", str(path), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        rows = store.rows("SELECT position, reason, detail FROM quarantine")
        assert store.scalar("SELECT count(*) FROM posts") == 1
    assert [(r["position"], r["reason"]) for r in rows] == [(3, "formula_without_value")]
    assert FIX in rows[0]["detail"]


def test_another_formula_column_is_stored_empty_with_a_note(tmp_path):
    path = tmp_path / "titles.xlsx"
    book = Workbook()
    book.active.append(["id", "title", "text", "created_at"])
    book.active.append([1, '=UPPER("bus")', "公交站台破损", datetime(2019, 5, 1, 9)])
    book.save(path)
    [post] = list(map_rows(open_connector(path), mapper()))
    assert isinstance(post, Post) and post.title is None
    [note] = post.raw["_heard_notes"]
    assert note.startswith("title: a formula without a computed value (=UPPER(")


def test_a_formula_with_its_computed_value_is_read_as_that_value(tmp_path):
    # what Excel or LibreOffice saves: the formula and, beside it, the value it computed
    path, saved = tmp_path / "scripted.xlsx", tmp_path / "saved.xlsx"
    _book(path, [[1, '="路灯不亮，"&"请处理"', datetime(2019, 5, 2, 9)]])
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="B2"><f>', b'<c r="B2" t="str"><f>')
                data = data.replace(b"<v />", "<v>路灯不亮，请处理</v>".encode())
            dst.writestr(item, data)
    [post] = list(map_rows(open_connector(saved), mapper()))
    assert isinstance(post, Post) and post.text == "路灯不亮，请处理"
    assert "_heard_notes" not in post.raw


def test_rows_the_file_leaves_out_keep_their_numbers(tmp_path):
    path = tmp_path / "gaps.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "text", "created_at"])
    sheet.cell(row=5, column=1, value=5)
    sheet.cell(row=5, column=2, value="=A5")
    sheet.cell(row=5, column=3, value=datetime(2019, 5, 2, 9))
    book.save(path)
    [item] = list(map_rows(open_connector(path), mapper()))
    assert (item.position, item.reason) == (5, "formula_without_value")


def test_a_reply_cell_that_is_an_uncalculated_formula_is_named_on_the_case(tmp_path):
    """附件4's columns in a workbook a script wrote: the reply text is a formula never
    calculated. The case stays open, and its timeline says why in those words, not "the reply
    text is empty" beside a cell that is not."""
    path, db = tmp_path / "board.xlsx", tmp_path / "h.duckdb"
    book = Workbook()
    book.active.append("留言编号 留言用户 留言主题 留言时间 留言详情 答复意见 答复时间".split())
    reply = '=CONCAT("已责令","支付")'
    book.active.append(
        [
            "1",
            "U1",
            "拖欠工资",
            "2019/3/1 9:00:00",
            "公司拖欠三个月工资。",
            reply,
            "2019/3/5 9:00:00",
        ]
    )
    book.save(path)
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        case = store.cases.case_for_post("board:1")
        [opened] = [e for e in store.cases.events(case["case_id"]) if e["kind"] == "opened"]
    assert case["status"] == "open" and case["reply_text"] is None
    assert "答复意见 is a formula without a computed value" in opened["note"]
    assert FIX in opened["note"]
