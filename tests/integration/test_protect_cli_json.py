"""``--json`` on ``heard flag``, ``heard notice`` and ``heard gold add`` (valid JSON on stdout,
nothing else there), and ``heard gold kappa`` with nothing to measure: it says why and how to add
gold items, on stderr, and ``--json`` still prints valid JSON."""

from __future__ import annotations

import json

import pytest

from heard.cli import run
from heard.protect.review import Review
from heard.store import open_store

POST = "市长答应的公交线路到现在都没开，群众意见很大，请给个说法。"


def heard(*args) -> int:
    return run([str(a) for a in args])


@pytest.fixture()
def db(tmp_path):
    src = tmp_path / "p.jsonl"
    row = {"id": "j1", "text": POST, "created_at": "2026-11-30T10:00:00+08:00"}
    src.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "p.duckdb"
    assert heard("ingest", src, "--db", path) == 0
    args = ("users", "add", "mod1", "--role", "moderator", "--password", "password-x")
    assert heard(*args, "--db", path) == 0
    return path


def test_gold_kappa_with_nothing_to_measure_says_how_to_add_gold(db, capsys):
    capsys.readouterr()
    assert heard("gold", "kappa", "--db", db) == 0
    said = capsys.readouterr()
    assert "nothing to measure" in said.err and "heard gold add --text" in said.err
    assert heard("gold", "kappa", "--db", db, "--json") == 0
    said = capsys.readouterr()
    assert json.loads(said.out) == [] and "no gold items" in said.err

    text = "Win a free iPhone today, click http://x.example and enter your card"
    add = ("gold", "add", "--text", text, "--label", "spam", "--expected", "remove")
    assert heard(*add, "--db", db, "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert first["added"] is True and first["gold_id"]
    assert heard(*add, "--db", db, "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"gold_id": first["gold_id"], "added": False}
    assert heard("gold", "kappa", "--db", db) == 0
    said = capsys.readouterr()
    assert "no moderator has answered any of the 1 gold item " in said.err
    assert said.out == ""


def test_flag_and_notice_print_json(db, capsys):
    post_id = _post_id(db)
    capsys.readouterr()
    assert heard("flag", post_id, "--label", "harassment", "--db", db, "--json") == 0
    flag = json.loads(capsys.readouterr().out)
    assert flag["post_id"] == post_id and flag["source"] == "public_report"
    assert flag["label"] == "harassment" and flag["created_at"].endswith("Z")
    facts = "A complaint about a bus line: not harassment."
    decide = ("review", "--decide", flag["flag_id"], "--decision", "no_action", "--facts", facts)
    assert heard(*decide, "--as", "mod1", "--db", db) == 0
    capsys.readouterr()
    assert heard("notice", post_id, "--as", "mod1", "--db", db, "--json") == 0
    notice = json.loads(capsys.readouterr().out)
    assert notice["post_id"] == post_id
    with open_store(db) as s:
        assert Review(s).post_of_notice(notice["author_token"]) == post_id


def _post_id(db) -> str:
    with open_store(db) as s:
        return str(s.rows("SELECT id FROM posts")[0]["id"])
