"""A concern sent twice is filed once (``heard.answer.repeats``), on DuckDB and PostgreSQL,
through the real HTTP API. Before, a 311 app that retried ``POST /open311/v2/requests.json``
after a timeout, or a person who clicked "send" twice on the public form, got two posts and two
cases in the department's queue. Two people who report the same thing in the same words still
both get a request of their own (their posts count for hot spots), and a repeat of a case that
was closed since is filed anew: the receipt does not bring the closed case back."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

POTHOLE = "长乐路和五一路路口有个大坑，电动车差点摔倒，请尽快填平。"
URL = "/open311/v2/requests.json"


def _count(client: TestClient, table: str) -> int:
    return int(client.app.state.db.scalar(f"SELECT count(*) FROM {table}"))


def _admin(target: str) -> dict[str, str]:
    from heard.auth import Accounts, Role
    from heard.store.backends import open_store

    with open_store(target) as store:
        accounts = Accounts(store)
        accounts.add_user("boss", "long-enough-pw", Role.admin)
        return {"Authorization": f"Bearer {accounts.create_token('boss')[1]}"}


def _file(client: TestClient, **fields: Any) -> dict[str, Any]:
    got = client.post(URL, data=fields)
    assert got.status_code == 200, got.text
    [answer] = got.json()
    return dict(answer)


def test_an_open311_request_sent_twice_opens_one_case(target: str) -> None:
    admin = _admin(target)
    with TestClient(create_app(Settings(db=target, department_preset="teddycup"))) as client:
        code = client.get("/open311/v2/services.json").json()[0]["service_code"]
        fields = {"service_code": code, "description": POTHOLE, "lat": "28.19", "long": "112.98",
                  "email": "Wang@example.com", "device_id": "phone-1"}  # fmt: skip
        posts, cases = _count(client, "posts"), _count(client, "cases")
        first = _file(client, **fields)
        again = _file(client, **{**fields, "email": "wang@example.com"})  # the retry
        assert again["service_request_id"] == first["service_request_id"]
        assert again["token"] == first["token"]  # the first answer may never have arrived
        assert "received already" in again["service_notice"]
        assert (_count(client, "posts"), _count(client, "cases")) == (posts + 1, cases + 1)
        found = client.get(f"/open311/v2/tokens/{again['token']}.json").json()
        assert found[0]["service_request_id"] == first["service_request_id"]

        # another person, the same pothole in the same words: a request (and a post) of their own
        other = _file(client, **{**fields, "email": "li@example.com", "device_id": "phone-2"})
        assert other["service_request_id"] != first["service_request_id"]
        # the same words at another place are another request
        elsewhere = _file(client, **{**fields, "lat": "28.25"})
        assert elsewhere["service_request_id"] not in (
            first["service_request_id"], other["service_request_id"]
        )  # fmt: skip
        assert _count(client, "posts") == posts + 3

        # a sender who says nothing of themselves: the client's address tells them apart
        bare = {"service_code": code, "description": POTHOLE}
        one = _file(client, **bare)
        assert _file(client, **bare)["service_request_id"] == one["service_request_id"]
        neighbour = TestClient(client.app, client=("203.0.113.9", 40000))  # the app is running
        theirs = _file(neighbour, **bare)
        assert theirs["service_request_id"] != one["service_request_id"]
        assert _count(client, "posts") == posts + 5

        # the department closes the first case; the same request again is a new one
        closed = client.post(
            f"/api/v1/cases/{first['service_request_id']}/status",
            json={"status": "fixed"},
            headers=admin,
        )
        assert closed.status_code == 200, closed.text
        anew = _file(client, **fields)
        assert anew["service_request_id"] != first["service_request_id"]
        assert anew["token"] != first["token"] and "received already" not in anew["service_notice"]
        [old] = client.get(f"/open311/v2/requests/{first['service_request_id']}.json").json()
        assert old["status"] == "closed"  # not brought back by the repeat
        assert _file(client, **fields)["service_request_id"] == anew["service_request_id"]
        assert _count(client, "posts") == posts + 6


def _form(client: TestClient) -> tuple[str, str]:
    page = client.get("/public/report").text
    number = re.search(r'name="submission" value="([^"]+)"', page)
    assert number is not None, page[:500]
    code = re.search(r'<option value="([^"]+)"', page)
    assert code is not None
    return number.group(1), code.group(1)


def test_the_public_form_sent_twice_files_one_concern(target: str) -> None:
    with TestClient(create_app(Settings(db=target, department_preset="teddycup"))) as client:
        number, code = _form(client)
        sent = {"department": code, "text": POTHOLE, "submission": number}
        posts = _count(client, "posts")
        first = client.post("/public/report", data=sent)
        again = client.post("/public/report", data=sent)  # a double click
        assert first.status_code == again.status_code == 200, again.text[:300]

        def case_of(page: str) -> str:
            found = re.search(r'href="/public/cases/([^"]+)" id="to-case"', page)
            assert found is not None, page[:500]
            return found.group(1)

        def token_of(page: str) -> str:
            found = re.search(r'<code id="filed-token">([^<]+)</code>', page)
            assert found is not None
            return found.group(1)

        assert case_of(again.text) == case_of(first.text)
        assert token_of(again.text) == token_of(first.text)
        assert 'id="filed-again"' in again.text and 'id="filed-again"' not in first.text
        assert _count(client, "posts") == posts + 1
        # another form (another person at the same computer, or a new concern): its own case
        other, _ = _form(client)
        assert other != number
        third = client.post("/public/report", data={**sent, "submission": other})
        assert case_of(third.text) != case_of(first.text)
        assert _count(client, "posts") == posts + 2
