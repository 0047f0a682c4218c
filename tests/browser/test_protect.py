"""The protect side in a real browser (issue 19): someone reports a post from its public case
page; a moderator works the Chinese review queue and decides with a statement of the facts (an
"illegal" ground is refused until it names its legal ground, the form keeping every choice); the
author reads the statement of reasons with the notice token and appeals; the moderator who
decided is refused the appeal and a second one (an admin) reverses it."""

from __future__ import annotations

import re

import pytest
from api_seed import CLOSED_CASE

from conftest import SCREENSHOTS, login

pytestmark = pytest.mark.browser


def _page(browser, errors: list[str], **options):
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def test_report_review_statement_and_appeal(browser, server):
    base, password = server
    errors: list[str] = []
    public = _page(browser, errors, locale="zh-CN")
    public.goto(base + f"/public/cases/{CLOSED_CASE['water']}")
    public.click("a.report-link")
    public.select_option("select[name=label]", "doxxing")
    public.fill("textarea[name=note]", "帖子里有别人的电话号码")
    public.click("#report-post-form button[type=submit]")
    assert public.locator("#report-sent").is_visible()

    mod = _page(browser, errors, locale="zh-CN")
    login(mod, base, password, "moderator")
    mod.goto(base + "/lang/zh?next=/moderate")
    assert "审核" in mod.locator("h1").inner_text()
    mod.click("#queue a >> nth=0")
    assert mod.locator("#definition").is_visible()
    mod.select_option("#decide-form select[name=decision]", "remove")
    mod.select_option("#decide-form select[name=ground]", "illegal")
    mod.fill("#decide-form textarea[name=facts]", "帖子公布了他人的电话号码。")
    mod.click("#decide-form button[type=submit]")
    assert "legal ground" in mod.locator("#decide-error").inner_text()  # DSA Art. 17(3)(d)
    # the refused form keeps every choice: only the legal ground is left to add
    assert mod.locator("#decide-form select[name=decision]").input_value() == "remove"
    assert mod.locator("#decide-form select[name=ground]").input_value() == "illegal"
    assert mod.locator("#decide-form select[name=label]").input_value() == "doxxing"
    assert "他人的电话号码" in mod.locator("#decide-form textarea[name=facts]").input_value()
    mod.fill("#decide-form input[name=legal_ground]", "个人信息保护法 第十条")
    mod.click("#decide-form button[type=submit]")
    token = mod.locator("#author-token").inner_text().strip()
    decision_id = mod.locator("#decision-id").inner_text().strip()
    assert "STATEMENT_CATEGORY" in mod.locator("#statement").inner_text()
    assert "个人信息保护法 第十条" in mod.locator("#statement").inner_text()
    mod.screenshot(path=str(SCREENSHOTS / "protect-decided-zh.png"), full_page=True)

    public.goto(base + f"/public/cases/{CLOSED_CASE['water']}")
    assert decision_id in public.locator("#concern").inner_text()  # a notice, not the text
    public.goto(base + "/statement")
    public.fill("#statement-form input[name=token]", token)
    public.click("#statement-form button[type=submit]")
    assert decision_id in public.content()
    assert public.locator(".legal-ground").inner_text() == "个人信息保护法 第十条"
    public.fill(".appeal-form textarea[name=text]", "这是供水公司的公开热线。")
    public.click(".appeal-form button[type=submit]")
    assert public.locator("#appeal-sent").is_visible()

    mod.goto(base + "/moderate/appeals")
    mod.select_option(".appeal-form select[name=outcome]", "reversed")
    mod.fill(".appeal-form input[name=facts]", "热线号码")
    mod.click(".appeal-form button[type=submit]")
    assert "may not decide its appeal" in mod.locator("#appeal-error").inner_text()
    assert mod.locator(".appeal-form select[name=outcome]").input_value() == "reversed"
    assert mod.locator(".appeal-form input[name=facts]").input_value() == "热线号码"

    admin = _page(browser, errors)
    login(admin, base, password, "admin")
    admin.goto(base + "/moderate/appeals")
    admin.select_option(".appeal-form select[name=outcome]", "reversed")
    admin.fill(".appeal-form input[name=facts]", "A public service number.")
    admin.click(".appeal-form button[type=submit]")
    admin.wait_for_url(re.compile(r".*/moderate/appeals\?decided=1$"))
    admin.goto(base + "/transparency")
    assert admin.locator("#appeals-total").inner_text() == "1"
    for page in (public, mod, admin):
        page.context.close()
    assert not errors


