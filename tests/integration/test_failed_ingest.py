"""Issue 16 §18: a failed ingest leaves no empty database behind, and uploading the same file
again adds none of its quarantined rows twice."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

CSV = 'id,text,created_at\n1,路灯坏了,2026-11-01\n2,,2026-11-01\n3,"broken "quote,2026-11-01\n'


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


def test_uploading_a_file_again_adds_no_quarantine_rows(tmp_path):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    h = {"Authorization": f"Bearer {tokens['analyst']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        for source in ("board", "board", "board_again"):  # the same file, also under another source
            r = client.post(
                "/api/v1/ingest",
                headers=h,
                data={"source": source},
                files={"file": ("board.csv", CSV.encode(), "text/csv")},
            )
            assert r.status_code == 200, r.text
        rows = client.app.state.db.store.rows(
            "SELECT position, reason FROM quarantine WHERE file LIKE '%board.csv'"
        )
    assert sorted((r["position"], r["reason"]) for r in rows) == [
        (3, "missing_text"),
        (4, "malformed_row"),
    ]
