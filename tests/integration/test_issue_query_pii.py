"""The issues' ``q`` filter matches what a display shows, never the personal data redacted from it
(RIGHTS.md §7, issue 17): an issue titled by a message that holds a phone number, an e-mail
address or an ID number showed ``[phone]`` in every list, yet ``heard issues -q 13812345678`` (and
``/api/v1/issues?q=``, the dashboard's issue filter) found it, confirming the number was there."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.accounts import Accounts
from heard.cli import run
from heard.listen.issues.measure import IssueRecord
from heard.pipeline.pending import finish_pending
from heard.read.issues import list_issues
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

TITLE = "丽景小区13812345678漏水 lijing.wy@example.com 110101199003077777"
SECRETS = ["13812345678", "1381234", "lijing.wy@example.com", "lijing", "110101199003077777"]
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "p.duckdb"
    texts = [f"丽景小区3栋楼顶漏水第{i}天，物业电话13812345678没人接" for i in range(7)]
    posts = [
        Post(id=f"t:{i}", source="t", external_id=str(i), text=t, author_key=f"a{i}", created_at=T0)
        for i, t in enumerate(texts)
    ]
    with open_store(path) as store:
        store.write_batch(posts, {"lang": ["zh"] * len(posts)}, {})
        finish_pending(store)  # as a run's end would: nothing owed when the server opens it
        start = T0.timestamp()
        record = IssueRecord("丽景小区", "丽景小区", "漏水", ["漏水"], TITLE, 7, 7, 7, start,
                             start + 3600, 5.0, {"components": {}}, 0.5, False, None, 0.8,
                             [p.id for p in posts], {}, 1)  # fmt: skip
        store.issues.replace([record], datetime(2026, 12, 1))
        Accounts(store).add_user("viewer1", "password-3", "viewer")
        _, token = Accounts(store).create_token("viewer1", "t")
    return path, token


def test_the_issue_filter_does_not_find_redacted_personal_data(db):
    path, _ = db
    with open_store(path, read_only=True) as store:
        [shown] = list_issues(store, 5, window="all")["issues"]
        assert "13812345678" not in shown["title"] and "[phone]" in shown["title"]
        for secret in SECRETS:
            found = list_issues(store, 5, window="all", q=secret)
            assert found["issues"] == [] and found["hidden_below_k"] == 0, secret
        for shown_words in ("漏水", "丽景", "[phone]"):
            assert len(list_issues(store, 5, window="all", q=shown_words)["issues"]) == 1


def test_cli_and_api_issue_filters_do_not_find_it_either(db, capsys):
    path, token = db
    assert run(["issues", "--db", str(path), "-q", "13812345678", "--json"]) == 0
    assert '"issues": []' in capsys.readouterr().out
    with TestClient(create_app(Settings(db=path))) as client:
        h = {"Authorization": f"Bearer {token}"}
        body = client.get("/api/v1/issues", params={"q": "13812345678"}, headers=h).json()
        assert body["issues"] == [] and body["hidden_below_k"] == 0
        body = client.get("/api/v1/issues", params={"q": "漏水"}, headers=h).json()
        assert [i["issue_id"] for i in body["issues"]] == [1]
        page = client.get("/issues", params={"q": "lijing"}, headers=h).text
        assert "丽景小区" not in page
