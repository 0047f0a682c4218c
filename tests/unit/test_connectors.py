"""File connectors: format detection, streaming, quarantine at the connector level, resume."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from heard.connectors import REASONS, open_connector
from heard.connectors.base import read_lines
from heard.errors import InputError
from heard.records import Quarantined, RawRow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BROKEN = FIXTURES / "broken"


def summary(items) -> list[tuple[int, str]]:
    """(position, 'row' or the quarantine reason) for each item, in order."""
    return [(i.position, i.reason if isinstance(i, Quarantined) else "row") for i in items]


# ------------------------------------------------------------------ detection and opening


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.jsonl", "jsonl"),
        ("a.NDJSON", "jsonl"),
        ("a.json-lines", "jsonl"),
        ("a.csv", "csv"),
        ("a.tsv", "csv"),
        ("a.xlsx", "xlsx"),
        ("a.parquet", "parquet"),
    ],
)
def test_suffix_picks_the_connector_and_empty_files_give_no_rows(tmp_path, name, kind):
    path = tmp_path / name
    path.write_bytes(b"")
    conn = open_connector(path)
    assert conn.kind == kind and list(conn.rows()) == []


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist") as err:
        open_connector(tmp_path / "nope.jsonl")
    assert err.value.exit_code == 2 and err.value.fix


def test_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        open_connector(tmp_path)


def test_unknown_suffix_names_the_formats_and_the_flag(tmp_path):
    path = tmp_path / "posts.txt"
    path.write_text("x")
    with pytest.raises(InputError, match="cannot tell the format") as err:
        open_connector(path)
    assert "--format" in err.value.fix and ".jsonl" in err.value.fix


def test_a_json_suffix_is_one_document_and_json_lines_under_it_are_named(tmp_path):
    path = tmp_path / "posts.json"
    path.write_text("[]")
    assert list(open_connector(path).rows()) == []  # an array (tests/unit/test_json_array_files)
    path.write_text('{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n')
    with pytest.raises(InputError, match="JSON Lines") as err:
        open_connector(path)
    assert "--format jsonl" in err.value.fix
    assert len(list(open_connector(path, "jsonl").rows())) == 2


def test_explicit_format_overrides_the_suffix(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    conn = open_connector(path, "csv")
    assert conn.kind == "csv" and [r.fields for r in conn.rows()] == [{"id": "1", "text": "hello"}]


def test_unknown_explicit_format(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a\n")
    with pytest.raises(InputError, match="unknown format 'xml'"):
        open_connector(path, "xml")


def test_file_key_is_stable_and_follows_content(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a"}\n')
    key = open_connector(path).file_key()
    assert key == open_connector(path).file_key() and len(key) == 40
    path.write_text('{"text": "b"}\n')
    assert open_connector(path).file_key() != key


def test_read_lines_drops_the_rest_of_an_overlong_line():
    data = io.BytesIO(b"short\n" + b"x" * 50 + b"\nafter\n")
    out = list(read_lines(data, limit=16))
    assert [(n, too_long) for n, _, too_long in out] == [(1, False), (2, True), (3, False)]
    assert out[1][1] == b"x" * 16 and out[2][1] == b"after\n"


# ------------------------------------------------------------------ JSONL


def test_jsonl_broken_fixture_connector_level():
    conn = open_connector(BROKEN / "broken.jsonl")
    assert conn.columns is None
    got = summary(conn.rows())
    # line 3 is blank (skipped); mapper-level problems are still rows here
    assert got == [
        (1, "row"),
        (2, "row"),
        (4, "invalid_utf8"),
        (5, "malformed_json"),
        (6, "not_an_object"),
        (7, "row"),
        (8, "row"),
        (9, "row"),
        (10, "row"),
        (11, "row"),
        (12, "row"),
        (13, "row"),
    ]
    assert {r for _, r in got} - {"row"} <= set(REASONS)


def test_jsonl_quarantine_keeps_file_and_an_excerpt():
    bad = [i for i in open_connector(BROKEN / "broken.jsonl").rows() if isinstance(i, Quarantined)]
    first = bad[0]
    assert first.file == str((BROKEN / "broken.jsonl").resolve())
    assert "bad bytes" in first.raw and first.detail.startswith("byte ")


def test_quarantined_excerpts_keep_no_handles(tmp_path):
    # unparseable lines are kept as excerpts; the values of author-like fields are not (RIGHTS.md)
    path = tmp_path / "handles.jsonl"
    path.write_text(
        '{"text": "停水了", "user": {"screen_name": "alice_w"}, "昵称": "小明同学", "created_at": '
        "\n"
        '["not", "an", "object", {"username": "bob_k"}]\n'
        '{"text": "ok", "Author": "carol", "uid": 99123}\n',
        encoding="utf-8",
    )
    items = list(open_connector(path).rows())
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert [q.reason for q in bad] == ["malformed_json", "not_an_object"]
    joined = " ".join(q.raw for q in bad)
    for handle in ("alice_w", "小明同学", "bob_k"):
        assert handle not in joined
    assert "停水了" in joined and "[author removed]" in joined


def test_jsonl_resume_skips_done_lines():
    conn = open_connector(BROKEN / "broken.jsonl")
    full = summary(conn.rows())
    assert summary(conn.rows(start_after=6)) == [x for x in full if x[0] > 6]
    assert summary(conn.rows(start_after=13)) == []


def test_jsonl_bom_and_crlf(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "one"}\r\n{"text": "two"}\r\n')
    assert [r.fields["text"] for r in open_connector(path).rows()] == ["one", "two"]


def test_jsonl_overlong_line_is_quarantined_not_held(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "' + b"y" * 500 + b'"}\n{"text": "after"}\n')
    conn = open_connector(path)
    conn.max_line_bytes = 64
    assert summary(conn.rows()) == [(1, "row"), (2, "line_too_long"), (3, "row")]


# ------------------------------------------------------------------ CSV


def test_csv_broken_fixture_connector_level():
    conn = open_connector(BROKEN / "broken.csv")
    assert conn.columns == ["id", "text", "created_at", "author", "likes", "extra"]
    got = summary(conn.rows())
    # the first record spans lines 2-3; line 9 is blank; line 14 opens a quote that never
    # closes: it alone is quarantined, and line 15, which the open quote had swallowed, is read
    assert got == [
        (2, "row"),
        (4, "invalid_utf8"),
        (5, "malformed_row"),
        (6, "row"),
        (7, "row"),
        (8, "row"),
        (10, "row"),
        (11, "row"),
        (12, "row"),
        (13, "malformed_row"),
        (14, "malformed_row"),
        (15, "row"),
    ]


def test_csv_stray_quote_quarantines_its_line_and_every_later_row_is_read(tmp_path):
    rows = ["id,text,created_at"] + [f"{i},post {i},2026-11-01" for i in range(5)]
    rows += ['s1,"never closed,2026-11-01']  # line 7: runs to the end of the file
    rows += [f"{i},post {i},2026-11-01" for i in range(5, 52)]
    rows += [
        's2,"closed too late,2026-11-01',
        'x,"y",2026-11-01',
        'ok,"a ""quoted"" word",2026-11-01',
    ]
    rows += ['m1,"two', 'lines",2026-11-01']  # a legitimate multi-line field stays one record
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = summary(open_connector(path).rows())
    assert len(got) == len(rows) - 2  # every line is a row or a quarantined row, but the header
    assert [p for p, kind in got if kind != "row"] == [7, 55]
    assert got[-1] == (58, "row") and (56, "row") in got and (57, "row") in got
    assert sum(kind == "row" for _, kind in got) == 5 + 47 + 3
    # resuming after the stray quote reads the same rows
    assert summary(open_connector(path).rows(start_after=7)) == [x for x in got if x[0] > 7]


def test_csv_multiline_field_and_position():
    first = next(open_connector(BROKEN / "broken.csv").rows())
    assert isinstance(first, RawRow) and first.position == 2
    assert first.fields["text"] == "two-line\ntext"


def test_csv_resume_from_a_record_start():
    conn = open_connector(BROKEN / "broken.csv")
    full = summary(conn.rows())
    assert summary(conn.rows(start_after=8)) == [x for x in full if x[0] > 8]


def test_csv_empty_and_header_only_files_give_no_rows(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header.csv"
    header.write_bytes(b"id,text\n")
    assert open_connector(empty).columns is None and list(open_connector(empty).rows()) == []
    assert (
        open_connector(header).columns == ["id", "text"]
        and list(open_connector(header).rows()) == []
    )


def test_csv_header_names_are_cleaned(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf id ,text,,text\n1,a,b,c\n")
    assert open_connector(path).columns == ["id", "text", "column_3", "text_2"]


def test_a_csv_excel_saved_as_gbk_is_read_as_gb18030(tmp_path):
    """Excel on a Chinese Windows saves CSV in GB18030 (GBK). Such a file was refused with an
    iconv to run, which a Windows user does not have; now it is read as GB18030."""
    path = tmp_path / "gbk.csv"
    path.write_bytes("留言编号,留言详情\n1,你好\n2,噪音扰民\n".encode("gbk"))
    connector = open_connector(path)
    assert connector.columns == ["留言编号", "留言详情"] and connector.encoding == "gb18030"
    assert [r.fields["留言详情"] for r in connector.rows()] == ["你好", "噪音扰民"]


def test_a_gbk_body_under_an_ascii_header_is_read_as_gb18030(tmp_path):
    # English column names, Chinese text saved by Excel as GBK: every row used to be quarantined
    # (invalid_utf8) and the ingest said "stored 0 new posts", exit 0, with no word of the encoding
    path = tmp_path / "gbk_body.csv"
    path.write_bytes(
        "id,text,created_at\n1,公交站太少,2026-11-01\n2,噪音扰民,2026-11-01\n".encode("gbk")
    )
    assert [r.fields["text"] for r in open_connector(path).rows()] == ["公交站太少", "噪音扰民"]


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_one_row_gbk_csv_is_read_and_a_one_row_gbk_jsonl_refused(tmp_path, end):
    # one row was quarantined (invalid_utf8) and the run said "stored 0 new posts", exit 0: the
    # sniff wanted two foreign lines, and dropped a last line without its newline
    csv_path = tmp_path / "one.csv"
    csv_path.write_bytes(f"id,text,created_at\n1,公交站太少,2026-11-01{end}".encode("gbk"))
    assert [r.fields["text"] for r in open_connector(csv_path).rows()] == ["公交站太少"]
    jsonl_path = tmp_path / "one.jsonl"
    jsonl_path.write_bytes(_jsonl(["公交站太少"]).encode("gbk"))
    with pytest.raises(InputError, match="GBK"):
        open_connector(jsonl_path)


def test_a_line_of_a_gbk_csv_that_is_not_gb18030_is_quarantined(tmp_path):
    path = tmp_path / "gbk_bad.csv"
    path.write_bytes(
        "id,text\n1,公交站太少\n".encode("gbk") + b"2,\x81\x20bad\n" + "3,路灯坏了\n".encode("gbk")
    )
    rows = list(open_connector(path).rows())
    assert [getattr(r, "reason", None) for r in rows] == [None, "invalid_gb18030", None]


def test_a_header_in_neither_encoding_is_an_input_error(tmp_path):
    path = tmp_path / "neither.csv"
    path.write_bytes(b"id,\x81\x20text\n1,a\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        open_connector(path)


def test_a_plain_row_beside_one_bad_jsonl_line_is_kept(tmp_path):
    path = tmp_path / "two.jsonl"
    lines = _jsonl(["ok", "噪音扰民"]).splitlines(keepends=True)
    path.write_bytes(lines[0].encode() + lines[1].encode("gbk"))
    rows = list(open_connector(path).rows())
    assert [getattr(r, "reason", None) for r in rows] == [None, "invalid_utf8"]


def test_csv_one_bad_line_in_a_utf8_file_is_still_quarantined(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "id,text\n1,公交站太少\n".encode() + "2,噪音扰民\n".encode("gbk") + "3,路灯坏了\n".encode()
    )
    rows = list(open_connector(path).rows())
    assert [getattr(r, "reason", None) for r in rows] == [None, "invalid_utf8", None]


def test_csv_utf16_is_an_input_error(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("id,text\n1,a\n".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        open_connector(path)


def _jsonl(texts: list[str]) -> str:
    return "".join(
        json.dumps({"id": i, "text": t, "created_at": "2026-11-01"}, ensure_ascii=False) + "\n"
        for i, t in enumerate(texts)
    )


def test_jsonl_in_gbk_is_an_input_error_with_iconv(tmp_path):
    """A GBK JSONL file was read line by line: every line quarantined as invalid_utf8, "stored 0
    new posts", exit 0, where the same text as CSV says which iconv fixes it."""
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(_jsonl(["公交站太少", "噪音扰民", "路灯坏了"]).encode("gbk"))
    with pytest.raises(InputError, match="GBK") as err:
        open_connector(path)
    assert "iconv -f GB18030" in err.value.fix


