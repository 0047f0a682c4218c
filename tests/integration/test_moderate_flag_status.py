"""The moderator's item page shows each flag's status beside its evidence: a flag a rescan
withdrew, or one an earlier decision dismissed, is not a pending one (before, the table showed
every flag of the post alike, so a withdrawn detector flag read as live evidence)."""

from __future__ import annotations

import re

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.protect.detectors import Flag
from heard.protect.review import Review
from heard.protect.stage import merge_flags
from heard.settings import Settings
from heard.store import open_store


def test_the_item_page_shows_each_flags_status(tmp_path):
    db = tmp_path / "status.duckdb"
    tokens = build(db)
    with open_store(db) as s:
        review = Review(s)
        stale = merge_flags([[Flag("spam", 0.95, 0.8, "rules.spam", "0.9", "old_rule")]])
        review.record_detector_flags([("seed:w1", stale)])
        assert review.withdraw_unraised([("seed:w1", [])], "rules.spam@1.0") == 1
        report = review.report("seed:w1", "harassment")
    page_headers = {"Authorization": f"Bearer {tokens['moderator']}", "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        page = client.get(f"/moderate/items/{report['flag_id']}", headers=page_headers)
        assert page.status_code == 200
        rows = dict(
            re.findall(
                r'<tr data-flag="([^"]+)"><td>[^<]*</td><td class="flag-status">([^<]+)<', page.text
            )
        )
        assert rows[report["flag_id"]] == "waiting"
        [withdrawn] = [v for k, v in rows.items() if k != report["flag_id"]]
        assert withdrawn == "withdrawn by a rescan"
        [stale_id] = [k for k in rows if k != report["flag_id"]]
        api = {"Authorization": f"Bearer {tokens['moderator']}"}
        history = client.get(f"/api/v1/flags/{stale_id}/history", headers=api)
        assert history.status_code == 200
        assert [e["kind"] for e in history.json()["history"]] == ["flag", "withdrawal"]
        viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
        assert client.get(f"/api/v1/flags/{stale_id}/history", headers=viewer).status_code == 403
        assert client.get("/api/v1/flags/f-%25/history", headers=api).status_code == 404
        zh_headers = {**page_headers, "Accept-Language": "zh-CN,zh;q=0.9"}
        zh = client.get(f"/moderate/items/{report['flag_id']}", headers=zh_headers)
        assert "重新扫描后撤回" in zh.text


def test_the_transparency_page_counts_flags_by_status(tmp_path):
    """Withdrawn flags are a public figure too: the page counts flags by status, as the API
    did already (before, withdrawn flags were in the page's total and nowhere else)."""
    db = tmp_path / "figures.duckdb"
    build(db)
    with open_store(db) as s:
        review = Review(s)
        stale = merge_flags([[Flag("spam", 0.95, 0.8, "rules.spam", "0.9", "old_rule")]])
        review.record_detector_flags([("seed:w1", stale)])
        review.withdraw_unraised([("seed:w1", [])], "rules.spam@1.0")
        review.report("seed:w2", "harassment")
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        page = client.get("/transparency", headers={"Accept": "text/html"})
        assert page.status_code == 200
        section = page.text.split('id="flags-by-status"')[1].split("</section>")[0]
        assert re.findall(r'<td data-key="(\w+)">[^<]+</td><td>(\d+)</td>', section) == [
            ("pending", "1"),
            ("withdrawn", "1"),
        ]
