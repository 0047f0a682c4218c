"""A workbook whose data is not on its first sheet: a cover or notes sheet first (an office's
export), or an empty first sheet. Before, the first sheet was read whatever it held: "no column
for text; the file has: 本表为2026年11月留言导出", or "holds no rows", and no option could name
the sheet. Now the first sheet whose row 1 names two or more columns is read."""

from __future__ import annotations

from openpyxl import Workbook

from heard.connectors import open_connector

HEADER = ["留言编号", "留言主题", "留言时间", "留言详情"]
ROW = [1, "路灯", "2026-11-02 10:00:00", "楼道路灯坏了一个月"]


def book(tmp_path, first: list[list[str]]) -> object:
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    for row in first:
        cover.append(row)
    data = wb.create_sheet("留言")
    data.append(HEADER)
    data.append(ROW)
    path = tmp_path / "board.xlsx"
    wb.save(path)
    return path


def test_a_cover_sheet_before_the_data_is_passed_over(tmp_path):
    conn = open_connector(book(tmp_path, [["本表为2026年11月留言导出"], ["导出人：办公室"]]))
    assert conn.columns == HEADER
    assert [(r.position, r.fields["留言详情"]) for r in conn.rows()] == [(2, "楼道路灯坏了一个月")]


def test_an_empty_first_sheet_is_passed_over(tmp_path):
    conn = open_connector(book(tmp_path, []))
    assert conn.columns == HEADER and len(list(conn.rows())) == 1


def test_a_first_sheet_with_columns_is_read_as_before(tmp_path):
    conn = open_connector(book(tmp_path, [["id", "text"], ["a", "the first sheet's post"]]))
    assert conn.columns == ["id", "text"]
    assert [r.fields["text"] for r in conn.rows()] == ["the first sheet's post"]
