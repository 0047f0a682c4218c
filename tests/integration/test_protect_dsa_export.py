"""The DSA transparency-database export on a real DuckDB file: a restriction that no longer
stands carries the day it ended, and ``category_specification`` names what applies to the
decision, not every keyword of its label."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from heard.auth.accounts import Accounts
from heard.cli import run
from heard.errors import InputError
from heard.protect.review import Review
from heard.protect.statement import dsa_export
from heard.read.protect import dsa_statements, statement_of, statements_of_post
from heard.records import Post
from heard.store import open_store

THREAT = "If you report me again I will burn your house down with your family inside."
INSULT = "You are worthless garbage and everyone here knows it, you pathetic clown."


class Days:
    """A clock one day on at each call, so that each step has its own date."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(days=1)
        return self.now


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "x.duckdb") as s:
        posts = [
            Post(
                id=f"t:{i}",
                source="t",
                external_id=str(i),
                text=text,
                author_key=f"a{i}",
                created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
            )
            for i, text in ((1, THREAT), (2, INSULT))
        ]
        s.write_batch(posts, {"lang": ["en", "en"]}, {})
        accounts = Accounts(s)
        accounts.add_user("mod1", "password-1", "moderator")
        accounts.add_user("mod2", "password-2", "moderator")
        yield s


def _report(review: Review, post_id: str, label: str) -> str:
    return str(review.report(post_id, label, note="see the post")["flag_id"])


def _exported(store) -> dict[str, dict]:
    return {s["puid"]: s for s in dsa_statements(store)}


def test_a_removal_reversed_on_appeal_is_exported_with_the_day_it_ended(store):
    review = Review(store, Days())
    removed = review.decide(_report(review, "t:1", "violent_threat"), "remove", "A threat.", "mod1")
    kept = review.decide(_report(review, "t:2", "harassment"), "remove", "Insults.", "mod1")
    appeal = review.appeal(removed["decision_id"], "It is a line from a film.")
    assert "end_date_visibility_restriction" not in _exported(store)[removed["decision_id"]]
    done = review.decide_appeal(appeal["appeal_id"], "reversed", "mod2", "A film quote.")
    upheld = review.appeal(kept["decision_id"], "It was a joke.")
    review.decide_appeal(upheld["appeal_id"], "upheld", "mod2", "It insults a person.")

    out = _exported(store)
    reversed_ = out[removed["decision_id"]]
    # the database reads a restriction without an end date as imposed indefinitely
    assert reversed_["end_date_visibility_restriction"] == done["decided_at"].strftime("%Y-%m-%d")
    assert reversed_["end_date_visibility_restriction"] > reversed_["application_date"]
    assert reversed_["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert "end_date_visibility_restriction" not in out[kept["decision_id"]]  # upheld: stands
    # the statement a viewer or the author reads says so too
    day = reversed_["end_date_visibility_restriction"]
    assert statement_of(store, removed["decision_id"])["end_date_visibility_restriction"] == day
    (mine,) = statements_of_post(store, "t:1")["decisions"]
    assert mine["statement"]["end_date_visibility_restriction"] == day
    assert "end_date_visibility_restriction" not in statement_of(store, kept["decision_id"])


def test_a_restriction_a_later_decision_replaced_ends_on_that_decision_s_day(store):
    review = Review(store, Days())
    first = review.decide(_report(review, "t:2", "harassment"), "label", "Insults.", "mod1")
    later = review.decide(
        _report(review, "t:2", "harassment"), "remove", "Insults again, worse.", "mod2"
    )
    out = _exported(store)
    assert out[first["decision_id"]]["end_date_visibility_restriction"] == later[
        "created_at"
    ].strftime("%Y-%m-%d")
    assert "end_date_visibility_restriction" not in out[later["decision_id"]]


def test_category_specification_names_what_applies_not_every_keyword(store):
    review = Review(store, Days())
    # harassment has two keywords (cyber harassment, bullying and intimidation): none stated,
    # none claimed
    plain = review.decide(_report(review, "t:2", "harassment"), "remove", "Insults.", "mod1")
    assert "category_specification" not in plain["statement"]
    assert plain["statement"]["heard_keywords"] == "none"
    out = _exported(store)[plain["decision_id"]]
    assert "category_specification" not in out
    assert out["category"] == "STATEMENT_CATEGORY_CYBER_VIOLENCE"

    flag = _report(review, "t:1", "violent_threat")
    with pytest.raises(InputError, match="not a DSA keyword of the label 'violent_threat'"):
        review.decide(flag, "remove", "A threat.", "mod1", keywords=["KEYWORD_PHISHING"])
    with pytest.raises(InputError, match="no DSA category"):
        review.decide(flag, "no_action", "A film line.", "mod1", keywords=["KEYWORD_OTHER"])
    stated = review.decide(
        flag,
        "remove",
        "A threat to burn a house.",
        "mod1",
        keywords=["KEYWORD_INCITEMENT_VIOLENCE_HATRED", "KEYWORD_INCITEMENT_VIOLENCE_HATRED"],
    )
    assert _exported(store)[stated["decision_id"]]["category_specification"] == [
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED"
    ]


def test_a_label_with_one_keyword_names_it_and_old_statements_claim_none(store):
    review = Review(store, Days())
    spam = review.decide(_report(review, "t:2", "spam"), "remove", "Bulk adverts.", "mod1")
    (out,) = dsa_export([spam["statement"]])
    assert out["category_specification"] == ["KEYWORD_OTHER"]
    assert out["category_specification_other"].startswith("Unsolicited bulk")
    # a statement stored before keywords were chosen listed all of its label's: which applied
    # is not recorded, so the export claims none of them (the stored statement stays as is)
    old = {k: v for k, v in spam["statement"].items() if k not in ("heard_keywords",)} | {
        "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "category_specification": [
            "KEYWORD_CYBER_HARASSMENT",
            "KEYWORD_CYBER_BULLYING_INTIMIDATION",
        ],
    }
    (was,) = dsa_export([old])
    assert "category_specification" not in was and "category_specification_other" not in was


