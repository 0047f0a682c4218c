"""Rules scam_fraud 3.14, spam 3.11 and the SMS-spam refund guard (2026-12-07), from the English
misses and false flags of half A of the blind v8 probes and notices v2. Sentences written for
these tests; none is a probe row."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector
from heard.protect.detectors.sms_spam import SmsSpamDetector

FRAUD = RuleDetector("scam_fraud")
SPAM = RuleDetector("spam")


@pytest.mark.parametrize(
    "text",
    [
        "Hello dear, I am a military doctor serving in Yemen. My consignment box is ready, the "
        "diplomat only needs a $950 clearance fee to deliver it to you.",
        "Vitalik is giving away 5,000 ETH! Send 0.5 ETH to the address below and receive 2x back.",
        "Congratulations, you've won a $500 Target gift card! Claim yours now: tgt-prize.click/go",
        "PayPal: your account is on hold. Verify your account at paypal.com.secure-login.top",
    ],
)
def test_english_half_a_families_are_fraud(text):
    assert FRAUD.flag(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Spotify: your payment was declined. Please update your card in the Spotify app or at "
        "spotify.com/account.",
        "FedEx: delivery exception, recipient not available. Manage your delivery at fedex.com.",
        "Our charity run raised $2,300 for the children's ward; thanks to the army doctors who "
        "volunteered at the first-aid tent.",
    ],
)
def test_a_senders_own_app_or_domain_is_not_phishing(text):
    assert FRAUD.flag(text) is None


def test_an_seo_pitch_is_spam_a_question_about_ranking_is_not():
    pitch = (
        "Hi, your site is not ranking on page 1 of Google. We can fix that in 30 days. "
        "Reply for a free audit."
    )
    assert SPAM.flag(pitch) is not None
    assert SPAM.flag("Why is our library's website not ranking on page 1 of Google?") is None


def test_a_refund_credited_is_not_a_price():
    sms = SmsSpamDetector()
    refund = (
        "Lufthansa: Your refund request was approved. $418.20 will be credited to your "
        "original form of payment within 7 business days."
    )
    assert sms.detect([refund]) == [[]]
    assert sms.detect(["WINNER! Claim your $1,000 prize now, call 09061701461."])[0]
