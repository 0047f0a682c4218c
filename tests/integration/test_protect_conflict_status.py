"""A refused moderation step answers 409 only for a real conflict (an appeal decided or filed
already, the moderator who took the decision deciding its appeal, a flag decided already) and
400 for input the person can fix (no reasons, an unknown outcome, none chosen), on the pages and
the API alike. ``/moderate/appeals`` answered 409 for every refusal, a missing reason included;
the API answered 400 for every one, conflicts included."""

from __future__ import annotations

import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient
from moderation_steps import as_role, reported_and_removed

from heard.api import create_app
from heard.settings import Settings


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "conflicts.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _pending_appeal(client, tokens) -> tuple[str, str]:
    token, decision_id = reported_and_removed(client, tokens, "seed:w3")
    client.post(
        "/statement/appeal",
        data={"token": token, "decision_id": decision_id, "text": "这是供水热线，不是个人电话。"},
    )
    appeals = client.get("/moderate/appeals", headers=as_role(tokens, "moderator"))
    return re.search(r'data-appeal="([^"]+)"', appeals.text).group(1), decision_id


def test_the_appeals_page_answers_input_errors_with_400_and_conflicts_with_409(env):
    client, tokens = env
    appeal_id, _ = _pending_appeal(client, tokens)
    admin = as_role(tokens, "admin")  # did not take the decision: may decide the appeal
    url = f"/moderate/appeals/{appeal_id}"

    no_reasons = client.post(url, data={"outcome": "upheld", "facts": "  "}, headers=admin)
    assert no_reasons.status_code == 400 and "needs its reasons" in no_reasons.text
    unknown = client.post(url, data={"outcome": "maybe", "facts": "理由"}, headers=admin)
    assert unknown.status_code == 400 and "not an appeal outcome" in unknown.text
    none = client.post(url, data={"facts": "理由写好了"}, headers=admin)
    assert none.status_code == 400 and 'value="理由写好了"' in none.text  # kept, not a 422 page

    same = client.post(
        url, data={"outcome": "reversed", "facts": "理由"}, headers=as_role(tokens, "moderator")
    )
    assert same.status_code == 409 and "may not decide its appeal" in same.text
    done = client.post(
        url, data={"outcome": "upheld", "facts": "理由"}, headers=admin, follow_redirects=False
    )
    assert done.status_code == 303
    again = client.post(url, data={"outcome": "reversed", "facts": "理由"}, headers=admin)
    assert again.status_code == 409 and "decided already" in again.text


def test_the_api_answers_conflicts_with_409_and_input_errors_with_400(env):
    client, tokens = env
    appeal_id, decision_id = _pending_appeal(client, tokens)
    bearer = {"Authorization": f"Bearer {tokens['admin']}"}

    twice = client.post(
        "/api/v1/appeals", headers=bearer, json={"decision_id": decision_id, "text": "again"}
    )
    assert twice.status_code == 409 and "appealed already" in twice.json()["error"]
    url = f"/api/v1/appeals/{appeal_id}/decision"
    bare = client.post(url, headers=bearer, json={"outcome": "upheld", "facts": ""})
    assert bare.status_code == 400 and "needs its reasons" in bare.json()["error"]
    moderator = {"Authorization": f"Bearer {tokens['moderator']}"}
    same = client.post(url, headers=moderator, json={"outcome": "upheld", "facts": "理由"})
    assert same.status_code == 409
    ok = client.post(url, headers=bearer, json={"outcome": "upheld", "facts": "理由"})
    assert ok.status_code == 200
    again = client.post(url, headers=bearer, json={"outcome": "upheld", "facts": "理由"})
    assert again.status_code == 409 and "decided already" in again.json()["error"]
    spec = client.get("/api/v1/openapi.json").json()["paths"]
    assert "409" in spec["/api/v1/appeals"]["post"]["responses"]
    assert "409" in spec["/api/v1/appeals/{appeal_id}/decision"]["post"]["responses"]
    assert "409" in spec["/api/v1/review/{flag_id}"]["post"]["responses"]


def test_a_decision_form_without_its_decision_keeps_the_facts(env):
    client, tokens = env
    client.post("/report", data={"post": "seed:w3", "label": "doxxing"})
    queue = client.get("/moderate", headers=as_role(tokens, "moderator"))
    flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
    r = client.post(
        f"/moderate/items/{flag_id}",
        data={"facts": "公布他人电话。"},
        headers=as_role(tokens, "moderator"),
    )
    assert r.status_code == 400 and "is not a decision" in r.text  # not a 422 error page
    assert ">公布他人电话。</textarea>" in r.text
