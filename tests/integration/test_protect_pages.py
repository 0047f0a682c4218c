"""The protect side's pages (issue 19 §3–§5): anyone reports a post; a moderator works the
queue and decides with a statement of the facts, and gets the author's notice token once; a
removed post's text is then shown nowhere (search, topic, export, the public case page), only a
notice; the author reads the statement with the token and appeals once; the moderator who
decided may not decide the appeal; a reversal shows the post again; the transparency figures
are public; calibration is for admins. Bad input is a 4xx page, never a 500."""

from __future__ import annotations

import json
import re

import pytest
from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.ratelimit import LoginLimiter
from heard.settings import Settings

POST = "seed:w3"  # the water post with a phone number (also the closed water case's concern)
PAGE = {"Accept": "text/html"}


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "protect_pages.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _as(tokens, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}", **PAGE}


def _report(client, post: str = POST, label: str = "doxxing"):
    return client.post("/report", data={"post": post, "label": label, "note": "电话号码"})


def _decide(client, tokens, decision: str = "remove", role: str = "moderator"):
    queue = client.get("/moderate", headers=_as(tokens, role))
    flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
    page = client.get(f"/moderate/items/{flag_id}", headers=_as(tokens, role))
    assert page.status_code == 200 and 'id="definition"' in page.text
    return client.post(
        f"/moderate/items/{flag_id}",
        data={"decision": decision, "facts": "公布他人电话号码。", "label": "doxxing"},
        headers=_as(tokens, role),
    )


def test_report_decide_hide_statement_appeal_and_reverse(env):
    client, tokens = env
    form = client.get(f"/report?post={POST}")
    assert form.status_code == 200 and 'name="label"' in form.text
    sent = _report(client)
    assert sent.status_code == 200 and 'id="report-sent"' in sent.text

    done = _decide(client, tokens)
    assert done.status_code == 200 and 'id="decision">remove<' in done.text
    token = re.search(r'id="author-token">([^<]+)<', done.text).group(1)
    decision_id = re.search(r'id="decision-id">([^<]+)<', done.text).group(1)

    # the removed post's text is shown nowhere, only a notice naming the decision; a search
    # for its words does not find it (the notice would confirm them)
    found = client.get(
        "/api/v1/posts", params={"q": "停水", "limit": 100}, headers=_as(tokens, "viewer")
    )
    assert POST not in [p["id"] for p in found.json()["posts"]]
    found = client.get("/api/v1/posts", params={"limit": 100}, headers=_as(tokens, "viewer"))
    removed = next(p for p in found.json()["posts"] if p["id"] == POST)
    assert removed["text"] is None and removed["moderation"]["decision_id"] == decision_id
    case = client.get(f"/public/cases/{CLOSED_CASE['water']}")
    assert "老人用水" not in case.text.split('id="concern"')[1].split("</section>")[0]
    assert decision_id in case.text and "report-link" not in case.text
    from heard.listen.hotspots.series import sample_posts

    [sample] = sample_posts(client.app.state.db, [POST], 3)  # a hot spot's or an alert's sample
    assert sample["text"] is None and sample["moderation"]["decision"] == "remove"
    export = client.get(
        "/api/v1/export",
        params={"what": "posts", "format": "jsonl"},
        headers=_as(tokens, "analyst"),
    )
    rows = [json.loads(line) for line in export.text.splitlines() if line.strip()]
    assert next(r for r in rows if r["external_id"] == "w3")["text"] in (None, "")

    # the author reads the statement with the token and appeals once
    wrong = client.post("/statement", data={"token": "not-the-token"})
    assert wrong.status_code == 404 and 'id="statement-error"' in wrong.text
    shown = client.post("/statement", data={"token": token})
    assert shown.status_code == 200 and decision_id in shown.text
    assert "STATEMENT_CATEGORY" in shown.text and 'class="appeal-form"' in shown.text
    appealed = client.post(
        "/statement/appeal",
        data={"token": token, "decision_id": decision_id, "text": "这是供水公司的热线。"},
    )
    assert appealed.status_code == 200 and 'id="appeal-sent"' in appealed.text
    twice = client.post(
        "/statement/appeal", data={"token": token, "decision_id": decision_id, "text": "again"}
    )
    assert twice.status_code == 409 and "appealed already" in twice.text

    # the moderator who decided may not decide the appeal; another one reverses it
    appeals = client.get("/moderate/appeals", headers=_as(tokens, "moderator"))
    appeal_id = re.search(r'data-appeal="([^"]+)"', appeals.text).group(1)
    same = client.post(
        f"/moderate/appeals/{appeal_id}",
        data={"outcome": "reversed"},
        headers=_as(tokens, "moderator"),
    )
    assert same.status_code == 409 and "may not decide its appeal" in same.text
    other = client.post(
        f"/moderate/appeals/{appeal_id}",
        data={"outcome": "reversed", "facts": "A public service number."},
        headers=_as(tokens, "admin"),
        follow_redirects=False,
    )
    assert other.status_code == 303
    back = client.get(
        "/api/v1/posts", params={"q": "停水", "limit": 100}, headers=_as(tokens, "viewer")
    )
    post = next(p for p in back.json()["posts"] if p["id"] == POST)
    assert post["text"] and post["moderation"] is None and "13812345678" not in post["text"]

    figures = client.get("/transparency")
    assert figures.status_code == 200
    assert 'id="flags-total">1<' in figures.text and 'id="appeals-total">1<' in figures.text


