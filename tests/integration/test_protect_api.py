"""Protect through the in-process app: the public report link (rate-limited), the moderator's
queue and decision, the statement, one appeal decided by another moderator, the public
transparency figures, calibration for admins, and the refusal of per-author views."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.api.routes.deps import PUBLIC_ACTIONS_PER_HOUR
from heard.settings import Settings


@pytest.fixture(scope="module")
def client_tokens(tmp_path_factory):
    db = tmp_path_factory.mktemp("protect_api") / "p.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def auth(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_report_review_statement_appeal_transparency(client_tokens):
    client, tokens = client_tokens
    r = client.post(
        "/api/v1/report",
        json={"post_id": "seed:w3", "label": "doxxing", "note": "posts a phone number"},
    )
    assert r.status_code == 200 and r.json()["source"] == "public_report"
    flag_id = r.json()["flag_id"]
    bad = client.post("/api/v1/report", json={"post_id": "seed:w3", "label": "politics"})
    # the label is the schema's enum of the taxonomy: another is a 422 that names the field
    assert bad.status_code == 422 and "label" in " ".join(bad.json()["errors"])
    doc = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ReportIn"]
    assert "political opinion never is one" in doc["properties"]["label"]["description"]

    q = client.get("/api/v1/review/queue", headers=auth(tokens, "moderator"))
    assert q.status_code == 200
    item = next(i for i in q.json()["items"] if i["flag_id"] == flag_id)
    assert "13812345678" not in item["post"]["text"] and "[phone]" in item["post"]["text"]
    assert item["label"]["definition"] and item["label"]["misuse"]

    d = client.post(
        f"/api/v1/review/{flag_id}",
        headers=auth(tokens, "moderator"),
        json={"decision": "limit_visibility", "facts": "Publishes a phone number."},
    )
    assert d.status_code == 200, d.text
    decision_id = d.json()["decision_id"]
    again = client.post(
        f"/api/v1/review/{flag_id}",
        headers=auth(tokens, "moderator"),
        json={"decision": "remove", "facts": "x"},
    )
    assert again.status_code == 409  # decided already: a conflict, not an input error

    s = client.get(f"/api/v1/decisions/{decision_id}/statement", headers=auth(tokens, "viewer"))
    assert s.status_code == 200
    st = s.json()["statement"]
    assert st["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]
    assert st["source_type"] == "SOURCE_ARTICLE_16" and st["automated_detection"] == "No"
    assert st["category"] == "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"

    # a viewer account cannot file (and so cannot use up) the author's one appeal
    viewer = client.post(
        "/api/v1/appeals",
        headers=auth(tokens, "viewer"),
        json={"decision_id": decision_id, "text": "not the author"},
    )
    assert viewer.status_code == 403
    a = client.post(
        "/api/v1/appeals",
        headers=auth(tokens, "moderator"),
        json={"decision_id": decision_id, "text": "It is the water company's number."},
    )
    assert a.status_code == 200
    appeal_id = a.json()["appeal_id"]
    twice = client.post(
        "/api/v1/appeals",
        headers=auth(tokens, "moderator"),
        json={"decision_id": decision_id, "text": "again"},
    )
    assert twice.status_code == 409 and "appealed already" in twice.json()["error"]
    same = client.post(
        f"/api/v1/appeals/{appeal_id}/decision",
        headers=auth(tokens, "moderator"),
        json={"outcome": "reversed"},
    )
    assert same.status_code == 409 and "may not decide its appeal" in same.json()["error"]
    other = client.post(
        f"/api/v1/appeals/{appeal_id}/decision",
        headers=auth(tokens, "admin"),
        json={"outcome": "reversed", "facts": "A public utility's number."},
    )
    assert other.status_code == 200 and other.json()["outcome"] == "reversed"

    t = client.get("/api/v1/transparency")
    assert t.status_code == 200
    body = t.json()
    assert body["decisions"]["by_decision"] == {"limit_visibility": 1}
    assert body["appeals"]["by_outcome"] == {"reversed": 1}
    assert "author" not in t.text
    dsa = client.get("/api/v1/dsa/statements", headers=auth(tokens, "moderator"))
    assert [x["puid"] for x in dsa.json()["statements"]] == [decision_id]
    cal = client.get("/api/v1/calibration", headers=auth(tokens, "admin"))
    assert cal.status_code == 200 and cal.json()["moderators"] == []


def test_an_illegal_ground_decision_carries_its_legal_ground(client_tokens):
    client, tokens = client_tokens
    r = client.post("/api/v1/report", json={"post_id": "seed:w5", "label": "violent_threat"})
    assert r.status_code == 200, r.text
    flag_id = r.json()["flag_id"]
    url, who = f"/api/v1/review/{flag_id}", auth(tokens, "moderator")
    body = {"decision": "remove", "facts": "A threat.", "ground": "illegal"}
    bare = client.post(url, headers=who, json=body)
    assert bare.status_code == 400 and "legal ground" in bare.json()["error"]
    ok = client.post(url, headers=who, json={**body, "legal_ground": "StGB § 241"})
    assert ok.status_code == 200, ok.text
    s = client.get(f"/api/v1/decisions/{ok.json()['decision_id']}/statement", headers=who)
    assert s.json()["statement"]["illegal_content_legal_ground"] == "StGB § 241"


def test_per_author_views_are_refused(client_tokens):
    client, tokens = client_tokens
    for path in ("/api/v1/flags", "/api/v1/decisions"):
        r = client.get(path, params={"author": "authorkey-w3"}, headers=auth(tokens, "admin"))
        assert r.status_code == 400 and "per-author" in r.json()["error"], path
    ok = client.get("/api/v1/flags", headers=auth(tokens, "moderator"))
    assert ok.status_code == 200 and "authorkey" not in ok.text


def test_reports_are_rate_limited_per_address(client_tokens):
    client, _ = client_tokens
    codes = [
        client.post("/api/v1/report", json={"post_id": "seed:w1", "label": "spam"}).status_code
        for _ in range(PUBLIC_ACTIONS_PER_HOUR + 2)
    ]
    assert 429 in codes and codes.count(200) <= PUBLIC_ACTIONS_PER_HOUR
    # one budget for every public action of an address: the statements lookup is spent too
    r = client.post("/api/v1/statements", json={"token": "x" * 32})
    assert r.status_code == 429 and "Retry-After" in r.headers
