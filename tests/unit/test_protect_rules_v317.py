"""Rules scam_fraud 3.17, spam 3.14, harassment 1.3, hate 1.4 and violent_threat 1.3
(2026-12-08), from the misses and false flags of half A of the blind probe set v9. Sentences
written for these tests; none is a probe row."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector

FRAUD = RuleDetector("scam_fraud")
SPAM = RuleDetector("spam")


@pytest.mark.parametrize(
    "text",
    [
        # a made-up host gluing a payment word to a brand, with a sum or a prize
        "Revenue Scotland: a rebate of £230.15 is waiting. Claim at revscot-rebate-claim.co.uk",
        "Your Costco reward is ready! You won a $500 voucher, claim it: cst-rewards-winner.shop",
        "Parking fine: £60 is due for your vehicle. Settle it at city-penalty-pay.com/ref",
        # a payment that cannot be taken back, for a stranger's story
        "Dear friend, the orphanage lost its roof. Please donate with Steam gift cards, our bank "
        "account is frozen and the children are cold.",
        "I'm raising money for the shelter but can't take card payments, e-transfer to my "
        "personal account and I'll post you a thank-you letter.",
        "My love, customs are holding my inheritance. Western Union to my lawyer tonight please.",
        # support that wants a remote-access app
        "This is the PayPal billing department: $612 was charged for a laptop order. To cancel, "
        "install TeamViewer and we will process the refund with you.",
        # a job by chat that adds the reader to a group
        "Hiring now: rate hotels online 20 minutes a day, paid daily. Our assistant will add you "
        "to the team group.",
    ],
)
def test_english_structural_fraud_is_caught(text):
    assert FRAUD.flag(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        # a warning that quotes the look-alike host is not the scam
        "PSA: a text says my toll of $3.50 is unpaid and links to state-toll-pay.com. It's a scam, "
        "don't click.",
        # a real charity's own domain, a gift card in a birthday wish
        "Donate to the flood appeal at redcross.org.uk; every £10 helps.",
        "Happy birthday! I sent you an Amazon gift card, enjoy something nice.",
        # IT at work telling staff how to get help is not a stranger's pretext
        "The library's public PCs now have a new printer driver; ask staff if you need help.",
        # the sender says its notice carries no link
        "【交管12123】您有一条交通违法记录未处理，请登录交管12123APP查询，本短信不含任何链接。",
        # contraband and terror financing paid in crypto are not fraud
        "Donate crypto to the cause, every coin buys supplies for the front.",
    ],
)
def test_english_look_alikes_are_not_fraud(text):
    assert FRAUD.flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Loved this! Visit my channel for more awesome videos, I'll sub back!",
        "Earn money from home, the secret method is in my bio link 🤑",
        "Need dissertation writing help? Plagiarism-free, delivered in 48 hours, WhatsApp us.",
    ],
)
def test_english_comment_spam_is_caught(text):
    assert SPAM.flag(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "【中国联通】您本月通话已使用95%，超出部分按0.15元/分钟计费，回复CXHF查询。",
        "【中国电信】尊敬的客户，您本月套餐内语音已使用90%，超出部分按0.1元/分钟计费，回复CXYY查询。",
        "Our writing centre offers free essay help for students; book a slot on the library site.",
    ],
)
def test_own_usage_notices_and_free_help_are_not_spam(text):
    assert SPAM.flag(text) is None


def test_a_pile_on_call_is_harassment_a_call_to_support_is_not():
    harassment = RuleDetector("harassment")
    assert (
        harassment.flag("@ him and tell him he's a joke, let's make him quit streaming") is not None
    )
    assert harassment.flag("Everyone go tell her congratulations on the new job!") is None


def test_a_group_called_a_disease_is_hate_a_disease_statistic_is_not():
    hate = RuleDetector("hate")
    assert hate.flag("Refugees are a plague and should all be thrown out.") is not None
    assert hate.flag("Women are more likely to get breast cancer after 50.") is None


def test_regret_after_knowing_the_address_is_a_threat():
    threat = RuleDetector("violent_threat")
    assert (
        threat.flag(
            "I know where you live, pal. Keep posting about my company and you'll regret it."
        )
        is not None
    )
    assert threat.flag("Are you coming with a bat to cricket tonight? I'll bring the ball.") is None


def test_coming_with_a_weapon_is_a_threat():
    threat = RuleDetector("violent_threat")
    assert threat.flag("You scratched my car. I'm coming over with a crowbar tonight.") is not None


def test_a_warning_that_reports_a_callers_script_is_not_the_scam():
    warning = (
        "提醒邻居们：最近有人打电话称“妈，我是你儿子，手机丢了，急需用钱，先别跟爸说”，"
        "务必先打电话核实再说。"
    )
    script = "妈，我是你儿子，手机丢了，急需用钱，先转三千给我，别跟爸说"
    assert FRAUD.flag(warning) is None
    assert FRAUD.flag(script) is not None
