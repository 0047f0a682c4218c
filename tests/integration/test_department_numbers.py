"""A department's own published number in its reply is not personal data. Before, "咨询电话
0731-88886666" in an official reply showed as "咨询电话[phone]" on every page: the public could
not read the number the department gave them. A department's ``phone`` (heard.toml, the
dashboard) is now shown as written, with or without its area code; the short public service
numbers (12345, 110, 120, 119, 12315) never were redacted; and a person's number in the same
reply still is."""

from __future__ import annotations

import json

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.answer.departments import parse_departments
from heard.api import create_app
from heard.cli import run
from heard.errors import InputError
from heard.read.redact import set_public_numbers
from heard.settings import Settings

WATER = {"code": "water", "name_zh": "供水", "name_en": "Water supply", "keywords": ["停水"],
         "phone": ["0731-88886666", "96777"]}  # fmt: skip
TRANSPORT = {"code": "transport", "name_zh": "交通运输", "name_en": "Transport",
             "keywords": ["公交"], "phone": "0731-84411234"}  # fmt: skip
REPLY = (
    "已安排抢修。咨询电话0731-88886666，或拨打8441 1234、12345市民热线；紧急情况请拨110、120、"
    "119，消费投诉12315。网友反映的联系人电话13812345678已回访。"
)
CONFIG = (
    '[[departments]]\ncode = "water"\nname_zh = "供水"\nphone = ["0731-88886666", "96777"]\n\n'
    '[[departments]]\ncode = "transport"\nname_zh = "交通运输"\nphone = "0731-84411234"\n'
)


@pytest.fixture(autouse=True)
def _no_numbers_after():
    yield
    set_public_numbers(())  # the server and the CLI set them for the process


def _shown(text: str) -> None:
    for public in ("0731-88886666", "8441 1234", "12345", "110", "120", "119", "12315"):
        assert public in text, (public, text)
    assert "13812345678" not in text and "[phone]" in text  # a person's number


def test_a_departments_number_in_its_reply_is_shown_a_persons_is_not(tmp_path, capsys):
    db = tmp_path / "numbers.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    settings = Settings(db=db, departments=[WATER, TRANSPORT])
    with TestClient(create_app(settings)) as client:
        case_id = next(
            c["case_id"]
            for c in client.get("/api/v1/cases", headers=auth).json()["cases"]
            if c["status"] == "open"
        )
        r = client.post(f"/api/v1/cases/{case_id}/reply", json={"text": REPLY}, headers=auth)
        assert r.status_code == 200, r.text
        public = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]
        _shown(public["reply"]["text"])
        page = client.get(f"/public/cases/{case_id}", headers={"Accept": "text/html"}).text
        _shown(page[page.index('id="reply"') :])
        # and the department's page gives them, as its contact
        water = client.get("/public/departments/water", headers={"Accept": "text/html"}).text
        assert 'id="department-phone"' in water and "0731-88886666, 96777" in water
        api = client.get("/api/v1/public/departments/water").json()
        assert api["phone"] == ["0731-88886666", "96777"]
    set_public_numbers(())
    config = tmp_path / "heard.toml"
    config.write_text(CONFIG, encoding="utf-8")
    capsys.readouterr()
    assert run(["case", case_id, "--db", str(db), "--config", str(config), "--json"]) == 0
    _shown(json.loads(capsys.readouterr().out)["reply"]["text"])


def test_without_configured_numbers_the_departments_landline_is_redacted(tmp_path):
    db = tmp_path / "none.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    plain = [{k: v for k, v in d.items() if k != "phone"} for d in (WATER, TRANSPORT)]
    with TestClient(create_app(Settings(db=db, departments=plain))) as client:
        case_id = next(
            c["case_id"]
            for c in client.get("/api/v1/cases", headers=auth).json()["cases"]
            if c["status"] == "open"
        )
        client.post(f"/api/v1/cases/{case_id}/reply", json={"text": REPLY}, headers=auth)
        text = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]["reply"]["text"]
    assert "0731-88886666" not in text and "12345" in text and "110" in text


def test_a_phone_is_checked_where_it_is_configured():
    [water] = parse_departments([WATER])
    assert water.phones == ("0731-88886666", "96777")
    assert water.to_dict()["phone"] == ["0731-88886666", "96777"]
    with pytest.raises(InputError, match="phone"):
        parse_departments([{**WATER, "phone": "call us"}])
    with pytest.raises(InputError, match="phone"):
        parse_departments([{**WATER, "phone": [12345]}])


def test_a_number_saved_in_the_dashboard_is_shown_at_once(tmp_path):
    db = tmp_path / "edited.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    plain = [{k: v for k, v in d.items() if k != "phone"} for d in (WATER, TRANSPORT)]
    with TestClient(create_app(Settings(db=db, departments=plain))) as client:
        form = {"code": "transport", "name_zh": "交通运输", "name_en": "Transport",
                "keywords": "公交", "phone": "0731-84411234， 96111"}  # fmt: skip
        saved = client.post("/admin/departments", data=form, headers=auth, follow_redirects=False)
        assert saved.status_code == 303, saved.text[:300]
        edit = client.get(saved.headers["location"], headers=auth).text
        assert 'value="0731-84411234, 96111"' in edit
        case_id = next(
            c["case_id"]
            for c in client.get("/api/v1/cases", headers=auth).json()["cases"]
            if c["status"] == "open"
        )
        reply = "请拨打0731-84411234咨询，或联系网友13812345678。"
        client.post(f"/api/v1/cases/{case_id}/reply", json={"text": reply}, headers=auth)
        text = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]["reply"]["text"]
    assert "0731-84411234" in text and "13812345678" not in text
