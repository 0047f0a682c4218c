"""Issue 16 §18: a failed ingest leaves no empty database behind, and uploading the same file
again adds none of its quarantined rows twice."""

from __future__ import annotations

import pytest

from heard.cli import run
from heard.store import open_store

CSV = "id,text,created_at\n1,路灯坏了,2026-11-01\n2,,2026-11-01\n3,\"broken \"quote,2026-11-01\n"


@pytest.mark.parametrize("args", [["--map", "text=nope"], ["--format", "xml"]])
def test_a_failed_ingest_leaves_no_database_file(tmp_path, args):
    src = tmp_path / "board.csv"
    src.write_text(CSV, encoding="utf-8")
    db = tmp_path / "new.duckdb"
    assert run(["ingest", str(src), "--db", str(db), *args]) == 2
    assert not db.exists() and not (tmp_path / "new.duckdb.wal").exists()


def test_a_failed_ingest_keeps_an_existing_database(tmp_path):
    src = tmp_path / "board.csv"
    src.write_text(CSV, encoding="utf-8")
    db = tmp_path / "h.duckdb"
    open_store(db).close()  # made by someone else, empty: not ours to delete
    assert run(["ingest", str(src), "--db", str(db), "--map", "text=nope"]) == 2
    assert db.exists()
