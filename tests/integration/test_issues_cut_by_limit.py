"""An issue list cut by its limit says so, in the CLI's table and JSON and in the API.

On Teddy Cup 附件3 ``heard issues`` printed "20 shown · 146 hidden (fewer than 5 authors)"
while 26 issues have 5 authors or more: the six cut by ``--limit 20`` were nowhere, and the line
read as if every other issue were hidden by k. ``--json`` and ``/api/v1/issues`` had no word of
them either (the export has all 26)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

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

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
PLACES = ["丽景小区", "东湖路", "长乐新村", "松柏路", "江景苑"]


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "i.duckdb"
    posts, records = [], []
    for n, place in enumerate(PLACES):
        mine = [
            Post(
                id=f"t:{n}-{i}",
                source="t",
                external_id=f"{n}-{i}",
                text=f"{place}漏水第{i}天",
                author_key=f"a{n}-{i}",
                created_at=T0 + timedelta(hours=n),
            )
            for i in range(6)
        ]
        posts += mine
        start = (T0 + timedelta(hours=n)).timestamp()
        records.append(
            IssueRecord(
                place,
                place,
                "漏水",
                ["漏水"],
                f"{place}漏水",
                6,
                6,
                6,
                start,
                start + 3600,
                10.0 - n,
                {"components": {}},
                0.5,
                False,
                None,
                0.8,
                [p.id for p in mine],
                {},
                n + 1,
            )  # fmt: skip
        )
    with open_store(path) as store:
        store.write_batch(posts, {"lang": ["zh"] * len(posts)}, {})
        finish_pending(store)
        store.issues.replace(records, datetime(2026, 12, 1))
        Accounts(store).add_user("viewer1", "password-3", "viewer")
        _, token = Accounts(store).create_token("viewer1", "t")
    return path, token


def test_the_read_model_says_more_issues_are_shown_past_the_limit(db):
    path, _ = db
    with open_store(path, read_only=True) as store:
        cut = list_issues(store, 5, window="all", limit=3)
        whole = list_issues(store, 5, window="all", limit=5)
        found = list_issues(store, 5, window="all", limit=2, q="漏水")
    assert len(cut["issues"]) == 3 and cut["more"] is True
    assert len(whole["issues"]) == 5 and whole["more"] is False
    assert len(found["issues"]) == 2 and found["more"] is True


def test_cli_and_api_say_the_list_is_cut(db, capsys):
    path, token = db
    assert run(["issues", "--limit", "3", "--db", str(path)]) == 0
    assert "3 shown; more match (raise --limit, now 3)" in capsys.readouterr().err
    assert run(["issues", "--limit", "3", "--json", "--db", str(path)]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["more"] is True and "more match" in out.err
    assert run(["issues", "--limit", "5", "--db", str(path)]) == 0
    assert "more match" not in capsys.readouterr().err
    with TestClient(create_app(Settings(db=path))) as client:
        got = client.get(
            "/api/v1/issues", params={"limit": 3}, headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert len(got["issues"]) == 3 and got["more"] is True
