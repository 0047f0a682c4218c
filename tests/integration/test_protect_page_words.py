"""Words on the protect pages, read as an anonymous reporter and as a moderator would (found in
the running dashboard): the report form's button said "Upload and ingest" (the upload page's
words), and the moderator's statement after a decision showed a Python list,
``['DECISION_VISIBILITY_CONTENT_REMOVED']``."""

from __future__ import annotations

import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "words.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _button(html: str) -> str:
    form = html[html.index('id="report-post-form"') :]
    return re.search(r'<button type="submit">([^<]*)</button>', form).group(1)


def test_the_report_form_says_what_it_sends(env):
    client, _ = env
    assert _button(client.get("/report", params={"post": "seed:w3"}).text) == "Send the report"
    zh = client.get("/report", params={"post": "seed:w3"}, headers={"Accept-Language": "zh-CN"})
    assert _button(zh.text) == "提交举报"
    assert "Upload and ingest" not in client.get("/report", params={"post": "seed:w3"}).text


def test_a_report_link_to_no_post_says_so_before_anything_is_written(env):
    # the form was shown for an unknown post (or none), and the error came only after sending
    client, _ = env
    unknown = client.get("/report", params={"post": "seed:nope"})
    assert unknown.status_code == 404
    assert 'id="report-error">no post &#39;seed:nope&#39;' in unknown.text
    assert 'id="report-post-form"' not in unknown.text
    none = client.get("/report")
    assert none.status_code == 400 and 'id="report-post-form"' not in none.text
    assert 'id="report-post-form"' in client.get("/report", params={"post": "seed:w3"}).text


def test_the_decided_page_lists_the_visibility_without_brackets(env):
    client, tokens = env
    filed = client.post("/api/v1/report", json={"post_id": "seed:w3", "label": "harassment"})
    flag_id = filed.json()["flag_id"]
    page = client.post(
        f"/moderate/items/{flag_id}",
        data={"decision": "remove", "facts": "Insults a named neighbour."},
        headers={"Authorization": f"Bearer {tokens['moderator']}"},
    )
    assert page.status_code == 200, page.text[:300]
    dd = re.search(r"<dt>decision_visibility</dt><dd>([^<]*)</dd>", page.text).group(1)
    assert dd == "DECISION_VISIBILITY_CONTENT_REMOVED"


def test_long_facts_come_back_on_the_page_with_their_length(env):
    """Facts over 5,000 characters got a JSON 422 from the form ("body.facts: String should
    have at most 5000 characters") and the moderator lost what they wrote; and a textarea's
    maxlength counts a line break once while the form sends two characters, so a text the
    browser allowed could be refused."""
    client, tokens = env
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    flag_id = client.post(
        "/api/v1/report", json={"post_id": "seed:w3", "label": "harassment"}
    ).json()["flag_id"]
    long = "甲" * 5001
    page = client.post(
        f"/moderate/items/{flag_id}", data={"decision": "remove", "facts": long}, headers=mod
    )
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "at most 5,000 characters; this one has 5,001" in page.text
    assert long in page.text  # kept in the form
    lines = "\r\n".join(["乙" * 499] * 10)  # 4,990 + 9 line breaks as the browser counts them
    done = client.post(
        f"/moderate/items/{flag_id}", data={"decision": "remove", "facts": lines}, headers=mod
    )
    assert done.status_code == 200, done.text[:300]


def test_the_queue_and_the_form_name_the_harm_label_not_a_topic(env):
    """The review queue's column and the decision form's label select were headed "Topic"
    ("话题"), the listen side's word for a cluster of posts: a moderator choosing "Topic:
    Harassment" is not told this is the harm label the decision is taken under."""
    client, tokens = env
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    flag_id = client.post(
        "/api/v1/report", json={"post_id": "seed:w3", "label": "harassment"}
    ).json()["flag_id"]
    queue = client.get("/moderate", headers=mod).text
    assert "<th>Harm label</th>" in queue and "<th>Topic</th>" not in queue
    item = client.get(f"/moderate/items/{flag_id}", headers=mod).text
    assert 'Harm label <select name="label">' in item
    zh = client.get(f"/moderate/items/{flag_id}", headers={**mod, "Accept-Language": "zh-CN"})
    assert '违规类型 <select name="label">' in zh.text
