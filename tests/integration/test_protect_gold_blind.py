"""A gold (calibration) item cannot be told from a real flag by a moderator before and when
they decide (issue 19): the queue item, the flags list, the flag's history and the decide
answer have the same shape for both, through the API, ``heard review`` and /moderate — while
transparency figures, the DSA export, statements and the audit log stay free of gold, and
admins still see the gold items and κ. Found by a moderator's probe: the history answered 404
for gold and 200 for a flag, /flags never listed gold ids, a gold item's ``post.id`` was null
and its decide answer read ``recorded: true``."""

from __future__ import annotations

import json
import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.protect.audit import verify
from heard.settings import Settings
from heard.store import open_store

POST = "seed:w3"
GOLD_TEXT = "Buy 1000 followers for $5, click here now"


@pytest.fixture()
def env(tmp_path, capsys):
    db = tmp_path / "gold.duckdb"
    tokens = build(db)
    gold = ["gold", "add", "--text", GOLD_TEXT, "--label", "spam", "--expected", "remove"]
    assert run([*gold, "--db", str(db)]) == 0
    added = capsys.readouterr().err
    gold_id = re.search(r"gold item (f-[0-9a-f]{12}) added", added).group(1)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/report", json={"post_id": POST, "label": "spam"})
        assert r.status_code == 200, r.text
        yield client, tokens, db, gold_id, r.json()["flag_id"]


def _h(tokens, role="moderator"):
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_queue_flags_and_history_look_alike_to_a_moderator(env):
    client, tokens, _db, gold_id, flag_id = env
    items = client.get("/api/v1/review/queue", headers=_h(tokens)).json()["items"]
    gold = next(i for i in items if i["flag_id"] == gold_id)
    real = next(i for i in items if i["flag_id"] == flag_id)
    assert set(gold) == set(real) and set(gold["post"]) == set(real["post"])
    assert [set(f) for f in gold["flags"]] == [set(real["flags"][0])]
    # the post id: in the same id space as a real one (source:external id), never null
    assert re.fullmatch(r"[^:\s]+:\S+", gold["post"]["id"] or ""), gold["post"]

    flags = client.get("/api/v1/flags", headers=_h(tokens)).json()["flags"]
    listed = {f["flag_id"]: f for f in flags}
    assert gold_id in listed and flag_id in listed
    assert set(listed[gold_id]) == set(listed[flag_id])
    assert listed[gold_id]["post_id"] == gold["post"]["id"]
    assert listed[gold_id]["status"] == listed[flag_id]["status"] == "pending"

    hist = [
        client.get(f"/api/v1/flags/{i}/history", headers=_h(tokens)) for i in (gold_id, flag_id)
    ]
    assert hist[0].status_code == hist[1].status_code == 403
    assert hist[0].json()["error"].replace(gold_id, "X") == hist[1].json()["error"].replace(
        flag_id, "X"
    )
    # the original text, asked for by the post id the item shows, as for a real post
    shown = [
        client.post(f"/api/v1/posts/{i['post']['id']}/original", headers=_h(tokens), json=why)
        for i, why in ((gold, {"reason": "needs the link"}), (real, {"reason": "needs the link"}))
    ]
    assert shown[0].status_code == shown[1].status_code == 200, shown[0].text
    assert set(shown[0].json()) == set(shown[1].json())
    assert shown[0].json()["post_id"] == gold["post"]["id"]
    # an admin sees a real flag's history as before
    assert (
        client.get(f"/api/v1/flags/{flag_id}/history", headers=_h(tokens, "admin")).status_code
        == 200
    )