def test_jsonl_in_utf16_is_an_input_error(tmp_path):
    path = tmp_path / "u16.jsonl"
    path.write_bytes(_jsonl(["公交站太少"]).encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        open_connector(path)


def test_jsonl_one_bad_line_in_a_utf8_file_is_still_quarantined(tmp_path):
    path = tmp_path / "mixed.jsonl"
    texts = ["公交站太少", "噪音扰民", "路灯坏了"]
    lines = _jsonl(texts).splitlines(keepends=True)
    path.write_bytes(lines[0].encode() + lines[1].encode("gbk") + lines[2].encode())
    rows = list(open_connector(path).rows())
    assert [getattr(r, "reason", None) for r in rows] == [None, "invalid_utf8", None]


def test_tsv_uses_tabs(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text("id\ttext\n1\thello, world\n", encoding="utf-8")
    assert [r.fields for r in open_connector(path).rows()] == [{"id": "1", "text": "hello, world"}]


def test_small_good_csv_and_jsonl_read_fully():
    assert summary(open_connector(FIXTURES / "posts_small.csv").rows()) == [
        (n, "row") for n in range(2, 10)
    ]
    assert summary(open_connector(FIXTURES / "posts_small.jsonl").rows()) == [
        (n, "row") for n in range(1, 9)
    ]


# ------------------------------------------------------------------ XLSX


def test_xlsx_broken_fixture_connector_level():
    conn = open_connector(BROKEN / "broken.xlsx")
    assert conn.columns[:5] == ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]
    rows = list(conn.rows())
    assert [r.position for r in rows] == [2, 3, 5, 6, 7, 8, 9, 10]  # row 4 is empty
    assert rows[-1].fields["column_9"] == "beyond header"  # kept, not an error
    assert type(rows[0].fields["留言时间"]).__name__ == "datetime"  # an Excel date cell


def test_xlsx_resume():
    conn = open_connector(BROKEN / "broken.xlsx")
    assert [r.position for r in conn.rows(start_after=6)] == [7, 8, 9, 10]


def test_xlsx_not_a_workbook_is_an_input_error(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("id,text\n1,a\n")
    with pytest.raises(InputError, match="not a readable .xlsx") as err:
        open_connector(path)
    assert "CSV" in err.value.fix


def test_xlsx_empty_workbook_gives_no_rows(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    assert list(open_connector(path).rows()) == []


def test_xlsx_text_cells_are_unescaped(tmp_path):
    # Excel stores a line break inside a cell as _x000D_; the Teddy Cup workbooks have them
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "text"])
    sheet.append([1, "油烟扰民_x000D_\n请尽快处理"])
    sheet.append(
        [2, "a literal _x005F_x000D_ stays"]
    )  # an escaped underscore: the text had "_x000D_"
    path = tmp_path / "escaped.xlsx"
    book.save(path)
    texts = [r.fields["text"] for r in open_connector(path).rows()]
    assert texts == ["油烟扰民\r\n请尽快处理", "a literal _x000D_ stays"]


# ------------------------------------------------------------------ Parquet


def test_parquet_rows_and_positions():
    conn = open_connector(BROKEN / "broken.parquet")
    assert conn.columns == ["id", "text", "created_at", "likes"]
    assert [r.position for r in conn.rows()] == list(range(1, 9))


def test_parquet_resume_skips_row_groups():
    conn = open_connector(BROKEN / "broken.parquet")  # row groups of 3, 3, 2
    assert [r.fields["id"] for r in conn.rows(start_after=4)] == ["p5", "p6", "p7", "p8"]
    assert [r.position for r in conn.rows(start_after=6)] == [7, 8]
    assert list(conn.rows(start_after=8)) == []


def test_parquet_damaged_is_an_input_error(tmp_path):
    path = tmp_path / "cut.parquet"
    path.write_bytes((BROKEN / "broken.parquet").read_bytes()[:200])
    with pytest.raises(InputError, match="not a readable Parquet"):
        open_connector(path)


def test_file_key_survives_growth_and_renaming_but_not_other_content(tmp_path):
    lines = [json.dumps({"id": i, "text": f"post {i} " + "x" * 80}) + "\n" for i in range(100)]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(lines[:60]))
    key = open_connector(path).file_key()
    with path.open("a") as fh:  # grown, as heard watch sees it: the key was path+size+head
        fh.write("".join(lines[60:]))
    assert open_connector(path).file_key() == key
    renamed = path.rename(tmp_path / "renamed.jsonl")
    assert open_connector(renamed).file_key() == key
    other = tmp_path / "b.jsonl"
    other.write_text("".join(lines[1:]))
    assert open_connector(other).file_key() != key