def test_show_original_reveals_the_text_in_place(browser, server):
    """A moderator asks for a flagged post's original with a reason: the review page shows the
    redacted text until then, the original in its place after (the use is in the audit log;
    tests/integration/test_show_original.py checks the entry). An analyst gets no such page; an
    admin sees the use, not the text, on the calibration page."""
    base, password = server
    errors: list[str] = []
    mod = _page(browser, errors)
    filed = mod.context.request.post(
        base + "/api/v1/report", data={"post_id": "seed:w3", "label": "doxxing"}
    )
    assert filed.ok, filed.text()
    flag_id = filed.json()["flag_id"]
    login(mod, base, password, "moderator")
    mod.goto(base + f"/moderate/items/{flag_id}")
    assert "13812345678" not in mod.locator("#post-text").inner_text()
    assert "[phone]" in mod.locator("#post-text").inner_text()
    mod.fill("#original-form input[name=reason]", "is this the water company's hotline?")
    mod.click("#original-form button[type=submit]")
    assert "13812345678" in mod.locator("#post-text").inner_text()
    assert mod.locator("#original-note").is_visible()
    assert mod.locator("#original-form").count() == 0
    mod.screenshot(path=str(SCREENSHOTS / "protect-original-en.png"), full_page=True)

    analyst = _page(browser, errors)
    login(analyst, base, password, "analyst")
    denied = analyst.goto(base + f"/moderate/items/{flag_id}")
    assert denied.status == 403
    assert "13812345678" not in analyst.content()

    admin = _page(browser, errors)  # admins see who looked, when and why: not the text
    login(admin, base, password, "admin")
    admin.goto(base + "/admin/calibration")
    row = admin.locator("#original-views tbody tr").first
    assert "seed:w3" in row.inner_text() and "moderator" in row.inner_text()
    assert "hotline" in row.inner_text()
    assert "13812345678" not in admin.content()
    for page in (mod, analyst, admin):
        page.context.close()
    assert not errors


def test_a_flag_reported_while_the_item_is_open_is_not_decided_unseen(browser, server):
    """A report that comes in while a moderator reads the item: their decision is refused (409),
    the page shows the new flag beside the old one and keeps the facts typed, and deciding again
    closes both — it was closed unseen before."""
    base, password = server
    errors: list[str] = []
    mod = _page(browser, errors, locale="en-US")
    public = _page(browser, errors)  # anyone, without an account
    post = "seed:w7"

    def report(label: str) -> str:
        filed = public.context.request.post(
            base + "/api/v1/report", data={"post_id": post, "label": label}
        )
        assert filed.ok, filed.text()
        return str(filed.json()["flag_id"])

    spam = report("spam")
    login(mod, base, password, "moderator")
    mod.goto(base + f"/moderate/items/{spam}")
    assert mod.locator("#flags tr[data-flag]").count() == 1
    threat = report("violent_threat")  # while the page is open
    mod.select_option("#decide-form select[name=decision]", "no_action")
    mod.fill("#decide-form textarea[name=facts]", "A complaint about the water pressure.")
    with mod.expect_response(lambda r: r.request.method == "POST") as answer:
        mod.click("#decide-form button[type=submit]")
    assert answer.value.status == 409
    assert threat in mod.locator("#decide-error").inner_text()
    assert mod.locator(f'#flags tr[data-flag="{threat}"]').count() == 1
    kept = mod.locator("#decide-form textarea[name=facts]").input_value()
    assert kept == "A complaint about the water pressure."
    mod.screenshot(path=str(SCREENSHOTS / "protect-new-flag-409-en.png"), full_page=True)
    mod.click("#decide-form button[type=submit]")  # read it: decide again, on both
    assert mod.locator("#decision-id").is_visible()
    flags = mod.context.request.get(base + "/api/v1/flags?limit=500").json()["flags"]
    statuses = {f["flag_id"]: f["status"] for f in flags if f["flag_id"] in (spam, threat)}
    assert statuses == {spam: "dismissed", threat: "dismissed"}
    mod.context.close()
    public.context.close()
    assert not errors