def test_the_decide_answer_has_one_shape_and_nothing_public_counts_gold(env):
    client, tokens, db, gold_id, flag_id = env
    before = client.get("/api/v1/transparency").json()
    body = {"decision": "remove", "facts": "Sells followers."}
    g = client.post(f"/api/v1/review/{gold_id}", headers=_h(tokens), json=body)
    r = client.post(f"/api/v1/review/{flag_id}", headers=_h(tokens), json=body)
    assert g.status_code == r.status_code == 200, (g.text, r.text)
    assert set(g.json()) == set(r.json())
    assert re.fullmatch(r"d-[0-9a-f]{12}", g.json()["decision_id"])
    assert isinstance(g.json()["author_token"], str) and len(g.json()["author_token"]) >= 24
    again = client.post(f"/api/v1/review/{gold_id}", headers=_h(tokens), json=body)
    assert again.status_code == 409

    after = client.get("/api/v1/transparency").json()
    assert after["flags"]["total"] == before["flags"]["total"]
    assert after["decisions"]["total"] == before["decisions"]["total"] + 1
    ids = [
        d["decision_id"]
        for d in client.get("/api/v1/decisions", headers=_h(tokens)).json()["decisions"]
    ]
    assert r.json()["decision_id"] in ids and g.json()["decision_id"] not in ids
    dsa = client.get("/api/v1/dsa/statements", headers=_h(tokens, "admin"))
    assert dsa.status_code == 200 and len(dsa.json()["statements"]) == 1
    assert g.json()["decision_id"] not in dsa.text and GOLD_TEXT not in dsa.text
    st = client.get(f"/api/v1/decisions/{g.json()['decision_id']}/statement", headers=_h(tokens))
    assert st.status_code == 404
    # the token of a gold answer opens nothing
    n = client.post("/api/v1/statements", json={"token": g.json()["author_token"]})
    assert n.status_code in (404, 422)
    # no audit entry was written for the gold answer (the only row written is the answer)
    with open_store(db) as store:
        entries = store.protect.audit_entries()
        assert not any(g.json()["decision_id"] in (e["ref"] or "") for e in entries)
        assert not any(gold_id in (e["payload_text"] or "") for e in entries)
        assert verify(store).ok is True
    cal = client.get("/api/v1/calibration", headers=_h(tokens, "admin")).json()
    assert [m["moderator"] for m in cal["moderators"]] == ["moderator"]
    assert [x["gold_id"] for x in cal["gold"]] == [gold_id]
    assert client.get("/api/v1/calibration", headers=_h(tokens)).status_code == 403


def test_heard_review_answers_gold_like_a_flag(env, capsys):
    _client, _tokens, db, gold_id, flag_id = env
    out = {}
    for item in (gold_id, flag_id):
        decide = ["review", "--decide", item, "--decision", "remove", "--facts", "Sells."]
        assert run([*decide, "--as", "moderator", "--db", str(db), "--json"]) == 0
        out[item] = json.loads(capsys.readouterr().out)
    assert set(out[gold_id]) == set(out[flag_id])
    assert set(out[gold_id]["statement"]) == set(out[flag_id]["statement"])
    assert out[gold_id]["post_id"] != out[flag_id]["post_id"]
    assert out[gold_id]["statement"]["decision_facts"] == "Sells."


def test_heard_review_prints_the_same_lines_for_gold_and_a_flag(env, capsys):
    _client, _tokens, db, gold_id, flag_id = env
    lines = {}
    for item in (gold_id, flag_id):
        decide = ["review", "--decide", item, "--decision", "remove", "--facts", "Sells."]
        assert run([*decide, "--as", "moderator", "--db", str(db)]) == 0
        said = capsys.readouterr()
        lines[item] = (said.out + said.err).replace(item, "ID")
        assert re.search(r"decided ID: remove \(d-[0-9a-f]{12}\)", lines[item]), lines[item]
    masked = [re.sub(r"d-[0-9a-f]{12}|[A-Za-z0-9_-]{32}", "X", t) for t in lines.values()]
    assert masked[0] == masked[1]


def test_the_moderate_page_answers_gold_like_a_flag(env):
    client, tokens, _db, gold_id, flag_id = env
    pages = {}
    for item in (gold_id, flag_id):
        page = client.get(f"/moderate/items/{item}", headers={**_h(tokens), "Accept": "text/html"})
        assert page.status_code == 200
        done = client.post(
            f"/moderate/items/{item}",
            data={"decision": "remove", "facts": "Sells followers.", "label": "spam"},
            headers={**_h(tokens), "Accept": "text/html"},
        )
        assert done.status_code == 200, done.text
        pages[item] = done.text
    for marker in ('id="decision-id"', 'id="author-token"', 'id="statement"'):
        assert marker in pages[gold_id] and marker in pages[flag_id], marker
    assert "gold" not in pages[gold_id].lower()
