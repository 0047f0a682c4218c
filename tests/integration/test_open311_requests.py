"""Open311 GeoReport v2 gaps: ``requests.json`` defaults to the last 90 days (back from the
newest request) and pages its results (``page``, ``page_size`` up to 1000; it was capped at 200
with no way to the rest); a dispute without a token is a 400 that says the token is needed (it
was a 404, as if the request did not exist); ``status_notes`` of a reopened request says it was
reopened instead of showing the reply it disputes as the answer."""

from __future__ import annotations

from datetime import datetime

import pytest
from api_seed import CASE_TOKEN, CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

OLD = datetime(2026, 1, 5, 9, 0)  # far more than 90 days before the tests run


@pytest.fixture()
def env(tmp_path):
    from heard.answer import cases as workflow

    db = tmp_path / "answer.duckdb"
    build(db)
    with open_store(db) as store:
        case, event = workflow.new_case(
            "seed:old", OLD, "water", deadline_days=5, confidence=0.9, routed_by="seed",
            explanation=None, at=OLD,
        )  # fmt: skip
        store.cases.open_cases([case], [event])
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, case["case_id"]


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [r["service_request_id"] for r in answer.json()]


def test_requests_default_to_the_last_90_days_and_page(env):
    client, old = env
    url = "/open311/v2/requests.json"
    recent = _ids(client.get(url))
    assert set(recent) == {CLOSED_CASE["water"], CLOSED_CASE["transport"]}, recent
    then = _ids(client.get(url, params={"start_date": "2026-01-01T00:00:00Z",
                                        "end_date": "2026-02-01T00:00:00Z"}))  # fmt: skip
    assert then == [old]
    first = _ids(client.get(url, params={"page_size": 1}))
    second = _ids(client.get(url, params={"page_size": 1, "page": 2}))
    assert len(first) == len(second) == 1 and first + second == recent
    assert _ids(client.get(url, params={"page_size": 1, "page": 3})) == []
    too_many = client.get(url, params={"page_size": 1001})
    assert 400 <= too_many.status_code < 500 and "page_size" in too_many.text


def test_a_historical_board_lists_its_own_last_90_days(tmp_path):
    """The 90 days count back from the newest request, not from today: a board exported years
    ago (附件4 is from 2019-2020) still lists its requests by default."""
    from heard.answer import cases as workflow

    db = tmp_path / "old-board.duckdb"
    with open_store(db) as store:
        opened = []
        for i, when in enumerate((datetime(2019, 3, 1), datetime(2019, 11, 20), OLD.replace(2020))):
            case, event = workflow.new_case(
                f"board:{i}", when, "water", deadline_days=5, confidence=0.9, routed_by="seed",
                explanation=None, at=when,
            )  # fmt: skip
            store.cases.open_cases([case], [event])
            opened.append(case["case_id"])
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        assert _ids(client.get("/open311/v2/requests.json")) == [opened[2], opened[1]]


def test_a_dispute_without_a_token_says_the_token_is_required(env):
    client, _ = env
    water = CLOSED_CASE["water"]
    url = f"/open311/v2/requests/{water}/dispute.json"
    missing = client.post(url, data={"description": "still no water"})
    assert missing.status_code == 400, missing.text
    assert "token" in missing.json()[0]["description"]
    wrong = client.post(url, data={"token": "not-the-token"})
    assert wrong.status_code == 404  # a wrong token still reads as no such request


def test_status_notes_of_a_reopened_request_say_it_was_reopened(env):
    client, _ = env
    water = CLOSED_CASE["water"]
    url = f"/open311/v2/requests/{water}.json"
    reply = client.get(url).json()[0]["status_notes"]
    assert reply.startswith("抢修已完成")
    disputed = client.post(f"/open311/v2/requests/{water}/dispute.json", data={"token": CASE_TOKEN})
    assert disputed.status_code == 200, disputed.text
    for answer in (disputed.json()[0], client.get(url).json()[0]):
        assert answer["status"] == "open"
        assert answer["status_notes"] != reply and "disputed" in answer["status_notes"]


def test_an_unknown_service_code_is_a_400_naming_the_services(env):
    """``requests.json?service_code=<typo>`` answered ``[]``, as if the service had no requests:
    a GeoReport error now says the code is unknown and names the valid ones."""
    client, _ = env
    codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
    answer = client.get("/open311/v2/requests.json?service_code=watr")
    assert answer.status_code == 400
    [error] = answer.json()
    assert error["code"] == 400 and "unknown service_code 'watr'" in error["description"]
    assert all(code in error["description"] for code in codes)
    assert "services.json" in error["description"]
    assert _ids(client.get("/open311/v2/requests.json?service_code=water"))  # a real one lists
    assert client.get("/open311/v2/requests.json?service_code=").status_code == 200  # no filter


def test_service_codes_and_statuses_can_be_listed_comma_delimited(env):
    """GeoReport v2: ``service_code`` and ``status`` "can be declared multiple times, comma
    delimited". ``service_code=water,transport`` was a 400 (an unknown service named
    'water,transport') and ``status=open,closed`` a 422: a 311 client asking for two services
    or both statuses got an error instead of its requests."""
    client, old = env
    url = "/open311/v2/requests.json"
    both = {CLOSED_CASE["water"], CLOSED_CASE["transport"]}
    assert set(_ids(client.get(url, params={"service_code": "water,transport"}))) == both
    assert set(_ids(client.get(url, params={"service_code": "water, transport,"}))) == both
    assert _ids(client.get(url, params={"service_code": "water"})) == [CLOSED_CASE["water"]]
    typo = client.get(url, params={"service_code": "water,watr"})
    assert typo.status_code == 400
    assert "unknown service_code 'watr'" in typo.json()[0]["description"]
    assert set(_ids(client.get(url, params={"status": "open,closed"}))) == both
    assert _ids(client.get(url, params={"status": "closed"})) == [CLOSED_CASE["water"]]
    assert _ids(client.get(url, params={"status": "open"})) == [CLOSED_CASE["transport"]]
    assert _ids(client.get(url, params={"status": "open", "service_code": "water"})) == [old]
    bad = client.get(url, params={"status": "open,soon"})
    assert bad.status_code == 422 and "status" in bad.json()[0]["description"]


def test_a_range_that_ends_before_it_starts_is_a_400(env):
    """``start_date`` after ``end_date`` listed ``[]``, as if no request had been made then."""
    client, _ = env
    answer = client.get(
        "/open311/v2/requests.json",
        params={"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00+08:00"},
    )
    assert answer.status_code == 400
    [error] = answer.json()
    assert "start_date" in error["description"] and "end_date" in error["description"]
    same = {"start_date": "2026-01-05T09:00:00Z", "end_date": "2026-01-05T17:00:00+08:00"}
    assert client.get("/open311/v2/requests.json", params=same).status_code == 200
