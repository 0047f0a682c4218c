"""Scam_fraud 3.13 and spam 3.10 (3.11 and 3.8 on the protect5 branch): English families written
from half A of the blind English probe set v7. Each rule has sentences of its own (not probe
rows) and hard negatives of the same words: notices, warnings, news, complaints, a real job
advert, a PTA casino night."""

from __future__ import annotations

import pytest

from heard.protect.detectors.rules import RuleDetector, ruleset


@pytest.fixture(scope="module")
def fraud():
    return RuleDetector("scam_fraud")


@pytest.fixture(scope="module")
def spam():
    return RuleDetector("spam")


FRAUD = [
    (
        "en_not_you_call_or_verify",
        "HSBC: a new device was linked to your card at 03:12. If this wasn't you, call our "
        "security line on 020 3141 5926 straight away.",
    ),
    (
        "en_not_you_call_or_verify",
        "Amazon: an order of $612.00 was placed. If you did not make this order, secure your "
        "account here: amzn-billing-alert.net",
    ),
    (
        "en_signals_group_fee_profit",
        "Our VIP trading channel calls the next coin before it moons, 20x easy. Access fee only "
        "0.02 BTC, profits guaranteed.",
    ),
    (
        "en_endearment_money_far_away",
        "Sweetheart, the customs fee for my consignment is $1,800 and my funds are frozen until "
        "I get home. Please send the money tonight, I can't wait to see you.",
    ),
    (
        "en_task_job_private_channel",
        "Flexible side job: rate hotels online for 20 minutes a day and earn $150 every day. "
        "Message our coordinator on Telegram to start.",
    ),
    (
        "en_money_mule_offer",
        "Easy income: use your personal account to receive payments from our clients, then "
        "wire the money to our supplier and keep 8% for yourself.",
    ),
    (
        "en_utility_cutoff_pay_now",
        "NOTICE: your gas supply will be shut off tonight at 9pm over an unpaid bill. Pay now by "
        "calling 877 555 0142.",
    ),
    (
        "en_prize_small_delivery_fee",
        "You have won a Dyson hairdryer in our weekly draw! Just pay £3.50 for postage to "
        "receive it.",
    ),
    (
        "en_billing_problem_with_action",
        "Spotify: your subscription has been suspended because we were unable to verify your "
        "payment. Update your billing details at spotify-renew-account.com",
    ),
]

LEGIT_FRAUD_WORDS = [
    "Chase: you spent $54.20 at Target. If this wasn't you, review it in the Chase app.",
    "Police say fraudsters text 'if this wasn't you call us on 0203 000 0000': hang up and "
    "call the number on the back of your card.",
    "Honey, can you send $40 for the school trip? I'm stuck at work until 7.",
    "My love, I miss you so much. I'm stuck in traffic, see you at home tonight.",
    "We're hiring part-time shop assistants: £12 per hour, paid weekly, apply in store.",
    "Court told money mules received funds into their own accounts and forwarded them to the "
    "gang, keeping 10%.",
    "Planned work: your water supply will be switched off tomorrow 9am-1pm. No payment is "
    "needed; call 0800 316 9800 if you have a medical need.",
    "Congratulations to our raffle winners! Prizes can be collected from the office.",
    "Your Netflix membership was cancelled as requested. You can rejoin any time in the app.",
]


@pytest.mark.parametrize(("rule", "text"), FRAUD)
def test_each_new_fraud_family_is_caught_by_its_rule(fraud, rule, text):
    flag = fraud.flag(text)
    assert flag is not None and rule in flag.details["rules_fired"]
    assert flag.version == "3.18"


@pytest.mark.parametrize("text", LEGIT_FRAUD_WORDS)
def test_notices_news_couples_and_real_jobs_are_not_scams(fraud, text):
    assert fraud.flag(text) is None


SPAM = [
    (
        "en_pharma_without_prescription",
        "Tramadol and Xanax without prescription, discreet shipping worldwide, order online at "
        "rx-fast-meds.net",
    ),
    (
        "en_web_service_pitch",
        "Hello! Our agency offers link building and digital marketing at affordable rates. "
        "Contact us for a free audit.",
    ),
    ("en_engagement_for_sale", "Buy real TikTok views and likes, cheapest prices, DM me for bulk."),
    (
        "en_debt_offer_act_now",
        "Drowning in debt? Reduce your monthly repayments with debt relief. Apply today!",
    ),
    (
        "en_gambling_lure",
        "Spin the roulette tonight: 150% welcome bonus and instant withdrawals at luckyspin.vip",
    ),
    (
        "en_easy_money_click",
        "Earn $900 a day with passive income from your phone, click here to see how.",
    ),
    (
        "en_dating_bait_sign_up",
        "Lonely women near you want to meet you tonight, click here to join free.",
    ),
]

LEGIT_SPAM_WORDS = [
    "A BBC investigation found websites selling Viagra without prescription to teenagers.",
    "We offer web design classes at the library on Tuesdays, free for residents.",
    "Why do politicians buy followers? A study of 2,000 accounts found fake likes everywhere.",
    "My bank pre-approved me for a loan I never asked for. Is it safe to ignore?",
    "Casino night at the PTA fundraiser on Friday: blackjack, roulette and raffle prizes!",
    "Journalism: passive income gurus promise you can make $5,000 a week. Here is the truth.",
    "The council reported that lonely women in rural areas lack bus services.",
]


@pytest.mark.parametrize(("rule", "text"), SPAM)
def test_each_new_advert_family_is_caught_by_its_rule(spam, rule, text):
    flag = spam.flag(text)
    assert flag is not None and rule in flag.details["rules_fired"]
    assert flag.version == "3.15"


@pytest.mark.parametrize("text", LEGIT_SPAM_WORDS)
def test_reports_classes_questions_and_fundraisers_are_not_adverts(spam, text):
    assert spam.flag(text) is None


def test_the_new_rules_score_under_the_automation_bar():
    """Every 3.13 / 3.10 rule scores under 0.9, the default bar: a person reviews (RIGHTS.md §5)."""
    for label, cases in (("scam_fraud", FRAUD), ("spam", SPAM)):
        new = {rule for rule, _ in cases}
        scores = {r.name: r.score for r in ruleset(label).rules if r.name in new}
        assert set(scores) == new and max(scores.values()) < 0.9
