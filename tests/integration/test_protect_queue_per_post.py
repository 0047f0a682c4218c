"""The review queue has one item per post, with all its flags and evidence, decided once: a post
with three flags was three items, shown three times (the interactive ``heard review`` showed it
again after the decision, then stopped with "decided already")."""

from __future__ import annotations

import json
import re

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.protect.calibration import Calibration
from heard.read.protect import review_item
from heard.settings import Settings
from heard.store import open_store

MANY = (
    "If you report me again I will burn your house down with your family inside. You are "
    "worthless garbage, kill yourself."
)
PLAIN = "市长答应的公交线路到现在都没开，群众意见很大，请给个说法。"


def _db(tmp_path):
    src = tmp_path / "p.jsonl"
    rows = [{"id": "m", "text": MANY}, {"id": "p", "text": PLAIN}]
    src.write_text(
        "".join(
            json.dumps({**r, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    db = tmp_path / "q.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    for name in ("mod1", "mod2"):
        args = ["users", "add", name, "--role", "moderator", "--password", "password-x"]
        assert run([*args, "--db", str(db)]) == 0
    assert run(["flag", "p:p", "--label", "harassment", "--db", str(db)]) == 0
    return db


def test_one_item_per_post_with_every_pending_flag_and_label(tmp_path):
    db = _db(tmp_path)
    with open_store(db) as store:
        pending = store.rows("SELECT post_id, flag_id FROM flags WHERE status = 'pending'")
        many = sorted(r["flag_id"] for r in pending if r["post_id"] == "p:m")
        assert len(many) >= 3  # threat, self-harm, harassment
        queue = Calibration(store).queue("mod1")
        assert [i["post_id"] for i in queue].count("p:m") == 1
        (item,) = [i for i in queue if i["post_id"] == "p:m"]
        assert sorted(item["flag_ids"]) == many and item["flag_id"] == item["flag_ids"][0]
        shown = review_item(store, item)
        assert sorted(shown["flag_ids"]) == many
        assert {f["flag_id"] for f in shown["flags"]} >= set(many)
        labels = [label["name"] for label in shown["labels"]]
        assert labels[0] == item["label"] and len(labels) == len(set(labels)) >= 3
        assert len(Calibration(store).queue("mod1", limit=1)) == 1  # the limit counts posts


def test_interactive_review_shows_a_post_once_and_decides_it_once(tmp_path, monkeypatch, capsys):
    db = _db(tmp_path)
    capsys.readouterr()
    # the first item is the post with three flags; then the report on the plain post
    answers = iter(["remove", "Threatens to burn a house.", "skip"])
    monkeypatch.setattr("typer.prompt", lambda *a, **k: next(answers))
    assert run(["review", "--as", "mod1", "--db", str(db)]) == 0
    said = capsys.readouterr()
    out = said.out + said.err
    assert out.count("decided:") == 1 and "decided already" not in out
    assert "+2 flags of this post" in out
    with open_store(db) as store:
        statuses = store.rows("SELECT status FROM flags WHERE post_id = 'p:m'")
        assert {r["status"] for r in statuses} == {"decided"}
        assert [d["post_id"] for d in store.rows("SELECT post_id FROM decisions")] == ["p:m"]


def test_the_api_queue_and_the_pages_have_one_item_per_post(tmp_path):
    db = tmp_path / "api.duckdb"
    tokens = build(db)
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        flags = [
            client.post("/api/v1/report", json={"post_id": "seed:w3", "label": label}).json()[
                "flag_id"
            ]
            for label in ("doxxing", "harassment", "spam")
        ]
        items = client.get("/api/v1/review/queue", headers=mod).json()["items"]
        posts = [i["post"]["id"] for i in items if i["post"]["id"]]
        assert len(posts) == len(set(posts))
        (item,) = [i for i in items if i["post"]["id"] == "seed:w3"]
        assert set(flags) <= set(item["flag_ids"])
        page = client.get("/moderate", headers={**mod, "Accept": "text/html"})
        linked = re.findall(r'href="/moderate/items/(f-[0-9a-f]+)"', page.text)
        assert [f for f in linked if f in item["flag_ids"]] == [item["flag_id"]]
        # a link to another flag of the post (the flags list, an older page) opens the item
        other = next(f for f in item["flag_ids"] if f != item["flag_id"])
        opened = client.get(f"/moderate/items/{other}", headers={**mod, "Accept": "text/html"})
        assert opened.status_code == 200 and item["flag_id"] in opened.text
        d = client.post(
            f"/api/v1/review/{other}",
            headers=mod,
            json={
                "decision": "limit_visibility",
                "facts": "Publishes a phone number.",
                "flag_ids": item["flag_ids"],  # every flag the item showed
            },
        )
        assert d.status_code == 200, d.text
        again = client.post(
            f"/api/v1/review/{item['flag_id']}",
            headers=mod,
            json={"decision": "remove", "facts": "A second, different decision."},
        )
        assert again.status_code == 409  # decided once
        left = client.get("/api/v1/review/queue", headers=mod).json()["items"]
        assert all(i["post"]["id"] != "seed:w3" for i in left)


def test_interactive_review_goes_on_after_a_refused_decision(tmp_path, monkeypatch, capsys):
    """A refused decision (facts of zero-width spaces) ended the whole session with exit 2."""
    db = _db(tmp_path)
    capsys.readouterr()
    answers = iter(["remove", "\u200b\u200b", "no_action", "Criticism of a mayor's promise."])
    monkeypatch.setattr("typer.prompt", lambda *a, **k: next(answers))
    assert run(["review", "--as", "mod1", "--db", str(db)]) == 0
    said = capsys.readouterr()
    out = said.out + said.err
    assert "not decided: a decision needs a statement of the facts" in out
    assert "decided: no_action" in out
    with open_store(db) as store:
        assert [d["post_id"] for d in store.rows("SELECT post_id FROM decisions")] == ["p:p"]
