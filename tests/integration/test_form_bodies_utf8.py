"""A form body sent with its UTF-8 bytes as they are (``curl -d 'text=东湖路停水'``, which does
not percent-encode) is read as UTF-8, as a browser's percent-encoded one is: Starlette read the
raw bytes as Latin-1 and stored mojibake ("ä¸\x9c湖…"). Bytes that are not UTF-8 (nor the
charset the Content-Type names) are refused with a 400 that says so, and nothing is stored."""

from __future__ import annotations

import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TEXT = "东湖路停水三天了，请尽快修复"


@pytest.fixture()
def client(tmp_path):
    db = tmp_path / "utf8.duckdb"
    build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as c:
        yield c


def _stored(client, case_id: str) -> str:
    return client.app.state.db.scalar(
        "SELECT p.text FROM cases c JOIN posts p ON p.id = c.post_id WHERE c.case_id = ?",
        [case_id],
    )


def _posts(client) -> int:
    return client.app.state.db.scalar("SELECT count(*) FROM posts")


@pytest.mark.parametrize(
    "body, headers",
    [
        (f"department=water&text={TEXT}".encode(), FORM),
        (
            f"department=water&text={TEXT}".encode("gb18030"),
            {"Content-Type": "application/x-www-form-urlencoded; charset=GB18030"},
        ),
    ],
    ids=["raw-utf8", "named-charset"],
)
def test_a_raw_form_body_is_read_in_its_charset(client, body, headers):
    filed = client.post("/public/report", content=body, headers=headers)
    assert filed.status_code == 200, filed.text
    case_id = re.search(r"/public/cases/(\w+)", filed.text).group(1)
    assert _stored(client, case_id) == TEXT


@pytest.mark.parametrize(
    "body",
    [
        f"department=water&text={TEXT}".encode("gb18030"),  # not UTF-8, no charset named
        b"department=water&text=%E4%B8%9C%FF%FE",  # percent-encoded bytes that are not UTF-8
    ],
    ids=["raw-gbk", "encoded-invalid"],
)
def test_a_form_body_that_is_not_utf8_is_refused_and_nothing_is_stored(client, body):
    before = _posts(client)
    r = client.post("/public/report", content=body, headers=FORM)
    assert r.status_code == 400
    assert "UTF-8" in r.json()["error"] and "charset" in " ".join(r.json()["errors"])
    assert _posts(client) == before


def test_the_report_and_dispute_forms_read_raw_utf8_too(client):
    r = client.post(
        "/report", content="post=seed:w3&label=spam&note=这是诈骗".encode(), headers=FORM
    )
    assert r.status_code in (200, 303), r.text
    note = client.app.state.db.scalar(
        "SELECT evidence FROM flags WHERE source = 'public_report' ORDER BY created_at DESC"
    )
    assert "这是诈骗" in str(note)
    bad = client.post(
        "/api/v1/report", content=b"\xff", headers={"Content-Type": "application/json"}
    )
    assert bad.status_code in (400, 422)  # JSON has its own check: not a 500
