"""``heard review --decide`` prints the author's notice token after a post's first decision (it
is shown once; the store keeps its hash), and ``heard notice POST_ID --as MOD`` gives a new one —
for an automated decision whose token nobody saw — while the old one stops working. Before, the
CLI printed no token, so a decision taken there could never reach its author."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from heard.auth.accounts import Accounts
from heard.cli import run
from heard.errors import NotFoundError
from heard.protect.review import Review
from heard.records import Post
from heard.store import open_store

THREAT = "If you report me again I will burn your house down with your family inside."


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "notice.duckdb"
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    with open_store(path) as s:
        post = Post(
            id="t:1", source="t", external_id="1", text=THREAT, author_key="a", created_at=at
        )
        s.write_batch([post], {"lang": ["en"]}, {})
        Accounts(s).add_user("mod1", "password-1", "moderator")
        Accounts(s).add_user("ana", "password-2", "analyst")
        flag = Review(s).report("t:1", "violent_threat")
    return path, flag["flag_id"]


def _token(text):
    found = re.search(r"notice token for the author \(shown once[^)]*\): (\S+)", text)
    assert found, text
    return found.group(1)


def test_the_cli_hands_the_author_token_over_and_renews_it(db, capsys):
    path, flag_id = db
    args = ["--decision", "remove", "--facts", "A threat to burn a house.", "--as", "mod1"]
    assert run(["review", "--decide", flag_id, *args, "--db", str(path)]) == 0
    first = _token(capsys.readouterr().err)
    with open_store(path, read_only=True) as s:
        assert Review(s).post_of_notice(first) == "t:1"
    assert run(["notice", "t:1", "--as", "ana", "--db", str(path)]) == 2  # not a moderator
    assert run(["notice", "t:nothing", "--as", "mod1", "--db", str(path)]) == 2
    assert run(["notice", "t:1", "--as", "mod1", "--db", str(path)]) == 0
    second = _token(capsys.readouterr().err)
    assert second != first
    with open_store(path, read_only=True) as s:
        assert Review(s).post_of_notice(second) == "t:1"
        with pytest.raises(NotFoundError):
            Review(s).post_of_notice(first)
    assert run(["decisions", "--json", "--db", str(path)]) == 0
    assert second not in json.dumps(json.loads(capsys.readouterr().out))
