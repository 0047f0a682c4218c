"""Issue 16's bar: 1,000 good lines, every poison line, 1,000 good lines → rc 0, all 2,000 good
posts stored, each poison line quarantined or normalised with its reason; through the API the
client gets 200 with the quarantine count, never a 500."""

from __future__ import annotations

import json

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

POISON = {
    "surrogate": '{"id": "p-sur", "text": "x\\ud800", "created_at": "2026-11-01 10:00:00"}',
    "deep": '{"id": "p-deep", "text": "deep", "created_at": "2026-11-01 10:00:00", "x": '
    + "[" * 1000
    + "]" * 1000
    + "}",
    "int64": '{"id": "p-int", "text": "big", "created_at": "2026-11-01 10:00:00", '
    '"likes": 9223372036854775808}',
    "float": '{"id": "p-flt", "text": "bigger", "created_at": "2026-11-01 10:00:00", '
    '"likes": 1e20}',
    "digits": '{"id": "p-dig", "text": "digits", "created_at": "2026-11-01", "likes": '
    + "9" * 5000
    + "}",
    "surrogate_title": '{"id": "p-tit", "title": "\\udfff", "text": "ok", "created_at": '
    '"2026-11-01"}',
}


def good(i: int) -> str:
    return json.dumps(
        {
            "id": f"g{i}",
            "text": f"第{i}号 bus stop {i % 37} is dirty again",
            "created_at": "2026-11-01 10:00:00",
        },
        ensure_ascii=False,
    )


@pytest.mark.slow
def test_poison_lines_between_good_ones_never_stop_the_ingest(tmp_path, capsys):
    src = tmp_path / "poison.jsonl"
    lines = (
        [good(i) for i in range(1000)]
        + list(POISON.values())
        + [good(i) for i in range(1000, 2000)]
    )
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "p.duckdb"
    assert run(["ingest", str(src), "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    with open_store(db, read_only=True) as store:
        ids = {r["external_id"]: r for r in store.rows("SELECT external_id, raw FROM posts")}
        quarantined = {r["position"]: r["reason"] for r in store.rows("SELECT * FROM quarantine")}
        assert store.scalar("SELECT count(*) FROM posts WHERE sentiment_label IS NULL") == 0
    assert {f"g{i}" for i in range(2000)} <= set(ids)
    # each poison line: quarantined with its position and reason, or stored with a note
    assert quarantined == {1002: "too_deep", 1005: "malformed_json"}
    for key in ("p-sur", "p-int", "p-flt", "p-tit"):
        assert json.loads(ids[key]["raw"])["_heard_notes"], key
    assert summary["stored"] == 2004 and summary["quarantined"] == 2


@pytest.fixture()
def client(tmp_path):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as c:
        yield c, {"Authorization": f"Bearer {tokens['analyst']}"}


@pytest.mark.slow
def test_poison_through_the_api_gets_200_with_the_quarantine_count(client):
    c, h = client
    lines = [good(1), *POISON.values(), good(2)]
    r = c.post(
        "/api/v1/ingest",
        headers=h,
        files={"file": ("poison.jsonl", ("\n".join(lines) + "\n").encode(), "text/plain")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 6 and r.json()["quarantine_reasons"] == {
        "too_deep": 1,
        "malformed_json": 1,
    }
    # a JSON array body whose one item nests too deep for json.loads: the others are stored
    body = (
        "["
        + ",".join(
            [good(3), POISON["deep"], POISON["surrogate"].replace("p-sur", "p-sur2"), good(4)]
        )
        + "]"
    )
    r = c.post(
        "/api/v1/ingest", headers={**h, "content-type": "application/json"}, content=body.encode()
    )
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 3 and r.json()["quarantine_reasons"] == {"too_deep": 1}


def test_invalid_utf8_row_with_an_escaped_lone_surrogate_is_quarantined(tmp_path):
    """Found by the fuzz run after the merges: the row's excerpt, read back as JSON for the
    handle scrub, held a lone surrogate and broke the write of its own quarantine row."""
    from heard.cli import run
    from heard.store import open_store

    src = tmp_path / "odd.jsonl"
    src.write_bytes(
        b'{"id": "1", "text": "\xe4\xb8\x9c\xe6\xb9\x96", "created_at": "2026-11-01 10:00:00",'
        b' "author": "a1", "title": "\xe5\\ud800\x81\x9c"}\n'
        b'{"id": "2", "text": "fine", "created_at": "2026-11-01 10:00:00"}\n'
    )
    db = tmp_path / "o.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 1
        assert store.rows("SELECT reason FROM quarantine") == [{"reason": "invalid_utf8"}]


@pytest.mark.parametrize("body", [b"", b"\xef\xbb\xbfid,text,created_at\r\n"])
def test_an_empty_upload_is_a_400_that_says_so(client, body):
    """An empty file, or a header only, was a 200 with "stored 0 … rows_read 0"."""
    c, h = client
    r = c.post("/api/v1/ingest", headers=h, files={"file": ("board.csv", body, "text/csv")})
    assert r.status_code == 400, r.text
    assert "board.csv holds no rows" in r.json()["error"]
