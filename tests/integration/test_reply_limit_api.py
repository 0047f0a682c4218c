"""The case API answers a reply over the limit as the desk does and as docs/answer/pages.md says:
400 with its length and what to do. Before, ``POST /api/v1/cases/{id}/reply`` checked the length
at the HTTP layer: a reply of 20,001 characters was a 422 "String should have at most 20000
characters", and one of 20,000 with a trailing line break (which the reply drops) was refused
too."""

from __future__ import annotations

from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.answer.cases import MAX_REPLY_CHARS
from heard.api import create_app
from heard.settings import Settings


def test_a_reply_over_the_limit_is_a_400_with_its_length(tmp_path):
    db = tmp_path / "limit.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['responder']}"}
    url = f"/api/v1/cases/{CLOSED_CASE['transport']}/reply"
    with TestClient(create_app(Settings(db=db))) as client:
        over = client.post(url, json={"text": "站" * (MAX_REPLY_CHARS + 1)}, headers=auth)
        assert over.status_code == 400, over.text
        assert f"{MAX_REPLY_CHARS + 1} characters" in over.json()["error"]
        assert "link longer documents" in over.json()["errors"][0]
        at = client.post(url, json={"text": "站" * MAX_REPLY_CHARS + "\r\n"}, headers=auth)
        assert at.status_code == 200, at.text
        reply = client.get(f"/api/v1/public/cases/{CLOSED_CASE['transport']}").json()["case"]
        assert len(reply["reply"]["text"]) == MAX_REPLY_CHARS