def test_limited_visibility_hides_on_public_pages_only(env):
    client, tokens = env
    _report(client)
    done = _decide(client, tokens, decision="limit_visibility")
    assert done.status_code == 200
    inside = client.get(
        "/api/v1/posts", params={"q": "停水", "limit": 100}, headers=_as(tokens, "viewer")
    )
    post = next(p for p in inside.json()["posts"] if p["id"] == POST)
    assert post["text"] and post["moderation"]["decision"] == "limit_visibility"
    public = client.get(f"/api/v1/public/cases/{CLOSED_CASE['water']}").json()["case"]
    assert public["text"] is None and public["moderation"]["hidden"] is True


def test_bad_input_is_a_4xx_page_and_roles_hold(env):
    client, tokens = env
    assert _report(client, label="politics").status_code == 400  # never a label
    assert _report(client, post="seed:nope").status_code == 404
    bad = client.post(
        "/moderate/items/f-nope", data={"decision": "remove"}, headers=_as(tokens, "moderator")
    )
    assert bad.status_code == 404
    _report(client)
    queue = client.get("/moderate", headers=_as(tokens, "moderator"))
    flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
    no_facts = client.post(
        f"/moderate/items/{flag_id}", data={"decision": "remove"}, headers=_as(tokens, "moderator")
    )
    assert no_facts.status_code == 400 and "statement of the facts" in no_facts.text
    for role in ("viewer", "responder", "analyst"):
        assert client.get("/moderate", headers=_as(tokens, role)).status_code == 403
    assert client.get("/admin/calibration", headers=_as(tokens, "moderator")).status_code == 403
    assert client.get("/admin/calibration", headers=_as(tokens, "admin")).status_code == 200
    for page in ("/transparency", "/statement", f"/report?post={POST}"):
        text = client.get(page).text
        assert "13812345678" not in text and "authorkey-" not in text


def test_the_public_limit_holds_over_tokens_and_reports(env):
    client, _ = env
    client.app.state.public_limiter = LoginLimiter(max_failures=3, window_s=3600.0)
    for _ in range(3):
        client.post("/statement", data={"token": "guess"})
    refused = _report(client)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_a_removed_posts_title_is_not_in_the_case_lists(env):
    """A removed post is shown nowhere, title included; the case lists (a department's public
    page and its API, the desk's queue) showed the title of a removed concern's case."""
    client, tokens = env
    db = client.app.state.db
    with db.write_lock, db.store.transaction():  # a board message has a title (留言主题)
        db.store.execute("UPDATE posts SET title = ? WHERE id = ?", ["东湖路停水三天", POST])
    db.changed()
    water = CLOSED_CASE["water"]
    assert "东湖路停水三天" in client.get("/public/departments/water").text  # shown before
    _report(client)
    assert _decide(client, tokens).status_code == 200
    page = client.get("/public/departments/water")
    api = client.get("/api/v1/public/departments/water").json()
    desk = client.get("/desk?department=water", headers=_as(tokens, "analyst"))
    queue = client.get("/api/v1/cases", params={"department": "water"},
                       headers={"Authorization": f"Bearer {tokens['analyst']}"})  # fmt: skip
    for text in (page.text, json.dumps(api, ensure_ascii=False), desk.text, queue.text):
        assert water in text and "东湖路停水三天" not in text, text[:300]
    row = next(c for c in api["cases"] if c["case_id"] == water)
    assert row["moderation"]["decision"] == "remove"
