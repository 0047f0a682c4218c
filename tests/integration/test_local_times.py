"""Times people read are local to the deployment with the zone marked (issue 16 §14): 附件3's
message of 2020-01-26 11:20:21 (Beijing time, stored as 03:20:21 UTC) reads 11:20 +08:00 in
the CLI, the dashboard and the brief; the API keeps ISO times in UTC with a Z."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.clock import local_time, zone_named
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

from api_seed import PASSWORD, build


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("tz") / "seed.duckdb"
    build(db)
    with open_store(db) as store:  # one post at 附件3's time: 2020-01-26 11:20:21 in Beijing
        store.write_batch(
            [
                Post(
                    id="board:1",
                    source="board",
                    external_id="188059",
                    text="小区噪音扰民",
                    created_at=datetime(2020, 1, 26, 3, 20, 21),
                    author_key="a-board",
                )
            ],
            {"lang": ["zh"], "search_text": ["小区 噪音 扰民"]},
            {},
            [],
            source="board",
        )
        store.rebuild_search_index()
    return db


@pytest.fixture()
def db(tmp_path, seeded_db):
    copy = tmp_path / "seed.duckdb"
    shutil.copy(seeded_db, copy)
    return copy


def test_local_time_marks_the_zone():
    shanghai = zone_named("Asia/Shanghai")
    assert local_time("2020-01-26T03:20:21Z", shanghai) == "2020-01-26 11:20 +08:00"
    assert local_time(datetime(2020, 1, 26, 20, 0), shanghai, minutes=False) == "2020-01-27"
    assert local_time(datetime(2020, 1, 26, 3, 20), zone_named("UTC")) == "2020-01-26 03:20 UTC"


def test_cli_posts_show_local_time(db, capsys):
    assert run(["posts", "-q", "噪音", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2020-01-26 11:20 +08:00" in out and "03:20" not in out


def test_cli_follows_the_timezone_setting(db, capsys, monkeypatch):
    monkeypatch.setenv("HEARD_TIMEZONE", "Europe/London")
    assert run(["posts", "-q", "噪音", "--db", str(db)]) == 0
    assert "2020-01-26 03:20 UTC" in capsys.readouterr().out


def test_dashboard_shows_local_time_and_api_keeps_utc(db):
    app = create_app(Settings(db=db))
    with TestClient(app) as client:
        form = client.get("/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf})
        page = client.get("/search", params={"q": "噪音"})
        assert page.status_code == 200
        assert "2020-01-26 11:20 +08:00" in page.text
        api = client.get("/api/v1/posts", params={"q": "噪音"})
        assert api.json()["posts"][0]["created_at"] == "2020-01-26T03:20:21Z"


def test_brief_shows_local_times(db, tmp_path):
    from heard.report import build_report
    from datetime import timedelta

    with open_store(db, read_only=True) as store:
        html = build_report(store, window=timedelta(days=7))
    assert "2020-01-26 11:20 +08:00" in html and "Asia/Shanghai" in html


def test_stats_count_local_days(db, capsys):
    with open_store(db) as store:
        store.write_batch(
            [
                Post(
                    id="board:2",
                    source="board",
                    external_id="188060",
                    text="晚上施工",
                    created_at=datetime(2020, 1, 26, 20, 0),
                    author_key="a-board2",
                )
            ],
            {"lang": ["zh"], "search_text": ["晚上 施工"]},
            {},
            [],
            source="board",
        )
    assert run(["stats", "--json", "--db", str(db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["days_in"] == "Asia/Shanghai"
    assert (
        data["by_day"]["2020-01-26"] == 1 and data["by_day"]["2020-01-27"] == 1
    )  # 20:00 UTC is 04:00 next day
    assert run(["stats", "--db", str(db)]) == 0
    assert "by day (Asia/Shanghai)" in capsys.readouterr().out


def test_cli_cases_and_case_show_local_time(db, capsys):
    """``heard cases`` and ``heard case`` printed the stored UTC times unmarked: the water case
    opened at 11:03 UTC read "11:03" (Beijing: 19:03); its timeline notes were not shown."""
    from api_seed import CLOSED_CASE

    water = CLOSED_CASE["water"]
    capsys.readouterr()
    assert run(["case", water, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "19:03 +08:00" in out and "11:03" not in out, out
    assert run(["cases", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert "+08:00" in table or "Asia/Shanghai" in table, table


def test_dashboard_macros_follow_the_timezone_and_language(db):
    """Post cards and case rows are macros imported by the pages: they read the page's zone
    and language too (before, they fell back to Asia/Shanghai and English whatever the
    deployment's ``timezone`` and the reader's language)."""
    app = create_app(Settings(db=db, timezone="Europe/London"))
    with TestClient(app) as client:
        form = client.get("/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf})
        page = client.get("/search", params={"q": "噪音"})
        assert "2020-01-26 03:20 UTC" in page.text and "+08:00" not in page.text
        client.cookies.set("heard_lang", "zh")
        desk = client.get("/desk")
        rows = desk.text.split('class="data cases"')[1].split("</table>")[0]
        assert "待处理" in rows and ">open<" not in rows and "+08:00" not in desk.text
