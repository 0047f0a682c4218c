"""Two desks and a citizen in real browsers, on a concern filed on the public form: the admin
closes it with a reply while the transport responder's page still shows it open; the
responder's reply that would close it too comes back refused (409) with what was written
still in the form; the citizen then disputes the closure with a reason typed over several
lines up to the form's maxlength (the browser sends each line break as CR LF: it was a 422
error page that lost the reason)."""

from __future__ import annotations

import re

import pytest

from conftest import login

pytestmark = pytest.mark.browser
REASON_LINE = "站牌只是扶起来了，底座还是松的"


def test_two_desks_close_one_case_and_the_citizen_disputes(browser, page, server):
    base, password = server
    page.goto(base + "/public/report?department=transport")
    page.fill("textarea[name=text]", "长乐路口12路站牌被撞倒了，底座松动")
    page.click("#report-form button[type=submit]")
    token = page.locator("#filed-token").inner_text().strip()
    page.click("#to-case")
    case_id = page.locator("#case-id").inner_text()

    desks = []
    for user in ("responder", "admin"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        desk = context.new_page()
        desk.set_default_timeout(20_000)
        login(desk, base, password, user)
        desk.goto(base + f"/desk/cases/{case_id}")
        desks.append(desk)
    responder, admin = desks
    admin.fill("#reply-form textarea[name=text]", "站牌已重新安装。")
    admin.select_option("#reply-form select[name=close_as]", "fixed")
    admin.click("#reply-form button[type=submit]")
    assert admin.locator("#case-status").inner_text() == "fixed"

    written = "已派人扶正站牌。"
    responder.fill("#reply-form textarea[name=text]", written)
    responder.select_option("#reply-form select[name=close_as]", "fixed")
    responder.click("#reply-form button[type=submit]")
    assert "already fixed" in responder.locator("#case-error").inner_text()
    assert responder.locator("#reply-form textarea[name=text]").input_value() == written
    for desk in desks:
        desk.context.close()

    reason = ((REASON_LINE + "\n") * 80)[:1000]  # what the textarea's maxlength allows
    page.goto(base + f"/public/cases/{case_id}")
    page.fill("#dispute-form input[name=token]", token)
    page.fill("#dispute-form textarea[name=note]", reason)
    page.click("#dispute-form button[type=submit]")
    assert page.locator("#disputed-ok").is_visible()
    assert REASON_LINE in page.locator("#timeline").inner_text()
    assert not page.page_errors
    page.wait_for_url(re.compile(rf".*/public/cases/{case_id}\?disputed=1$"))
