"""Two exports joined with ``cat`` (a clerk's way to make one file of two), each saved with a
UTF-8 byte-order mark as Excel and many tools write it: the second file's BOM lands at the start
of a line mid-file. Before, in JSONL that line's post was quarantined as ``malformed_json``
("Unexpected UTF-8 BOM"); in CSV the second header was not recognised (its first name was
"\\ufefftext"), was read as a post, and every row after it was stored under the first file's
column order: ids as texts and texts as ids. Now both read like the files read on their own."""

from __future__ import annotations

import json

import pytest

from heard.cli import run
from heard.store import open_store

BOM = b"\xef\xbb\xbf"


def posts_and_quarantine(db):
    with open_store(db, read_only=True) as store:
        posts = {r["external_id"]: r["text"] for r in store.rows("SELECT * FROM posts")}
        reasons = [r["reason"] for r in store.rows("SELECT reason FROM quarantine")]
    return posts, reasons


@pytest.mark.slow
def test_joined_exports_with_byte_order_marks_lose_and_mangle_nothing(tmp_path, capsys):
    def line(i: str, text: str) -> bytes:
        record = {"id": i, "text": text, "created_at": "2026-11-02T10:00:00+08:00"}
        return json.dumps(record, ensure_ascii=False).encode() + b"\r\n"

    jsonl = tmp_path / "joined.jsonl"
    jsonl.write_bytes(
        BOM
        + line("a1", "垃圾站三天没有清运了")
        + BOM
        + line("b1", "the street lights on Elm Road are out")
        + line("b2", "夜里施工噪音太大")
    )
    csv = tmp_path / "joined.csv"
    csv.write_bytes(
        BOM
        + "id,text,created_at\r\nc1,小区门口路灯坏了,2026-11-02 10:00\r\n".encode()
        + BOM  # the second export has its columns in another order
        + "text,id,created_at\r\nthe bus to the hospital was late,c2,2026-11-02 11:00\r\n".encode()
    )
    db = tmp_path / "joined.duckdb"
    assert run(["ingest", str(jsonl), str(csv), "--db", str(db), "--json"]) == 0
    capsys.readouterr()
    posts, reasons = posts_and_quarantine(db)
    assert posts == {
        "a1": "垃圾站三天没有清运了",
        "b1": "the street lights on Elm Road are out",
        "b2": "夜里施工噪音太大",
        "c1": "小区门口路灯坏了",
        "c2": "the bus to the hospital was late",
    }
    assert reasons == ["header_again"]


def test_a_watched_stream_of_joined_files_reads_the_second_files_first_line():
    # ``heard watch`` reads each line with the same parser (``cat a.jsonl b.jsonl | heard watch``)
    from heard.connectors.jsonl import parse_line
    from heard.records import RawRow

    item = parse_line("stdin", 7, BOM + b'{"text": "no water since morning"}')
    assert isinstance(item, RawRow) and item.fields == {"text": "no water since morning"}
