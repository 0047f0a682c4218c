"""Reporting the same post under the same label again from the same address (or account) is not
a new flag: the answer is the first report's flag, ``duplicate: true``, and a page that says so.
An anonymous address files at most ``REPORTS_PER_HOUR`` new reports an hour (a 429 that says
why), inside the shared public budget. Through the real API and the report form."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.api.reports import REPORTS_PER_HOUR
from heard.settings import Settings


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "repeats.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _flags(client, tokens, post):
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    flags = client.get("/api/v1/flags", params={"limit": 500}, headers=mod).json()["flags"]
    return sorted((f["label"], f["status"]) for f in flags if f["post_id"] == post)


def test_a_repeated_report_is_answered_with_the_first(env):
    client, tokens = env
    body = {"post_id": "seed:w3", "label": "doxxing", "note": "posts a phone number"}
    first = client.post("/api/v1/report", json=body)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    again = client.post("/api/v1/report", json={**body, "note": "again"})
    assert again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["flag_id"] == first.json()["flag_id"]
    assert "already" in again.json()["message"]
    page = client.post("/report", data={"post": "seed:w3", "label": "doxxing", "note": "x"})
    assert page.status_code == 200 and 'id="report-repeat"' in page.text
    assert 'id="report-sent"' not in page.text
    assert _flags(client, tokens, "seed:w3") == [("doxxing", "pending")]
    other = client.post("/api/v1/report", json={**body, "label": "harassment"})
    assert other.json()["duplicate"] is False  # another label is another report
    assert len(_flags(client, tokens, "seed:w3")) == 2

    # once the first report is decided, reporting again is a new report
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    decided = client.post(
        f"/api/v1/review/{first.json()['flag_id']}",
        headers=mod,
        json={
            "decision": "no_action",
            "facts": "A hotline number, not a private one.",
            "flag_ids": [first.json()["flag_id"], other.json()["flag_id"]],  # both shown
        },
    )
    assert decided.status_code == 200, decided.text
    later = client.post("/api/v1/report", json=body)
    assert later.json()["duplicate"] is False
    assert later.json()["flag_id"] != first.json()["flag_id"]


def test_an_address_files_a_few_new_reports_an_hour(env):
    client, tokens = env
    posts = [f"seed:w{i}" for i in range(10, 10 + REPORTS_PER_HOUR + 1)]
    codes = [
        client.post("/api/v1/report", json={"post_id": p, "label": "spam"}).status_code
        for p in posts
    ]
    assert codes == [200] * REPORTS_PER_HOUR + [429]
    refused = client.post("/api/v1/report", json={"post_id": posts[-1], "label": "spam"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert f"filed {REPORTS_PER_HOUR} reports in the last hour" in refused.json()["error"]
    page = client.post("/report", data={"post": posts[-1], "label": "spam"})
    assert page.status_code == 429
    # a repeat is still answered: it files nothing
    repeat = client.post("/api/v1/report", json={"post_id": posts[0], "label": "spam"})
    assert repeat.status_code == 200 and repeat.json()["duplicate"] is True
    # an account is not an anonymous address: its reports count against the shared limit only
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    signed = client.post(
        "/api/v1/report", json={"post_id": posts[-1], "label": "spam"}, headers=mod
    )
    assert signed.status_code == 200 and signed.json()["duplicate"] is False


def test_two_identical_reports_at_once_file_one_flag(env, monkeypatch):
    """The repeat check and the write are one step under the store's write lock: two identical
    reports arriving together (a double click, a retried request) file one flag. Before, both
    passed the check before either had written, and both were stored."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from heard.protect.review import Review

    client, tokens = env
    real = Review.report

    def slow_report(self, *args, **kwargs):
        time.sleep(0.3)  # the write takes a while: the second request arrives meanwhile
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Review, "report", slow_report)
    body = {"post_id": "seed:w7", "label": "spam"}
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: client.post("/api/v1/report", json=body), range(2)))
    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(a.json()["duplicate"] for a in answers) == [False, True]
    assert len({a.json()["flag_id"] for a in answers}) == 1
    assert _flags(client, tokens, "seed:w7") == [("spam", "pending")]
