"""Spam rules 3.7 (2026-12-07), from half A of the blind legitimate-notice set (issue 19): a
carrier's usage or bill notice, a subscription that ends, a support visit booked, compensation
already paid and an anti-fraud warning are not adverts, though they carry a 【sender】 header, an
unsubscribe footer or the word 点击. Beside each guard, the advert that must still be flagged.
Sentences written for these tests; none is in a probe or notice file."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector
from heard.protect.detectors.sms_spam import SmsSpamDetector
from heard.protect.detectors.written_head import WrittenHeadDetector

SPAM = RuleDetector("spam")


def fired(text: str) -> list[str]:
    flag = SPAM.flag(text)
    return flag.details.get("rules_fired", [flag.rule]) if flag else []


@pytest.mark.parametrize(
    "text",
    [
        # the reader's own usage, bill or subscription, with the operator's footer
        "【中国电信】尊敬的用户，您本月已使用通话320分钟，剩余80分钟。回T退订",
        "【中国移动】您11月账单已出，套餐费58元，合计58元，感谢使用。退订回T",
        "【爱奇艺】您开通的黄金会员将于1月3日到期，到期后不再自动续费。回T退订",
        "Hi, this is Mark from Sky support following up on your call. Your engineer visit is "
        "confirmed for Friday 1-3pm. Reply STOP to opt out.",
        # compensation already paid, an anti-fraud warning with a header
        "【饿了么外卖】骑手配送超时，已为您赔付4元红包，下次下单可用。",
        "【中国电信】反诈提醒：有人冒充客服以套餐升级为由索要验证码，请勿点击陌生链接。",
    ],
)
def test_a_notice_about_the_readers_own_account_is_not_spam(text):
    assert fired(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # an upsell after the usage figure, an advert with a footer, a promotion that says 谨防
        "【中国移动】您本月已使用流量19GB，加购10GB流量包仅需10元，回复KT10办理。回T退订",
        "【优品商城】年终大促，全场5折起，点击 t.cn/A6bX 选购。回T退订",
        "Big winter sale at Dunmore Outlet, 50% off all coats this weekend only! "
        "Shop now at dunmoreoutlet.com Reply STOP to opt out",
    ],
)
def test_adverts_beside_those_notices_are_still_spam(text):
    assert fired(text), text


def test_the_guards_are_cues_of_spam_37():
    assert SPAM.version == "3.15"
    assert {"own_account_notice", "fraud_warning"} <= set(SPAM.rules.cues)


@pytest.mark.parametrize(
    "text",
    [
        "O2: Your payment of £30.00 has been received. Thank you! Free O2 msg.",
        "Three: Your bill of £24.50 is ready. Free msg from Three.",
        "Virgin Media: Your refund of £12.00 has been sent to your card. Free msg.",
    ],
)
def test_a_receipt_for_the_readers_own_payment_is_no_sms_spam(text):
    # the SMS head scores these 0.95-0.97: their amount is the reader's own, not a price
    assert SmsSpamDetector().detect([text]) == [[]]


@pytest.mark.parametrize(
    "text",
    [
        "URGENT! You have won a £900 prize. To claim txt WIN to 81010 now. T&C apply. Free msg",
        "Your payment of £5 has been received. To claim your FREE prize txt CLAIM to 80878 now!",
    ],
)
def test_premium_rate_spam_with_an_amount_is_still_flagged(text):
    [flags] = SmsSpamDetector().detect([text])
    assert [f.label for f in flags] == ["spam"]


@pytest.mark.parametrize(
    "text",
    [
        # written_head version 1 sent these to review as spam (0.73-0.78)
        "【中国联通】您好，您本月已用通话450分钟，超出50分钟，详询10010。回T退订",
        "Hi, this is Priya from Virgin Media support following up on your call. Your engineer "
        "appointment is confirmed for Monday 8-12. Reply STOP to opt out.",
        "Hi, this is Dan from Xfinity following up on your chat today. Your refund of $12.00 "
        "has been applied. Reply STOP to end messages.",
    ],
)
def test_written_head_2_leaves_a_carrier_or_support_notice_alone(text):
    assert WrittenHeadDetector().detect([text]) == [[]]


def test_the_sms_spam_version_names_the_head_once():
    # heard flags showed "sms_spam@sms_spam@1": the version repeated the detector's name
    assert "@" not in SmsSpamDetector().version
