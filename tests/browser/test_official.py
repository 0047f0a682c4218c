"""What an official does in the browser (issue 16 §13–17): the Chinese dashboard with no English
left in the heat and evidence, local times, the wider windows, the export downloads (real files
from a real browser), the API token page, and an HTML page for an unknown topic."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import SCREENSHOTS, login

pytestmark = pytest.mark.browser


def test_chinese_dashboard_windows_and_local_times(page, server):
    base, password = server
    login(page, base, password, "viewer")
    page.goto(base + "/lang/zh?next=/hotspots")
    assert page.locator("nav").inner_text().startswith("总览")
    options = page.locator("select[name=window] option").all_inner_texts()
    assert {"90d", "1y", "全部"} <= set(options)
    page.select_option("select[name=window]", "all")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*/hotspots\?window=all"))
    heat = page.locator(".heat-parts").first.inner_text()
    assert "帖量" in heat and not re.search(r"[a-z]{4,}", heat)
    assert re.search(r"\+08:00", page.locator("#hotspot-list").inner_text())
    page.screenshot(path=str(SCREENSHOTS / "official-hotspots-zh.png"), full_page=True)
    assert not page.page_errors


def test_export_downloads_are_real_redacted_files(page, server):
    base, password = server
    login(page, base, password, "analyst")
    page.goto(base + "/export")
    with page.expect_download() as got:
        page.click("#export-posts-csv")
    download = got.value
    assert download.suggested_filename == "heard-posts.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    # every stored post, however many earlier browser tests uploaded to this session's server
    metrics = page.request.get(base + "/metrics").text()
    stored = int(re.search(r"^heard_posts (\d+)", metrics, re.M).group(1))
    assert len(rows) == stored >= 47 and {"external_id", "topic_id"} <= set(rows[0])
    assert "13812345678" not in text and "[phone]" in text
    with page.expect_download() as got:
        page.click("#export-topics-xlsx")
    assert got.value.suggested_filename == "heard-topics.xlsx"
    assert open(got.value.path(), "rb").read(2) == b"PK"
    with page.expect_download() as got:
        page.click("#export-alerts-jsonl")
    assert got.value.suggested_filename == "heard-alerts.jsonl"


def test_admin_makes_a_token_in_the_browser(page, server):
    base, password = server
    login(page, base, password, "admin")
    page.goto(base + "/admin/tokens")
    page.select_option("#token-form select[name=username]", "viewer")
    page.fill("#token-form input[name=label]", "browser test")
    page.click("#token-form button[type=submit]")
    token = page.locator("#token-value").inner_text().strip()
    assert token.startswith("hrd_")
    me = page.request.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert json.loads(me.text())["username"] == "viewer"


def test_unknown_topic_is_a_page_not_json(page, server):
    base, password = server
    login(page, base, password, "viewer")
    response = page.goto(base + "/topics/424242")
    assert response.status == 404
    assert page.locator("#error-title").inner_text().startswith("404")
    assert '"ok"' not in page.content()
