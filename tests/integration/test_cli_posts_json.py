"""``heard posts --json`` for scripts: a list cut by ``--limit`` says so on stderr, as the table
does, and ``--until`` bounds the time as ``/api/v1/posts?until=`` does.

``heard posts -q 停水 --json | jq length`` printed 20 while more posts match, with no word of the
rest (the table said "20 posts shown; more match"); a researcher counting matches this way
published the limit. And the CLI had ``--since`` but no ``--until``: a day in Beijing time
(``--since 2026-11-03T00:00+08:00 --until 2026-11-04T00:00+08:00``) could not be asked for."""

from __future__ import annotations

import json
import shutil

import pytest
from api_seed import build

from heard.cli import run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "api.duckdb"
    build(db)
    return db


@pytest.fixture()
def db(tmp_path, seeded):
    copy = tmp_path / "api.duckdb"
    shutil.copy(seeded, copy)
    return str(copy)


def test_json_cut_by_the_limit_says_more_match_on_stderr(db, capsys):
    assert run(["posts", "-q", "停水", "--limit", "3", "--json", "--db", db]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 3  # stdout stays the JSON list
    assert "3 posts shown; more match (raise --limit, now 3)" in out.err
    assert run(["posts", "-q", "停水", "--limit", "1000", "--json", "--db", db]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)) > 3 and "more match" not in out.err


def test_until_bounds_the_posts_in_any_zone(db, capsys):
    assert run(["posts", "--limit", "1000", "--json", "--db", db]) == 0
    every = json.loads(capsys.readouterr().out)
    args = ["posts", "--limit", "1000", "--json", "--db", db]
    span = ["--since", "2026-11-03T12:00+08:00", "--until", "2026-11-03T18:00+08:00"]
    assert run([*args, *span]) == 0
    got = json.loads(capsys.readouterr().out)
    expected = [p for p in every if "2026-11-03T04:00:00Z" <= p["created_at"] < "2026-11-03T10:00Z"]
    assert got and [p["id"] for p in got] == [p["id"] for p in expected]
    assert run([*args, "--until", "2026-11-03T10:00"]) == 0  # no offset: UTC
    assert json.loads(capsys.readouterr().out) == [
        p for p in every if p["created_at"] < "2026-11-03T10:00Z"
    ]
    assert run([*args, "--until", "next tuesday"]) == 2
    assert "--until 'next tuesday'" in capsys.readouterr().err