def test_the_cli_export_and_review_keyword_option(tmp_path, capsys):
    src = tmp_path / "p.jsonl"
    src.write_text(
        json.dumps({"id": "h1", "text": INSULT, "created_at": "2026-11-30T10:00:00+08:00"}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "p.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    for name in ("mod1", "mod2"):
        args = ["users", "add", name, "--role", "moderator", "--password", "password-x"]
        assert run([*args, "--db", str(db)]) == 0
    assert run(["flag", "p:h1", "--label", "harassment", "--db", str(db)]) == 0
    capsys.readouterr()
    assert run(["flags", "--db", str(db), "--label", "harassment", "--json"]) == 0
    flag_id = json.loads(capsys.readouterr().out)["flags"][0]["flag_id"]
    assert run(["flags", "--db", str(db), "--status", "pending", "--json"]) == 0
    others = [f["flag_id"] for f in json.loads(capsys.readouterr().out)["flags"]]
    decide = ["review", "--decide", flag_id, "--decision", "remove", "--facts", "Insults."]
    decide += [arg for other in others if other != flag_id for arg in ("--flag-id", other)]
    assert run([*decide, "--as", "mod1", "--keyword", "KEYWORD_PHISHING", "--db", str(db)]) == 2
    assert "KEYWORD_CYBER_HARASSMENT" in capsys.readouterr().err
    keyword = ["--keyword", "KEYWORD_CYBER_HARASSMENT"]
    assert run([*decide, "--as", "mod1", *keyword, "--db", str(db), "--json"]) == 0
    decision_id = json.loads(capsys.readouterr().out)["decision_id"]
    assert run(["appeal", decision_id, "--text", "A quote.", "--db", str(db), "--json"]) == 0
    appeal_id = json.loads(capsys.readouterr().out)["appeal_id"]
    reverse = ["appeal", appeal_id, "--outcome", "reversed", "--facts", "A quote.", "--as", "mod2"]
    assert run([*reverse, "--db", str(db)]) == 0
    capsys.readouterr()
    assert run(["decisions", "--dsa", "--db", str(db)]) == 0
    (s,) = json.loads(capsys.readouterr().out)
    assert s["puid"] == decision_id
    assert s["category_specification"] == ["KEYWORD_CYBER_HARASSMENT"]
    assert s["end_date_visibility_restriction"] >= s["application_date"]


def test_the_api_takes_the_keywords_that_apply(tmp_path):
    from api_seed import build
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings

    db = tmp_path / "api.duckdb"
    tokens = build(db)
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/report", json={"post_id": "seed:w3", "label": "scam_fraud"})
        flag_id = r.json()["flag_id"]
        body = {"decision": "remove", "facts": "A phishing link for a bank login."}
        wrong = client.post(
            f"/api/v1/review/{flag_id}", headers=mod, json={**body, "keywords": ["KEYWORD_HATE"]}
        )
        assert wrong.status_code == 400 and "KEYWORD_PHISHING" in wrong.text
        d = client.post(
            f"/api/v1/review/{flag_id}",
            headers=mod,
            json={**body, "keywords": ["KEYWORD_PHISHING"]},
        )
        assert d.status_code == 200, d.text
        out = client.get("/api/v1/dsa/statements", headers=mod).json()["statements"]
        (s,) = [s for s in out if s["puid"] == d.json()["decision_id"]]
        assert s["category_specification"] == ["KEYWORD_PHISHING"]


def test_the_decision_page_offers_the_keywords_of_the_post_s_labels(tmp_path):
    from api_seed import build
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings

    db = tmp_path / "pages.duckdb"
    tokens = build(db)
    mod = {"Authorization": f"Bearer {tokens['moderator']}"}
    page = {**mod, "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/report", json={"post_id": "seed:w3", "label": "scam_fraud"})
        flag_id = r.json()["flag_id"]
        item = client.get(f"/moderate/items/{flag_id}", headers=page)
        assert 'name="keywords" value="KEYWORD_PHISHING"' in item.text
        form = {"decision": "remove", "facts": "A phishing link.", "label": "scam_fraud"}
        wrong = client.post(
            f"/moderate/items/{flag_id}",
            headers=page,
            data={**form, "keywords": ["KEYWORD_PHISHING", "KEYWORD_HATE_SPEECH"]},
        )
        assert wrong.status_code == 400 and "KEYWORD_HATE_SPEECH" in wrong.text
        assert 'value="KEYWORD_PHISHING" checked' in wrong.text  # what was ticked is kept
        done = client.post(
            f"/moderate/items/{flag_id}",
            headers=page,
            data={**form, "keywords": "KEYWORD_PHISHING"},
        )
        assert done.status_code == 200, done.text
        out = client.get("/api/v1/dsa/statements", headers=mod).json()["statements"]
        assert [s["category_specification"] for s in out] == [["KEYWORD_PHISHING"]]
