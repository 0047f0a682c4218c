"""Hostile workbooks: a small .xlsx that unpacks to gigabytes, row numbers past Excel's last row
or out of order. Each is an ``InputError`` that says what to do; before, the first ran the
process out of memory (a 1 MB file held one cell of a billion characters), the second walked a
billion empty rows, the third dropped a row silently."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from heard.connectors import open_connector, xlsx
from heard.errors import InputError


def workbook(tmp_path: Path, rows: list[list[str]], name: str = "book.xlsx") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def rewrite(path: Path, member: str, change) -> Path:
    """A copy of the workbook with one member's bytes changed (deflated, as Excel does)."""
    out = path.with_name("hostile-" + path.name)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(data) if info.filename == member else data)
    return out


ROWS = [
    ["id", "text", "created_at"],
    ["r1", "the road by the school is broken", "2024-05-01 10:00"],
    ["r2", "BIG", "2024-05-01 11:00"],
    ["r3", "the bus was late again", "2024-05-01 12:00"],
]
SHEET = "xl/worksheets/sheet1.xml"


def test_a_row_of_too_much_xml_stops_before_it_is_built(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROW_XML_BYTES", 64 * 1024)
    path = rewrite(workbook(tmp_path, ROWS), SHEET, lambda d: d.replace(b"BIG", b"A" * 200_000))
    assert path.stat().st_size < 20_000  # it unpacks ten times larger than it is
    rows = open_connector(path).rows()
    assert next(rows).fields["id"] == "r1"  # the rows before it are read
    with pytest.raises(InputError, match="the row after row 2 takes more than 65,536 bytes") as e:
        next(rows)
    assert "32,767 characters" in e.value.what and "CSV" in e.value.fix


def test_a_row_within_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROW_XML_BYTES", 64 * 1024)
    path = rewrite(workbook(tmp_path, ROWS), SHEET, lambda d: d.replace(b"BIG", b"A" * 30_000))
    assert [len(r.fields["text"]) for r in open_connector(path).rows()][1] == 30_000


def test_a_part_read_whole_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 64 * 1024)
    path = rewrite(
        workbook(tmp_path, ROWS), "xl/styles.xml", lambda d: d + b"<!--" + b"A" * 100_000 + b"-->"
    )
    with pytest.raises(InputError, match=r"its part xl/styles.xml unpacks to 10\d,\d{3} bytes"):
        open_connector(path)


def test_a_worksheet_may_unpack_larger_than_a_part_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 64 * 1024)
    rows = ROWS[:1] + [
        [f"r{i}", f"post number {i} about the park", "2024-05-01"] for i in range(3000)
    ]
    path = workbook(tmp_path, rows)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size > 64 * 1024
    assert sum(1 for _ in open_connector(path).rows()) == 3000


@pytest.mark.parametrize("number", ["1048577", "99999999999"])
def test_a_row_number_past_excels_last_row_is_a_damaged_sheet(tmp_path, number):
    path = rewrite(
        workbook(tmp_path, ROWS),
        SHEET,
        lambda d: d.replace(b'r="3"', f'r="{number}"'.encode()).replace(
            b'3"', f'{number}"'.encode()
        ),
    )
    rows = open_connector(path).rows()
    assert next(rows).fields["id"] == "r1"
    with pytest.raises(InputError, match=f"row number {number} is past Excel's last row"):
        next(rows)


def test_a_row_out_of_order_is_not_dropped_silently(tmp_path):
    # rows 2, 4, 3: openpyxl would skip row 3 without a word
    path = rewrite(
        workbook(tmp_path, ROWS),
        SHEET,
        lambda d: d.replace(b'r="3"', b'r="X"')
        .replace(b'r="4"', b'r="3"')
        .replace(b'r="X"', b'r="4"'),
    )
    with pytest.raises(InputError, match="row number 3 comes out of order"):
        list(open_connector(path).rows())
