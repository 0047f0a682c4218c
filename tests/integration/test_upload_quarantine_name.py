"""Rows quarantined from a dashboard or API upload name the file as it was sent.

They were stored under the server's temporary copy (/tmp/heard-upload-x1y2/board.csv), which
``heard quarantine`` and the dashboard's quarantine page then showed: nothing the uploader
knew. A store that holds such rows from before still reads. The real API and pages on a real
DuckDB file, and the real CLI."""

from __future__ import annotations

import json
from datetime import datetime

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

BOARD = (
    "id,text,created_at\n"
    "1,东湖路停水三天了,2026-11-03 09:00\n"
    "2,,2026-11-03 10:00\n"  # no text: quarantined at position 3 (its line)
)


def _quarantine_json(db, capsys) -> list[dict]:
    assert run(["quarantine", "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_uploads_quarantined_rows_carry_the_name_it_was_sent_as(tmp_path, capsys):
    db = tmp_path / "up.duckdb"
    tokens = build(db)
    before = {r["file"] for r in _quarantine_json(db, capsys)}
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        page = client.post(
            "/upload",
            files={"file": ("../东湖 board.csv", BOARD.encode())},
            headers={**analyst, "Accept": "text/html"},
        )
        assert page.status_code == 200 and 'id="count-quarantined">1<' in page.text
        assert 'class="q-position">3<' in page.text  # this upload's row, listed with it
        other = BOARD.replace("1,东湖路", "7,西湖路").replace("2,,", "8,,")
        api = client.post("/api/v1/ingest", files={"file": ("other.csv", other.encode())},
                          headers=analyst)  # fmt: skip
        assert api.status_code == 200 and api.json()["quarantined"] == 1, api.text
        assert [q["position"] for q in api.json()["quarantined_rows"]] == [3]
        listed = client.get("/quarantine", headers={**analyst, "Accept": "text/html"}).text

    rows = [r for r in _quarantine_json(db, capsys) if r["file"] not in before]
    assert sorted(r["file"] for r in rows) == ["other.csv", "东湖_board.csv"], rows
    assert "heard-upload-" not in listed and "东湖_board.csv" in listed
    assert run(["quarantine", "--db", str(db)]) == 0
    shown = capsys.readouterr()
    assert "东湖_board.csv" in shown.out and "heard-upload-" not in shown.out + shown.err


def test_the_same_name_uploaded_again_lists_only_its_own_rows(tmp_path):
    db = tmp_path / "up.duckdb"
    tokens = build(db)
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    later = BOARD.replace("1,东湖路停水三天了", "1,东湖路停水三天了\n5,,2026-11-04 08:00\n6,西湖路")
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        first = client.post("/api/v1/ingest", files={"file": ("b.csv", BOARD.encode())},
                            headers=analyst)  # fmt: skip
        second = client.post("/api/v1/ingest", files={"file": ("b.csv", later.encode())},
                             headers=analyst)  # fmt: skip
    assert [q["position"] for q in first.json()["quarantined_rows"]] == [3]
    reply = second.json()
    assert reply["quarantined"] == len(reply["quarantined_rows"]), reply


def test_a_store_with_rows_quarantined_under_a_temporary_path_still_reads(tmp_path, capsys):
    db = tmp_path / "old.duckdb"
    tokens = build(db)
    with open_store(db) as store:
        store.con.execute(
            "INSERT INTO quarantine VALUES ('k-old', 'board', '/tmp/heard-upload-ab12/board.csv', "
            "3, 'missing_text', 'no text', '{}', ?)",
            [datetime(2026, 11, 3, 9)],
        )
    rows = _quarantine_json(db, capsys)
    assert "/tmp/heard-upload-ab12/board.csv" in {r["file"] for r in rows}
    analyst = {"Authorization": f"Bearer {tokens['analyst']}", "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        page = client.get("/quarantine", headers=analyst)
    assert page.status_code == 200 and "<bdi>board.csv</bdi>" in page.text  # its last part
