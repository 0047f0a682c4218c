"""A case's page says where its concern came from in the reader's language: the public form,
an Open311 request or an issue (several messages), not the source's key ("heard-form",
"open311", "issue"); other sources (a board, a feed) keep their own names."""

from __future__ import annotations

import re

from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def _line(page: str) -> str:
    return page.split('id="concern"')[1].split('<p class="muted">')[1].split("</p>")[0]


def test_the_concerns_channel_is_said_in_words(tmp_path):
    db = tmp_path / "channel.duckdb"
    build(db)
    zh = {"Cookie": "heard_lang=zh"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        filed = client.post("/public/report", data={"department": "water", "text": "东湖路又停水"})
        case_id = re.search(r"/public/cases/(\w+)", filed.text).group(1)
        assert _line(client.get(f"/public/cases/{case_id}", headers=zh).text).endswith(
            "公众留言表单"
        )
        assert _line(client.get(f"/public/cases/{case_id}").text).endswith("the public form")
        o311 = client.post(
            "/open311/v2/requests.json",
            data={"service_code": "water", "description": "东湖路水压很低"},
        ).json()[0]["service_request_id"]
        assert _line(client.get(f"/public/cases/{o311}", headers=zh).text).endswith("Open311 请求")
        seed = _line(client.get(f"/public/cases/{CLOSED_CASE['water']}").text)
        assert seed.endswith(" · seed")  # a source of the deployment's own keeps its name
