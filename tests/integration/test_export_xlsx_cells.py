"""An XLSX export stays a workbook Excel (and Heard) can open, whatever the posts hold. Before,
one post with U+FFFF or U+FFFE (noncharacters, e.g. from a broken converter) was written raw,
and the whole sheet was not well-formed XML: openpyxl itself could not read the export back;
and a text longer than an Excel cell (32,767 characters) was cut by openpyxl without a word."""

from __future__ import annotations

import io
from datetime import datetime

from api_seed import build
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from heard.api import create_app
from heard.cli import run
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

LONG = "路灯不亮。" * 8_000  # 40,000 characters: allowed in a post, too long for a cell


def seed(db):
    posts = {
        "nonchar": "the water \uffff is brown \ufffe again",
        "long": LONG,
        "plain": "the bus was late",
    }
    with open_store(db) as store:
        store.write_batch(
            [
                Post(
                    id=f"seed:{key}",
                    source="seed",
                    external_id=key,
                    text=text,
                    title="title \uffff" if key == "nonchar" else None,
                    created_at=datetime(2026, 11, 3),
                    author_key=f"a-{key}",
                )
                for key, text in posts.items()
            ],
            {"lang": ["en"] * 3, "search_text": ["x"] * 3},
            {},
            [],
            source="seed",
        )


def texts(book_bytes: bytes) -> dict[str, tuple[str, str]]:
    sheet = load_workbook(io.BytesIO(book_bytes), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    col = {name: i for i, name in enumerate(header)}
    return {
        r[col["external_id"]]: (r[col["text"]], r[col["title"]])
        for r in rows
        if r[col["source"]] == "seed"
    }


def check(got: dict[str, tuple[str, str]]) -> None:
    assert got["nonchar"] == ("the water \ufffd is brown \ufffd again", "title \ufffd")
    text = got["long"][0]
    assert len(text) == 32_767 and text.startswith(LONG[:30_000])
    assert text.endswith(" … [cut: 40,000 characters in all; CSV and JSONL exports keep all]")
    assert got["plain"][0] == "the bus was late"


def test_cli_xlsx_export_of_hostile_texts_opens(tmp_path, capsys):
    db = tmp_path / "x.duckdb"
    build(db)
    seed(db)
    out = tmp_path / "posts.xlsx"
    assert run(["export", "--out", str(out), "--db", str(db)]) == 0
    check(texts(out.read_bytes()))
    csv_out = tmp_path / "posts.csv"  # the CSV keeps the whole text
    assert run(["export", "--out", str(csv_out), "--db", str(db)]) == 0
    assert LONG in csv_out.read_text(encoding="utf-8-sig")


def test_api_xlsx_export_of_hostile_texts_opens(tmp_path):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    seed(db)
    with TestClient(create_app(Settings(db=db))) as client:
        r = client.get(
            "/api/v1/export",
            params={"what": "posts", "format": "xlsx"},
            headers={"Authorization": f"Bearer {tokens['analyst']}"},
        )
        assert r.status_code == 200, r.text
        check(texts(r.content))
