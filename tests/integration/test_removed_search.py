"""A removed post cannot be found by its removed words (issue 19 §4, RIGHTS.md §7): it is shown as
a notice, and a search for words of its text or title found that notice, which confirmed the text
word by word. Neither post search (ranked or scanned, CLI, API, dashboard) nor the issues' ``q``
filter matches removed words; a post whose removal an appeal reversed is found again."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.accounts import Accounts
from heard.cli import run
from heard.listen.issues.measure import IssueRecord
from heard.protect.review import Review
from heard.read.issues import list_issues
from heard.read.posts import PostFilter, search
from heard.records import Post
from heard.settings import Settings
from heard.stages.tokens import search_terms
from heard.store import open_store

RUDE = "东湖路物业经理王某就是个人渣败类，大家都去骂他"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def _store(path, *, index: bool):
    texts = [RUDE] + [f"东湖路停水三天了，物业不管 #{i}" for i in range(6)]
    posts = [
        Post(
            id=f"t:{i}", source="t", external_id=str(i), text=t, author_key=f"a{i}", created_at=T0
        )  # fmt: skip
        for i, t in enumerate(texts)
    ]
    with open_store(path) as store:
        terms = [" ".join(search_terms(t)) if not isinstance(search_terms(t), str)
                 else search_terms(t) for t in texts]  # fmt: skip
        store.write_batch(posts, {"lang": ["zh"] * len(posts), "search_text": terms}, {})
        if index:
            store.rebuild_search_index()
        accounts = Accounts(store)
        accounts.add_user("mod1", "password-1", "moderator")
        accounts.add_user("mod2", "password-2", "moderator")
        start = T0.timestamp()
        record = IssueRecord("东湖路", "东湖路", "停水", ["停水"], RUDE[:60], 7, 7, 7, start,
                             start + 3600, 5.0, {"components": {}}, 0.5, False, None, 0.8,
                             [p.id for p in posts], {}, 1)  # fmt: skip
        store.issues.replace([record], datetime(2026, 12, 1))
        review = Review(store)
        assert [p["id"] for p in search(store, PostFilter(q="败类"))["posts"]] == ["t:0"]
        assert list_issues(store, 5, window="all", q="败类")["issues"]
        flag = review.report("t:0", "harassment")
        decision = review.decide(flag["flag_id"], "remove", "A personal insult.", "mod1")
    return path, decision


@pytest.mark.parametrize("index", [True, False], ids=["ranked", "scanned"])
def test_search_does_not_find_a_removed_post_by_its_words(tmp_path, index):
    path, decision = _store(tmp_path / "p.duckdb", index=index)
    with open_store(path) as store:
        for q in ("败类", "骂他", "王某"):
            assert search(store, PostFilter(q=q))["posts"] == [], q
        found = search(store, PostFilter(q="停水"))["posts"]
        assert len(found) == 6 and "t:0" not in [p["id"] for p in found]
        listed = search(store, PostFilter())["posts"]  # the notice is still in the plain list
        notice = next(p for p in listed if p["id"] == "t:0")
        assert notice["text"] is None and notice["moderation"]["decision"] == "remove"
        assert list_issues(store, 5, window="all", q="败类")["issues"] == []
        assert list_issues(store, 5, window="all", q="败类")["hidden_below_k"] == 0
        assert len(list_issues(store, 5, window="all", q="停水")["issues"]) == 1
        review = Review(store)
        appeal = review.appeal(decision["decision_id"], "It is criticism of a manager.")
        review.decide_appeal(appeal["appeal_id"], "reversed", "mod2", "Criticism, not abuse.")
        assert [p["id"] for p in search(store, PostFilter(q="败类"))["posts"]] == ["t:0"]


def test_cli_and_api_do_not_find_a_removed_post(tmp_path, capsys):
    path, _ = _store(tmp_path / "p.duckdb", index=True)
    assert run(["posts", "--db", str(path), "--query", "败类", "--json"]) == 0
    assert "t:0" not in capsys.readouterr().out
    with open_store(path) as store:
        Accounts(store).add_user("viewer1", "password-3", "viewer")
        _, token = Accounts(store).create_token("viewer1", "t")
    with TestClient(create_app(Settings(db=path))) as client:
        h = {"Authorization": f"Bearer {token}"}
        body = client.get("/api/v1/posts", params={"q": "败类"}, headers=h).json()
        assert body["posts"] == []
        body = client.get("/api/v1/issues", params={"q": "败类"}, headers=h).json()
        assert body["issues"] == []
        page = client.get("/search", params={"q": "败类"}, headers=h).text
        assert "t:0" not in page and "removed" not in page.lower()
