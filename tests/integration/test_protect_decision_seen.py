"""A decision covers exactly the flags the moderator was shown (issue 19 §3): a flag that arrived
while the item was open was closed by the decision unseen — a threat reported while a moderator
dismissed a spam flag went out as "dismissed" without anyone reading it. Now the decision names
the flags shown (``flag_ids``; the page and ``heard review`` send the item's), and a pending flag
not named refuses it with 409, nothing decided; the page shows the new flag and keeps what was
typed. A gold item answers the same input with the same words."""

from __future__ import annotations

import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

POST = "seed:w5"
GOLD_TEXT = "Buy 1000 followers for $5, click here now"
DISMISS = {"decision": "no_action", "facts": "An ordinary complaint about the water supply."}


@pytest.fixture()
def env(tmp_path, capsys):
    db = tmp_path / "seen.duckdb"
    tokens = build(db)
    gold = ["gold", "add", "--text", GOLD_TEXT, "--label", "spam", "--expected", "remove"]
    assert run([*gold, "--db", str(db)]) == 0
    gold_id = re.search(r"gold item (f-[0-9a-f]{12}) added", capsys.readouterr().err).group(1)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {tokens['moderator']}"}, db, gold_id


def _report(client, label: str) -> str:
    r = client.post("/api/v1/report", json={"post_id": POST, "label": label})
    assert r.status_code == 200, r.text
    return r.json()["flag_id"]


def _item(client, mod) -> dict:
    items = client.get("/api/v1/review/queue", headers=mod).json()["items"]
    return next(i for i in items if i["post"]["id"] == POST)


def _statuses(db) -> dict[str, str]:
    with open_store(db) as store:
        rows = store.rows("SELECT flag_id, status FROM flags WHERE post_id = ?", [POST])
    return {r["flag_id"]: r["status"] for r in rows}


def test_a_flag_that_arrived_after_the_item_was_read_refuses_the_api_decision(env):
    client, mod, db, _gold = env
    spam = _report(client, "spam")
    shown = _item(client, mod)["flag_ids"]
    assert shown == [spam]
    threat = _report(client, "violent_threat")  # while the moderator reads the item
    r = client.post(f"/api/v1/review/{spam}", headers=mod, json={**DISMISS, "flag_ids": shown})
    assert r.status_code == 409, r.text
    assert threat in r.text and "nothing was decided" in r.text
    assert _statuses(db) == {spam: "pending", threat: "pending"}
    with open_store(db) as store:
        assert store.rows("SELECT 1 FROM decisions WHERE post_id = ?", [POST]) == []
    # the moderator reloads: the item shows both; naming both decides both
    again = _item(client, mod)["flag_ids"]
    assert sorted(again) == sorted([spam, threat])
    ok = client.post(f"/api/v1/review/{spam}", headers=mod, json={**DISMISS, "flag_ids": again})
    assert ok.status_code == 200, ok.text
    assert _statuses(db) == {spam: "dismissed", threat: "dismissed"}


def test_without_flag_ids_the_decision_covers_the_named_flag_alone(env):
    client, mod, db, _gold = env
    spam = _report(client, "spam")
    ok = client.post(f"/api/v1/review/{spam}", headers=mod, json=DISMISS)
    assert ok.status_code == 200, ok.text  # one flag shown, one flag pending
    spam2 = _report(client, "harassment")
    threat = _report(client, "violent_threat")
    r = client.post(f"/api/v1/review/{spam2}", headers=mod, json=DISMISS)
    assert r.status_code == 409 and threat in r.text, r.text
    assert _statuses(db)[threat] == "pending"


def test_a_flag_id_not_pending_on_the_post_is_refused_alike_for_gold_and_real(env):
    client, mod, db, gold_id = env
    spam = _report(client, "spam")
    bogus = "f-000000000000"
    answers = [
        client.post(f"/api/v1/review/{fid}", headers=mod, json={**DISMISS, "flag_ids": [bogus]})
        for fid in (gold_id, spam)
    ]
    assert [a.status_code for a in answers] == [409, 409]
    errors = [a.json() for a in answers]
    assert errors[0] == errors[1] and bogus in errors[0]["error"], errors
    assert _statuses(db)[spam] == "pending"
    done = [
        client.post(f"/api/v1/review/{fid}", headers=mod, json={**DISMISS, "flag_ids": [fid]})
        for fid in (gold_id, spam)
    ]
    assert [d.status_code for d in done] == [200, 200], [d.text for d in done]
    assert set(done[0].json()) == set(done[1].json())


def test_the_moderate_page_refuses_and_shows_the_new_flag_keeping_the_facts(env):
    client, mod, db, _gold = env
    spam = _report(client, "spam")
    html = {**mod, "Accept": "text/html"}
    page = client.get(f"/moderate/items/{spam}", headers=html).text
    assert re.findall(r'name="flag_ids" value="([^"]+)"', page) == [spam]
    threat = _report(client, "violent_threat")
    form = {**DISMISS, "flag_ids": [spam]}
    r = client.post(f"/moderate/items/{spam}", headers=html, data=form)
    assert r.status_code == 409
    assert DISMISS["facts"] in r.text  # kept
    assert sorted(re.findall(r'name="flag_ids" value="([^"]+)"', r.text)) == sorted([spam, threat])
    assert _statuses(db)[threat] == "pending"


def test_heard_review_decides_only_what_it_showed(env, monkeypatch, capsys):
    client, mod, db, _gold = env
    spam = _report(client, "spam")
    late: list[str] = []

    def prompt(question, default=None):  # a report comes in while the item is on screen
        if question.startswith("decision"):
            if not late and spam in capsys.readouterr().out:
                late.append(_report(client, "violent_threat"))
                return "no_action"
            return "quit" if late else "skip"
        return DISMISS["facts"]

    monkeypatch.setattr("typer.prompt", prompt)
    assert run(["review", "--as", "moderator", "--limit", "500", "--db", str(db)]) == 0
    said = capsys.readouterr()
    assert late and "not decided" in said.err and late[0] in said.err
    assert _statuses(db) == {spam: "pending", late[0]: "pending"}
    script = ["review", "--as", "moderator", "--db", str(db), "--decide", spam]
    script += ["--decision", "no_action", "--facts", DISMISS["facts"]]
    assert run(script) != 0  # the threat is not named
    assert run([*script, "--flag-id", late[0]]) == 0
    assert set(_statuses(db).values()) == {"dismissed"}
