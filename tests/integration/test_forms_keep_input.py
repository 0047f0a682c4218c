"""A form the server refuses comes back with what was typed and chosen, so that the person fixes
the one thing named and sends it again: a responder's reply (and its closing status), a
moderator's decision (decision, label, ground, legal ground, facts), a decision on an appeal,
a citizen's reason for a dispute, a report's label, a login's user name. Before, each came back
empty (a moderator's decision fell back to the first option, "no_action")."""

from __future__ import annotations

import re

import pytest
from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient
from moderation_steps import as_role, reported_and_removed

from heard.api import create_app
from heard.settings import Settings

REPLY = "我们已派人复查东湖路管网，明天上午恢复供水。"


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "forms.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _form(page: str, form_id: str) -> str:
    return page.split(f'id="{form_id}"')[1].split("</form>")[0]


def test_a_refused_reply_keeps_its_text_and_closing_status(env):
    client, tokens = env
    case_id = CLOSED_CASE["water"]  # closed as fixed: closing it again is refused
    r = client.post(
        f"/desk/cases/{case_id}/reply",
        data={"text": REPLY, "close_as": "closed"},
        headers=as_role(tokens, "admin"),
    )
    assert r.status_code == 409 and "cannot move to closed" in r.text
    form = _form(r.text, "reply-form")
    assert f">{REPLY}</textarea>" in form
    assert '<option value="closed" selected>' in form
    note = client.post(
        f"/desk/cases/{case_id}/status",
        data={"status": "fixed", "note": "复查完毕"},
        headers=as_role(tokens, "admin"),
    )
    assert note.status_code == 409 and 'value="复查完毕"' in _form(note.text, "status-form")


def test_a_refused_decision_keeps_every_choice(env):
    client, tokens = env
    client.post("/report", data={"post": "seed:w3", "label": "spam", "note": "广告"})
    queue = client.get("/moderate", headers=as_role(tokens, "moderator"))
    flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
    r = client.post(
        f"/moderate/items/{flag_id}",
        data={"decision": "remove", "label": "doxxing", "ground": "illegal",
              "legal_ground": "  ", "facts": "公布他人电话号码。"},
        headers=as_role(tokens, "moderator"),
    )  # fmt: skip
    assert r.status_code == 400 and "legal ground" in r.text
    form = _form(r.text, "decide-form")
    assert '<option value="remove" selected>' in form
    assert '<option value="doxxing" selected>' in form
    assert '<option value="illegal" selected>' in form
    assert ">公布他人电话号码。</textarea>" in form
    r = client.post(
        f"/moderate/items/{flag_id}",
        data={"decision": "remove", "label": "doxxing", "ground": "illegal",
              "legal_ground": "个人信息保护法 第10条", "facts": ""},
        headers=as_role(tokens, "moderator"),
    )  # fmt: skip
    assert r.status_code == 400 and 'value="个人信息保护法 第10条"' in _form(r.text, "decide-form")


def test_a_refused_appeal_decision_keeps_its_outcome_and_facts(env):
    client, tokens = env
    token, decision_id = reported_and_removed(client, tokens, "seed:w3")
    filed = client.post(
        "/statement/appeal",
        data={"token": token, "decision_id": decision_id, "text": "这是供水热线，不是个人电话。"},
    )
    assert filed.status_code in (200, 303)
    appeals = client.get("/moderate/appeals", headers=as_role(tokens, "moderator"))
    appeal_id = re.search(r'data-appeal="([^"]+)"', appeals.text).group(1)
    r = client.post(
        f"/moderate/appeals/{appeal_id}",
        data={"outcome": "reversed", "facts": "号码是公共服务热线。"},
        headers=as_role(tokens, "moderator"),  # who took the decision may not decide its appeal
    )
    assert r.status_code == 409
    form = r.text.split(f'data-appeal="{appeal_id}"')[1].split("</form>")[0]
    assert '<option value="reversed" selected>' in form
    assert 'value="号码是公共服务热线。"' in form


def test_a_dispute_with_a_wrong_token_keeps_its_reason(env):
    client, _ = env
    r = client.post(
        f"/public/cases/{CLOSED_CASE['water']}/dispute",
        data={"token": "not-the-token", "note": "东湖路还是没有水"},
    )
    assert r.status_code == 404
    assert ">东湖路还是没有水</textarea>" in _form(r.text, "dispute-form")


def test_a_failed_login_keeps_the_user_name(env):
    client, _ = env
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    r = client.post(
        "/login", data={"username": "analyst", "password": "wrong-password", "csrf_token": csrf}
    )
    assert r.status_code == 401 and 'value="analyst"' in _form(r.text, "login-form")


def test_a_refused_report_keeps_its_label_and_note(env):
    client, _ = env
    r = client.post(
        "/report", data={"post": "seed:w3", "label": "harassment", "note": "骂人" * 2000}
    )
    assert r.status_code == 400
    form = r.text.split("<form")[1].split("</form>")[0]
    assert '<option value="harassment" selected>' in form and "骂人骂人" in form
