"""A .csv separated by ';' (Excel's CSV in locales with a decimal comma), a tab or '|'. Before,
its header read as one column and ``heard ingest`` said "no column for text ... the file has:
id;text;created_at" with the fix "--map text=COLUMN", which cannot help: nothing was readable."""

from __future__ import annotations

import pytest

from heard.cli import run
from heard.connectors import open_connector
from heard.store import open_store


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_a_csv_with_another_separator_is_read_by_it(tmp_path, sep):
    path = tmp_path / "export.csv"
    rows = [
        ["id", "text", "created_at"],
        ["s1", "路灯坏了, 晚上很黑", "2026-11-02 10:00"],
        ["s2", "bus 12 was late", "2026-11-02 11:00"],
    ]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    conn = open_connector(path)
    assert conn.columns == ["id", "text", "created_at"]
    got = [(r.position, r.fields["text"]) for r in conn.rows()]
    assert got == [(2, "路灯坏了, 晚上很黑"), (3, "bus 12 was late")]


def test_a_one_column_csv_keeps_its_commas(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("text\nonly one column; with a semicolon\n", encoding="utf-8")
    rows = list(open_connector(path).rows())
    assert [r.fields for r in rows] == [{"text": "only one column; with a semicolon"}]


@pytest.mark.slow
def test_heard_ingest_stores_a_semicolon_csv(tmp_path, capsys):
    path = tmp_path / "board.csv"
    path.write_text(
        "id;text;created_at\nb1;楼道的灯坏了一个月;2026-11-02 10:00\n", encoding="utf-8-sig"
    )
    db = tmp_path / "b.duckdb"
    assert run(["ingest", str(path), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        assert [r["text"] for r in store.rows("SELECT text FROM posts")] == ["楼道的灯坏了一个月"]
