"""The dashboard in Debian chromium: log in, overview, topic, search (zh, en), upload, UI
language, and hostile posts that must neither execute nor break the layout."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FIXTURES = REPO / "tests" / "fixtures"


def wait_for_upload(page) -> None:
    page.wait_for_selector("#upload-result, #upload-error", timeout=180_000)
    if page.locator("#upload-error").count():
        pytest.fail("the upload was refused: " + page.inner_text("#upload-error"))


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_browse_search_and_upload(page, server):
    base, password = server
    page.goto(base + "/topics")
    assert page.url.startswith(base + "/login")  # anonymous → login form
    login(page, base, password)
    # every stored post: the seed's 47 and what earlier browser tests filed on this server
    metrics = page.request.get(base + "/metrics").text()
    stored = int(re.search(r"^heard_posts (\d+)", metrics, re.M).group(1))
    assert int(page.inner_text("#total-posts").replace(",", "")) == stored >= 47
    page.wait_for_selector("#chart-volume .main-svg")  # Plotly drew from the local plotly.min.js
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)

    page.click("nav >> text=Topics")
    page.click("#topic-table a >> nth=0")
    assert "东湖路" in page.inner_text("#topic-label")
    page.wait_for_selector("#chart-series .main-svg")
    page.screenshot(path=str(SCREENSHOTS / "topic.png"), full_page=True)

    for query, needle, shot in (
        ("停水", "停水", "search-zh.png"),
        ("water", "water", "search-en.png"),
    ):
        page.goto(base + "/search")
        page.fill("#search-form input[name=q]", query)
        page.click("#search-form button[type=submit]")
        texts = page.locator("#results .post-text").all_inner_texts()
        assert texts and all(needle in t.lower() for t in texts)
        page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)

    page.click(".lang-switch")
    assert page.inner_text("nav").split()[:2] == ["总览", "话题"]
    assert (
        page.locator("#results .post-text").count() > 0
    )  # the switch keeps the page and its query
    page.screenshot(path=str(SCREENSHOTS / "search-en-ui-zh.png"), full_page=True)
    page.click(".lang-switch")

    page.goto(base + "/upload")
    page.set_input_files("#upload-form input[type=file]", str(FIXTURES / "posts_small.jsonl"))
    page.click("#upload-form button[type=submit]", timeout=180_000)
    wait_for_upload(page)
    stored = int(page.inner_text("#count-stored"))
    read = int(page.inner_text("#count-read"))
    quarantined = int(page.inner_text("#count-quarantined"))
    assert (
        read >= 1
        and stored + quarantined + int(page.inner_text("#count-already")) <= read
        and stored >= 1
    )
    page.screenshot(path=str(SCREENSHOTS / "upload.png"), full_page=True)
    assert not page.dialogs and not page.page_errors and not page.console_errors, (
        page.console_errors
    )


def test_hostile_posts_do_not_execute_and_layout_holds(page, server):
    base, password = server
    hostile = FIXTURES / "hostile_posts.jsonl"
    assert hostile.exists(), "tests/fixtures/hostile_posts.jsonl is part of the repo"
    login(page, base, password)
    page.goto(base + "/upload")
    page.set_input_files("#upload-form input[type=file]", str(hostile))
    page.click("#upload-form button[type=submit]", timeout=180_000)
    wait_for_upload(page)
    assert int(page.inner_text("#count-stored")) >= 10
    page.screenshot(path=str(SCREENSHOTS / "hostile-upload.png"), full_page=True)

    for path, shot in (
        ("/search?source=hostile_posts", "hostile-search.png"),
        ("/search?q=alert", None),
        ("/search?q=公园", None),
        ("/", None),
        ("/quarantine", None),
        ("/hotspots", None),
    ):
        page.goto(base + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert no_horizontal_overflow(page), f"{path} overflows the viewport horizontally"
        injected = page.evaluate("""() => ({
            scripts: [...document.scripts].filter(s => s.type !== 'application/json'
                       && !['/vendor/plotly.min.js', '/static/app.js'].includes(new URL(s.src ||
                       'x:', location).pathname)).length,
            handlers: document.querySelectorAll('[onerror],[onload],[onmouseover]').length,
            frames: document.querySelectorAll('iframe,object,embed').length,
            jsLinks: [...document.links].filter(a => a.protocol === 'javascript:' || a.protocol ===
            'data:').length,
            imgs: document.querySelectorAll('img').length,
        })""")
        assert injected == {"scripts": 0, "handlers": 0, "frames": 0, "jsLinks": 0, "imgs": 0}, (
            path,
            injected,
        )
        if shot:
            texts = page.locator("#results .post-text").all_inner_texts()
            assert any("<script>alert(1)</script>" in t for t in texts)  # shown as text, not run
            assert any(
                "more characters" in t for t in texts
            )  # the 100k-char post is clipped visibly
            page.screenshot(path=str(SCREENSHOTS / shot), full_page=False)
    assert page.dialogs == [], page.dialogs
    assert page.page_errors == [], page.page_errors
    assert page.console_errors == [], page.console_errors
