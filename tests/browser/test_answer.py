"""The answer side in a real browser (issue 18 §4, §3): a citizen with no account reads the
departments' record, writes to a department on the public form (Chinese), keeps the token (a
language switch on the receipt opens another tab, so the token stays on screen), finds
the case with it and sees it redacted; the filer of a closed case disputes the closure with its
token; a responder logs in, sees its own department's queue only and publishes a reply that the
public case page then shows."""

from __future__ import annotations

import re

import pytest
from api_seed import CASE_TOKEN, CLOSED_CASE

from conftest import SCREENSHOTS, login

pytestmark = pytest.mark.browser
PHONE = "13912345678"


def test_a_citizen_writes_finds_the_case_and_disputes_a_closure(page, server):
    base, _ = server
    page.goto(base + "/lang/zh?next=/public/departments")
    assert page.url.endswith("/public/departments")
    record = page.locator("#record").inner_text()
    assert "供水" in record and "交通运输" in record
    page.click("#to-report")
    page.select_option("select[name=department]", "transport")
    page.fill("textarea[name=text]", f"12路公交站牌被撞倒了，在长乐路口。我的电话{PHONE}")
    page.click("#report-form button[type=submit]")
    token = page.locator("#filed-token").inner_text().strip()
    assert len(token) >= 20
    page.screenshot(path=str(SCREENSHOTS / "answer-receipt-zh.png"), full_page=True)
    # the receipt shows the token once: switching language opens another tab and keeps it here
    with page.context.expect_page() as opened:
        page.click("a.lang-switch")
    other = opened.value
    other.wait_for_load_state()
    assert other.locator("html").get_attribute("lang") == "en"
    assert page.locator("#filed-token").inner_text().strip() == token
    other.goto(base + "/lang/zh?next=/public/departments")  # back to Chinese for what follows
    other.close()
    page.click("#to-case")
    case_id = page.locator("#case-id").inner_text()
    concern = page.locator("#concern").inner_text()
    assert "站牌" in concern and PHONE not in concern and "[phone]" in concern
    assert page.locator("#case-status").inner_text() == "待处理"

    page.goto(base + "/public/track")
    page.fill("input[name=token]", token)
    page.click("#track-form button[type=submit]")
    page.wait_for_url(re.compile(rf".*/public/cases/{case_id}$"))

    page.goto(base + f"/public/cases/{CLOSED_CASE['water']}")
    assert "抢修已完成" in page.locator("#reply").inner_text()
    page.fill("#dispute-form input[name=token]", "not-my-token")
    page.click("#dispute-form button[type=submit]")
    assert page.locator("#case-error").is_visible()
    page.fill("#dispute-form input[name=token]", CASE_TOKEN)
    page.fill("#dispute-form textarea[name=note]", "又停水了")
    page.click("#dispute-form button[type=submit]")
    assert page.locator("#disputed-ok").is_visible()
    assert page.locator("#case-status").inner_text() == "待处理"
    timeline = page.locator("#timeline").inner_text()
    assert "异议" in timeline
    # the timeline's own words in Chinese too: the citizen's reason as written, then the new
    # deadline Heard noted, and the department by its name
    assert "又停水了 · 新的办理期限" in timeline and "new deadline" not in timeline
    assert "分派依据" in timeline and "routed by" not in timeline and "→ 供水" in timeline
    unexpected = [e for e in page.console_errors if "status of 404" not in e]  # the wrong token
    assert not page.page_errors and not unexpected


def test_a_responder_replies_from_its_desk(page, server):
    base, password = server
    login(page, base, password, "responder")  # the responder account works transport's queue
    page.click("nav >> text=Cases")
    page.wait_for_url(re.compile(r".*/desk$"))
    queue = page.locator("table.cases").inner_text()
    assert CLOSED_CASE["transport"] in queue and CLOSED_CASE["water"] not in queue
    page.click(f"text={CLOSED_CASE['transport']}")
    page.fill("#reply-form textarea[name=text]", "已联系公交公司，站牌今天修复。")
    page.select_option("#reply-form select[name=close_as]", "fixed")
    page.click("#reply-form button[type=submit]")
    assert page.locator("#case-status").inner_text() == "fixed"
    page.screenshot(path=str(SCREENSHOTS / "answer-desk.png"), full_page=True)

    public = page.context.browser.new_context().new_page()  # no cookies: a member of the public
    public.goto(base + f"/public/cases/{CLOSED_CASE['transport']}")
    assert "站牌今天修复" in public.locator("#reply").inner_text()
    assert "Transport" in public.locator("#reply").inner_text()  # the department's, no person's
    assert "responder" not in public.locator("#reply").inner_text()
    public.context.close()
    assert not page.page_errors and not page.console_errors
