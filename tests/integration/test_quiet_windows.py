"""Historical boards (issue 16 §13): when the default window before the newest post is quiet,
hot, the brief, the overview and the API say what the window holds and which wider window shows
data; windows go beyond 30 days (90d, 1y, all)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

from api_seed import PASSWORD, build


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    """The seed's water topic (9 authors, November 2026), then one late post in March 2027: the
    week before the newest post holds a single author, so it shows no hot spot."""
    db = tmp_path_factory.mktemp("quiet") / "seed.duckdb"
    tokens = build(db)
    with open_store(db) as store:
        store.write_batch(
            [
                Post(
                    id="seed:late",
                    source="seed",
                    external_id="late",
                    text="东湖路又停水",
                    created_at=datetime(2027, 3, 1, 2, 0),
                    author_key="late-author",
                )
            ],
            {"lang": ["zh"], "search_text": ["东湖路 又 停水"]},
            {},
            [],
            source="seed",
        )
        store.con.execute(
            "INSERT INTO post_topics VALUES ('seed:late', 1, 0.9, ?)", [datetime(2027, 3, 1)]
        )
    return db, tokens


@pytest.fixture()
def db(tmp_path, seeded_db):
    copy = tmp_path / "seed.duckdb"
    shutil.copy(seeded_db[0], copy)
    return copy


def test_cli_hot_says_why_and_suggests_a_window(db, capsys):
    assert run(["hot", "--no-scan", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "no hot spot in the 7d" in err
    assert "holds 1 post" in err and "2026-11-02" in err and "2027-03-01" in err
    assert "try heard hot --window 1y (1 hot spot)" in err
    assert run(["hot", "--no-scan", "--json", "--db", str(db)]) == 0
    quiet = json.loads(capsys.readouterr().out)["quiet"]
    assert quiet["suggest"] == "1y" and quiet["posts_in_window"] == 1


@pytest.mark.parametrize("window", ["1y", "all"])
def test_cli_hot_ranks_wide_windows(db, capsys, window):
    assert run(["hot", "--no-scan", "--window", window, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "停水" in out


def test_a_window_ending_after_the_data_still_holds_it(db, capsys):
    """``--at`` after the newest post (a date in the future, or a board that ended): ``all`` was
    the data's span ending at ``--at``, so it held nothing, and the advice said "no window shows
    a topic with enough distinct authors yet" while ``--window all`` without ``--at`` did."""
    at = "2030-01-01T00:00:00+08:00"
    assert run(["hot", "--no-scan", "--window", "all", "--at", at, "--db", str(db)]) == 0
    assert "停水" in capsys.readouterr().out
    assert run(["hot", "--no-scan", "--at", at, "--json", "--db", str(db)]) == 0
    quiet = json.loads(capsys.readouterr().out)["quiet"]
    assert quiet["posts_in_window"] == 0 and quiet["suggest"] == "all"
    assert run(["hot", "--no-scan", "--at", "2020-01-01", "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["quiet"]["suggest"] is None  # before any post


def test_brief_says_why_it_is_empty(db):
    from heard.report import build_report

    with open_store(db, read_only=True) as store:
        html = build_report(store, window=timedelta(days=7), window_text="7d")
    assert "the 7d window holds 1 post" in html and "try the 1y window (1 hot spot)" in html


def test_dashboard_and_api_offer_wider_windows(db, seeded_db):
    with TestClient(create_app(Settings(db=db))) as client:
        form = client.get("/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf})
        page = client.get("/hotspots")
        assert page.status_code == 200
        for w in ("90d", "1y", "all"):
            assert f'<option value="{w}"' in page.text
        assert 'id="quiet-hint"' in page.text and 'href="/hotspots?window=1y"' in page.text
        assert 'id="quiet-hint"' in client.get("/").text
        wide = client.get("/hotspots", params={"window": "all"})
        assert wide.status_code == 200 and 'href="/topics/1"' in wide.text
        api = client.get("/api/v1/hotspots").json()
        assert api["hotspots"] == [] and api["quiet"]["suggest"] == "1y"
        assert client.get("/api/v1/hotspots", params={"window": "all"}).json()["hotspots"]


def test_the_quiet_line_reads_well_for_all_and_for_an_empty_store(tmp_path, capsys):
    # it said "no hot spot in the all before …" and, with no posts, "in the 7d before -"
    empty = tmp_path / "empty.duckdb"
    open_store(empty).close()
    assert run(["hot", "--no-scan", "--window", "all", "--db", str(empty)]) == 0
    err = capsys.readouterr().err
    assert "no hot spot over the whole data" in err and "in the all" not in err
    assert run(["hot", "--no-scan", "--db", str(empty)]) == 0
    assert "in the 7d before the newest post" in capsys.readouterr().err


def test_a_short_quiet_window_suggests_the_next_offered_one(db, capsys):
    """``heard hot --window 24h`` on the demo said "try --window 30d (8 hot spots)" while the
    default 7d window shows 3: the advice never looked at windows under 30 days."""
    at = "2026-11-09T00:00:00+08:00"  # a few days after the seed's water topic
    assert run(["hot", "--no-scan", "--window", "24h", "--at", at, "--json", "--db", str(db)]) == 0
    quiet = json.loads(capsys.readouterr().out)["quiet"]
    assert quiet["posts_in_window"] == 0 and quiet["suggest"] == "7d", quiet
    assert run(["hot", "--no-scan", "--window", "7d", "--at", at, "--db", str(db)]) == 0
    assert "停水" in capsys.readouterr().out  # the window it names does show the topic
