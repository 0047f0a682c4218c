"""Exports take the filters of the list they export, on the CLI and the API alike.

``heard export --what posts`` wrote every post of the store: an official asked for the English
posts of one day about one topic (as ``heard posts --lang en --since … --until … --topic 1``
lists them) and had to cut a 600-post file by hand, and the API's ``/api/v1/export`` took no
filter either (``?lang=en`` was ignored: the whole store came back, 200). A filter an export
does not take is refused, never silently ignored."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from api_seed import add_issues, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("export-filters") / "seed.duckdb"
    tokens = build(db)
    add_issues(db)
    return db, tokens


def _listed(db, capsys, *args: str) -> list[str]:
    """The ids ``heard posts`` lists with these filters."""
    assert run(["posts", "--db", str(db), "--limit", "10000", "--json", *args]) == 0
    return sorted(p["id"] for p in json.loads(capsys.readouterr().out))


def _exported(db, tmp_path, capsys, *args: str) -> list[dict]:
    out = tmp_path / "out.jsonl"
    assert run(["export", "--db", str(db), "--out", str(out), *args]) == 0, capsys.readouterr()
    capsys.readouterr()
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


SPAN = ["--since", "2026-11-03T16:00+08:00", "--until", "2026-11-03T19:00+08:00"]


@pytest.mark.parametrize(
    "filters",
    [
        ["--lang", "en"],
        SPAN,
        ["--topic", "1", *SPAN],
        ["--sentiment", "neutral"],
        ["--source", "seed2"],
    ],
)
def test_a_posts_export_holds_what_the_post_list_lists(seeded, tmp_path, capsys, filters):
    db, _ = seeded
    every = _exported(db, tmp_path, capsys, "--what", "posts")
    listed = _listed(db, capsys, *filters)
    assert 0 < len(listed) < len(every)
    got = _exported(db, tmp_path, capsys, "--what", "posts", *filters)
    assert sorted(r["id"] for r in got) == listed


def test_topics_and_issues_exports_filter_as_their_lists(seeded, tmp_path, capsys):
    db, _ = seeded
    assert [r["topic_id"] for r in _exported(db, tmp_path, capsys, "--what", "topics")] == [1]
    assert _exported(db, tmp_path, capsys, "--what", "topics", "--query", "bus") == []
    assert _exported(db, tmp_path, capsys, "--what", "topics", "--min-size", "1000") == []
    assert [r["issue_id"] for r in _exported(db, tmp_path, capsys, "--what", "issues")] == [1]
    assert _exported(db, tmp_path, capsys, "--what", "issues", "-q", "公交") == []


def test_a_filter_an_export_does_not_take_is_refused(seeded, tmp_path, capsys):
    db, _ = seeded
    out = str(tmp_path / "t.csv")
    assert run(["export", "--db", str(db), "--what", "topics", "--lang", "en", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "not filtered by lang" in err and "--min-size" in err
    assert run(["export", "--db", str(db), "--what", "posts", "--topic", "2", "--out", out]) == 2
    assert "fewer than 5 distinct authors" in capsys.readouterr().err  # RIGHTS.md §4


def test_the_api_export_takes_the_same_filters(seeded, capsys):
    db, tokens = seeded
    listed = _listed(db, capsys, "--lang", "en")
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        got = client.get("/api/v1/export", params={"what": "posts", "lang": "en"}, headers=analyst)
        assert got.status_code == 200, got.text[:300]
        rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
        assert sorted(r["id"] for r in rows) == listed
        assert got.headers["X-Heard-Rows"] == str(len(listed))
        wrong = client.get(
            "/api/v1/export", params={"what": "topics", "lang": "en"}, headers=analyst
        )
        assert wrong.status_code == 400 and "not filtered by lang" in wrong.text
        small = client.get("/api/v1/export", params={"what": "posts", "topic": 2}, headers=analyst)
        assert small.status_code == 404
        span = {"what": "posts", "since": "2026-11-03T16:00+08:00", "until": "2026-11-03T19:00Z"}
        assert client.get("/api/v1/export", params=span, headers=analyst).status_code == 200


def test_heard_posts_json_pages_on_with_the_cursor_stderr_gives(seeded, capsys):
    """``heard posts --json`` cut by ``--limit`` had no way to the next page (the API's has a
    cursor): stderr now gives it, and ``--cursor`` takes it; stdout stays the JSON list."""
    db, _ = seeded
    every = _listed(db, capsys, "-q", "停水")
    seen: list[str] = []
    args = ["posts", "--db", str(db), "-q", "停水", "--limit", "4", "--json"]
    cursor = None
    while True:
        assert run(args + (["--cursor", cursor] if cursor else [])) == 0
        out = capsys.readouterr()
        seen += [p["id"] for p in json.loads(out.out)]
        found = re.search(r"--cursor (\S+)", out.err)
        cursor = found.group(1) if found else None
        if cursor is None:
            break
    assert len(every) > 8 and sorted(seen) == every  # each once, over several pages
    assert run([*args, "--cursor", "not-a-cursor"]) == 2
    assert "no page at this cursor" in capsys.readouterr().err


def test_the_api_topic_list_takes_the_filters_its_export_and_the_cli_take(seeded, capsys):
    """``heard topics`` had --since and --min-size, ``/api/v1/topics`` neither."""
    db, tokens = seeded
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    cases = (
        ({}, []),
        ({"min_size": 1000}, ["--min-size", "1000"]),
        ({"since": "2026-11-05T00:00Z"}, ["--since", "2026-11-05T00:00Z"]),
        ({"since": "2026-11-01T00:00+08:00"}, ["--since", "2026-11-01T00:00+08:00"]),
    )
    api = []
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        for params, _ in cases:
            listed = client.get("/api/v1/topics", params=params, headers=analyst)
            assert listed.status_code == 200, listed.text[:300]
            ids = [t["topic_id"] for t in listed.json()["topics"]]
            exported = client.get(
                "/api/v1/export", params={"what": "topics", "format": "jsonl", **params},
                headers=analyst,
            )  # fmt: skip
            assert [json.loads(line)["topic_id"] for line in exported.text.splitlines()] == ids
            api.append(ids)
        bad = client.get("/api/v1/topics", params={"min_size": 0}, headers=analyst)
        assert bad.status_code == 422
    assert api[0] and not api[1] and not api[2] and api[3] == api[0]
    for (_, cli), ids in zip(cases, api):  # the CLI once the server has let the file go
        assert run(["topics", "--db", str(db), "--json", *cli]) == 0
        assert [t["topic_id"] for t in json.loads(capsys.readouterr().out)["topics"]] == ids


def test_a_since_longer_than_the_years_holds_the_whole_data(seeded, tmp_path, capsys):
    """``heard posts --since 99999999d`` ended in an OverflowError traceback (the span reaches
    before the year 1); it lists every post, as an issue list's window that long does."""
    db, _ = seeded
    every = _listed(db, capsys)
    assert _listed(db, capsys, "--since", "99999999d") == every
    got = _exported(db, tmp_path, capsys, "--what", "posts", "--since", "99999999d")
    assert sorted(r["id"] for r in got) == every
    assert run(["topics", "--db", str(db), "--since", "99999999d", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["topics"]


def test_an_issue_window_longer_than_the_data_is_the_whole_data_on_every_surface(seeded, capsys):
    """``heard issues --window 99999y``, ``/api/v1/hotspots?window=999999y`` and the issues
    export took a six-digit window; ``/api/v1/issues`` refused one with a 422 quoting its regular
    expression."""
    db, tokens = seeded
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        every = client.get("/api/v1/issues", params={"window": "all"}, headers=analyst).json()
        long = client.get("/api/v1/issues", params={"window": "999999y"}, headers=analyst)
    assert long.status_code == 200, long.text[:300]
    assert long.json()["issues"] == every["issues"] and every["issues"]
