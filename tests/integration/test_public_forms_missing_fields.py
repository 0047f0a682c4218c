"""A public protect form sent without one of its fields (a script, a form saved from an older
page) is answered on the form's page with what to fix, what was typed kept: the report form
without a label, the appeal form without its decision, were a bare 422 error page
("body.label: Field required") that lost the note or the appeal's text."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

PAGE = {"Accept": "text/html"}


@pytest.fixture()
def client(tmp_path):
    db = tmp_path / "forms.duckdb"
    build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as c:
        yield c


def test_a_report_without_a_label_says_to_choose_one_and_keeps_the_note(client):
    r = client.post("/report", data={"post": "seed:w3", "note": "这是诈骗链接"}, headers=PAGE)
    assert r.status_code == 400
    assert 'id="report-error"' in r.text and "no label was chosen" in r.text
    assert "这是诈骗链接" in r.text
    api = client.post("/api/v1/report", json={"post_id": "seed:w3", "label": ""})
    assert api.status_code == 422  # the API's schema names the labels


def test_an_appeal_without_its_decision_is_answered_on_the_page(client):
    r = client.post("/statement/appeal", data={"token": "x", "text": "我的理由"}, headers=PAGE)
    assert r.status_code == 404 and 'id="statement-error"' in r.text
