"""One rule for days on every listen surface: the deployment's time zone (``timezone``).

``heard stats`` counted Beijing days while ``/api/v1/stats`` (and the dashboard's overview built
on it) counted UTC days, and a topic's chart its stored UTC days: a post at 20:00 UTC on 3
November is 04:00 on 4 November in Beijing, and was counted on the 3rd by the API and on the
4th by the CLI. Found comparing ``heard stats`` with ``/api/v1/stats`` on the demo."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.listen.topics.represent import refresh_representation
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

LATE = datetime(2026, 11, 10, 20, 0, tzinfo=timezone.utc)
"""04:00 on 11 November in Beijing: 8 posts in topic 1, on a day of their own in either zone."""


def _late_posts(db) -> None:
    posts = [
        Post(id=f"late:{i}", source="late", external_id=str(i), text=f"东湖路又停水了 {i}",
             created_at=LATE + timedelta(minutes=i), author_key=f"late-author-{i}")
        for i in range(8)
    ]  # fmt: skip
    with open_store(db) as store:
        store.write_batch(posts, {"sentiment_score": [-0.5] * 8}, {})
        store.con.executemany(
            "INSERT INTO post_topics VALUES (?, 1, 0.9, ?)", [[p.id, LATE] for p in posts]
        )
        refresh_representation(store, None, LATE.replace(tzinfo=None))  # as a run's end does


def _day(iso: str, zone_hours: int = 8) -> str:
    """The Beijing date of a UTC ISO instant."""
    at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (at + timedelta(hours=zone_hours)).date().isoformat()


def test_the_api_the_dashboard_and_the_cli_count_the_same_local_days(tmp_path, capsys):
    db = tmp_path / "seed.duckdb"
    tokens = build(db)
    _late_posts(db)
    assert run(["stats", "--db", str(db), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["days_in"] == "Asia/Shanghai" and cli["by_day"]["2026-11-11"] == 8

    auth = {"Authorization": f"Bearer {tokens['viewer']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        api = client.get("/api/v1/stats", headers=auth).json()
        topic = client.get("/api/v1/topics/1", headers=auth).json()["topic"]
        page = client.get("/topics/1", headers={**auth, "Accept": "text/html"})
    assert api["unit"] == "day" and api["days_in"] == "Asia/Shanghai"
    # each point starts at a Beijing midnight, and counts that Beijing day's posts
    assert {p["t"][11:] for p in api["volume"]} == {"16:00:00Z"}
    assert {_day(p["t"]): p["posts"] for p in api["volume"]} == cli["by_day"]
    assert sum(p["posts"] for p in api["volume"]) == api["posts"]

    series = topic["series"]
    assert series["days_in"] == "Asia/Shanghai"
    assert {p["t"][11:] for p in series["points"]} == {"16:00:00Z"}
    by_day = {_day(p["t"]): p["posts"] for p in series["points"]}
    assert by_day["2026-11-11"] == 8  # stored, they are on 2026-11-10 (a UTC day)
    assert page.status_code == 200 and "2026-11-11" in page.text  # the chart's axis: local days

    assert run(["topic", "1", "--db", str(db)]) == 0
    peak_day, peak = min(by_day.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = capsys.readouterr().out
    assert f"{len(by_day)} days with posts, peak {peak} on {peak_day} (Asia/Shanghai" in shown
