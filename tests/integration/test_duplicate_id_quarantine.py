"""A row that repeats a post id with another text is quarantined (``duplicate_id``, with its
position and the id), so nothing is lost silently: the first version was kept and the later one
only counted (``duplicate_ids_in_input``, ``other_messages``), found nowhere after. The same id
with the same text stays a silent duplicate: re-ingesting a file quarantines nothing. Checked
within a batch, across batches (the first version stored already) and through the upload page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

ROWS = [
    {"id": "1", "text": "东湖路停水两天了，请尽快恢复供水。"},
    {"id": "2", "text": "12路公交晚点严重，每天等四十分钟。"},
    {"id": "3", "text": "工地夜间施工噪音扰民。"},
    {"id": "1", "text": "某学校违规收取补课费。"},  # another message under id 1: position 4
    {"id": "2", "text": "12路公交晚点严重，每天等四十分钟。"},  # the same message again
]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(
            json.dumps({**r, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    return path


def _ingest(capsys, *args) -> dict:
    capsys.readouterr()
    assert run(["ingest", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _quarantine(db: Path) -> list[dict]:
    with open_store(db, read_only=True) as store:
        return store.rows("SELECT position, reason, detail, raw FROM quarantine ORDER BY position")


@pytest.mark.parametrize("batch_size", [512, 1], ids=["one-batch", "stored-before"])
def test_a_reused_id_with_another_text_is_quarantined(tmp_path, capsys, batch_size):
    db = tmp_path / "d.duckdb"
    src = _write(tmp_path / "posts.jsonl", ROWS)
    first = _ingest(capsys, src, "--db", db, "--batch-size", batch_size)
    assert first["stored"] == 3 and first["quarantined"] == 1
    assert first["quarantine_reasons"] == {"duplicate_id": 1}
    assert first["rows_read"] == first["stored"] + first["quarantined"] + (
        first["already_stored"] + first["duplicate_ids_in_input"]
    )
    [row] = _quarantine(db)
    assert row["position"] == 4 and row["reason"] == "duplicate_id"
    assert "posts:1" in row["detail"] and "different text" in row["detail"]
    assert "补课费" in row["raw"]  # the lost message is kept to read
    assert run(["quarantine", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert "duplicate_id" in json.dumps(listed)

    again = _ingest(capsys, src, "--db", db, "--batch-size", batch_size)  # resumes: nothing new
    assert again["stored"] == 0 and again["quarantined"] == 0
    other = (
        _write(tmp_path / "copy" / "posts.jsonl", ROWS[:3])
        if (tmp_path / "copy").mkdir() is None
        else None
    )
    same = _ingest(capsys, other, "--db", db)  # the same messages from another path: silent
    assert same["quarantined"] == 0 and same["stored"] == 0
    assert len(_quarantine(db)) == 1


def test_the_cli_line_and_the_upload_page_show_it(tmp_path, capsys):
    db = tmp_path / "u.duckdb"
    src = _write(tmp_path / "posts.jsonl", ROWS)
    capsys.readouterr()
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "1 row quarantined (duplicate_id 1)" in said, said
    from heard.auth.accounts import Accounts

    with open_store(db) as store:
        Accounts(store).add_user("up", "password-x1", "analyst")
        token = Accounts(store).create_token("up", "t")[1]
    upload = tmp_path / "board.jsonl"
    _write(upload, [{"id": "9", "text": "路灯坏了"}, {"id": "9", "text": "井盖丢了"}])
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        page = client.post(
            "/upload",
            files={"file": ("board.jsonl", upload.read_bytes(), "application/jsonl")},
            headers={"Authorization": f"Bearer {token}", "Accept": "text/html"},
        )
        assert page.status_code == 200, page.text
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
        assert "duplicate_id" in text or "different text" in text, text
        api = client.post(
            "/api/v1/ingest",
            files={"file": ("board2.jsonl", upload.read_bytes().replace(b'"9"', b'"8"'))},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = api.json()
        assert api.status_code == 200, body
        assert (
            body["summary"]["quarantined"] == 1 if "summary" in body else body["quarantined"] == 1
        )


def test_watch_quarantines_it_too(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    src = _write(tmp_path / "feed.jsonl", ROWS)
    capsys.readouterr()
    assert run(["watch", str(src), "--once", "--db", str(db)]) == 0
    capsys.readouterr()
    [row] = _quarantine(db)
    assert row["reason"] == "duplicate_id" and row["position"] == 4


@pytest.mark.parametrize("batch_size", [512, 1], ids=["one-batch", "stored-before"])
def test_a_board_exported_again_with_other_line_ends_holds_the_same_messages(
    tmp_path, capsys, batch_size
):
    """附件4.xlsx keeps CRLF inside its messages, its CSV export LF: the same 2,816 messages,
    yet 74 rows were quarantined as ``duplicate_id`` ("a different text") when both were
    ingested. Line ends, runs of spaces and full-width spaces do not make another message;
    a changed word still does."""
    db = tmp_path / "b.duckdb"
    rows = [
        {"id": "1", "text": "东湖路停水两天了。\r\n\u3000\u3000请尽快恢复供水。"},
        {"id": "2", "text": "12路公交晚点严重，\r\n每天等四十分钟。 "},
    ]
    first = _ingest(capsys, _write(tmp_path / "board.jsonl", rows), "--db", db)
    assert first["stored"] == 2
    again = [
        {"id": "1", "text": "东湖路停水两天了。\n  请尽快恢复供水。"},
        {"id": "2", "text": "12路公交晚点严重，\n每天等四十分钟。"},
        {"id": "2", "text": "12路公交晚点严重， 每天等四十分钟。"},  # in the same file again
        {"id": "3", "text": "工地夜间施工噪音扰民。"},
    ]
    export = tmp_path / "export" / "board.jsonl"
    export.parent.mkdir()
    second = _ingest(capsys, _write(export, again), "--db", db, "--batch-size", batch_size)
    assert second["quarantined"] == 0, _quarantine(db)
    assert second["stored"] == 1 and second["other_messages"] == 0
    changed = tmp_path / "changed" / "board.jsonl"
    changed.parent.mkdir()
    reworded = [{"id": "1", "text": "东湖路停水三天了。\n请尽快恢复供水。"}]
    third = _ingest(capsys, _write(changed, reworded), "--db", db)
    assert third["quarantine_reasons"] == {"duplicate_id": 1}
