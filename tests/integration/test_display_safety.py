"""Post text reaches no terminal or page with its escape sequences or bidi overrides working
(issue 16 item 11); the stored text is never altered."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.read.display import neutralise
from heard.settings import Settings
from heard.store import open_store

HOSTILE = "\x1b[31m红色\x1b[0m 停水 \x1b]0;pwned\x07 abc\u202eevil\u202c \x9b2J end\rX"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "api.duckdb"
    tokens = build(path)
    with open_store(path) as store:
        store.con.execute(
            "INSERT INTO posts (id, source, external_id, text, title, text_hash, created_at, "
            "ingested_at, lang) VALUES ('seed:esc', 'seed', 'esc', ?, ?, 'h', ?, now(), 'zh')",
            [HOSTILE, "标题\u202e倒过来", datetime(2030, 1, 1)],
        )
    return path, tokens


def test_neutralise_shows_controls_and_drops_bidi():
    out = neutralise(HOSTILE)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\r" not in out
    assert "\u202e" not in out and "\u202c" not in out
    assert "␛[31m红色" in out and "abcevil" in out  # still visible as what it was
    assert neutralise("第一行\n\t第二行") == "第一行\n\t第二行"


def test_the_cli_prints_no_escape_sequence(db, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    assert run(["posts", "--db", str(db[0]), "--limit", "3"]) == 0
    printed = "".join(capsys.readouterr())
    assert "红色" in printed and "\x1b[31m" not in printed and "\x1b]0;" not in printed
    assert run(["posts", "--db", str(db[0]), "--limit", "3", "--json"]) == 0
    printed = "".join(capsys.readouterr())
    assert "\u202e" not in printed and "\\u001b" not in printed
    with open_store(db[0], read_only=True) as store:  # the stored text is as it came
        assert store.scalar("SELECT text FROM posts WHERE id = 'seed:esc'") == HOSTILE


def test_pages_and_api_carry_no_bidi_override(db, tmp_path):
    copy = tmp_path / "api.duckdb"
    shutil.copy(db[0], copy)
    with TestClient(create_app(Settings(db=copy))) as client:
        h = {"Authorization": f"Bearer {db[1]['viewer']}"}
        for path in ("/search?q=红色", "/api/v1/posts/seed:esc", "/api/v1/posts?limit=5"):
            body = client.get(path, headers=h).text
            assert "红色" in body or "\\u7ea2" in body, path
            assert "\u202e" not in body and "\x1b" not in body and "\\u001b" not in body, path
