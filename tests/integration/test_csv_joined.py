"""Two CSV exports joined into one file (``cat may.csv june.csv > board.csv``): the second
header is a line in the middle, maybe with its columns in another order or one more. Its rows
are read by its own names (they used to be read by the first header's: times in the text column,
each row quarantined as bad_date), the header line is quarantined as ``header_again`` with its
line, and a resumed ingest past it still reads by it. A real ingest into a real DuckDB file."""

from __future__ import annotations

from heard.cli import run
from heard.connectors.csvfile import CsvConnector
from heard.records import RawRow
from heard.store import open_store

BOARD = (
    "id,text,created_at\n"
    "1,东湖路停水三天了,2026-11-01T10:00:00Z\n"
    "id,text,created_at\n"  # the same header again
    "2,菜市场噪音扰民,2026-11-01T12:00:00Z\n"
    "created_at,likes,id,text\n"  # reordered, and one column more
    "2026-11-01T13:00:00Z,4,3,路灯不亮\n"
    "2026-11-01T14:00:00Z,0,4,公交站台的灯坏了\n"
)


def test_a_joined_csv_reads_each_part_by_its_own_header(tmp_path):
    src, db = tmp_path / "board.csv", tmp_path / "b.duckdb"
    src.write_text(BOARD, encoding="utf-8")
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        posts = store.rows("SELECT external_id, text, created_at FROM posts ORDER BY external_id")
        bad = store.rows("SELECT position, reason FROM quarantine ORDER BY position")
    assert [(p["external_id"], p["text"], p["created_at"].hour) for p in posts] == [
        ("1", "东湖路停水三天了", 10),
        ("2", "菜市场噪音扰民", 12),
        ("3", "路灯不亮", 13),
        ("4", "公交站台的灯坏了", 14),
    ]
    assert [(q["position"], q["reason"]) for q in bad] == [(3, "header_again"), (5, "header_again")]


def test_resuming_after_the_second_header_still_reads_by_it(tmp_path):
    src = tmp_path / "board.csv"
    src.write_text(BOARD, encoding="utf-8")
    rows = list(CsvConnector(src).rows(start_after=6))
    assert [r.fields for r in rows if isinstance(r, RawRow)] == [
        {"created_at": "2026-11-01T14:00:00Z", "likes": "0", "id": "4", "text": "公交站台的灯坏了"}
    ]
