"""English fraud families (scam_fraud rules 3.7): each family's script is caught by its own rule,
and the speech around it — a real notice, someone asking whether a text is a scam, a warning,
news, criticism of a tax office or a bank, a real relative, a real job — comes through with no
scam flag (RIGHTS.md §1, §5).

Every sentence here was written for this test (no probe row, no dataset text). The held-out v5
probes are not read here; bench/protect_probes.py measures them."""

from __future__ import annotations

import pytest

from heard.protect.detectors import RuleDetector
from heard.protect.stage import HarmStage

FAMILIES = {
    "en_delivery_problem_with_link": [
        "USPS: We could not deliver your package due to an incomplete address. Update your "
        "address at usps-parcelcare.com within 12 hours.",
        "Evri: your parcel is held at our depot, a redelivery fee of £1.45 is due. Pay here: "
        "evri-redelivery-uk.info",
        "FedEx: delivery attempt failed for shipment 77812. Reschedule and confirm your "
        "details at https://fedx-track-resched.top",
    ],
    "en_unpaid_toll_with_link": [
        "SunPass: You have an outstanding toll of $4.15. Pay by tonight at sunpass-tolls.cc to "
        "avoid a $45 late fee.",
        "Toll Services Notice: unpaid toll balance on your vehicle. Visit tollpay-services.xyz "
        "now to avoid penalties and registration suspension.",
    ],
    "en_account_alarm_with_action": [
        "Bank of America: your debit card has been temporarily restricted. Tap here to restore "
        "access: boa-verify-card.com",
        "Your mailbox is full and will be disabled. Verify your account at mail-upgrade.net",
        "Wells Fargo: Suspicious sign-in attempt blocked. Your online banking has been "
        "suspended. Verify your identity at wf-secure-restore.com",
        "Netflix: your account is on hold because of unusual activity. Update your payment "
        "method here: netflx-billing-help.net",
        "Alert: unauthorized transaction of $980 detected. Your card has been frozen. Call our "
        "fraud department at 1-844-555-0142 to unlock it.",
    ],
    "en_government_threat_with_payment": [
        "This is the Social Security Administration. Your social security number has been "
        "suspended due to suspicious activity. Call us back immediately at 1-833-555-0190 or a "
        "warrant will be issued for your arrest.",
        "Final notice from the tax department: you owe back taxes of $4,812. Pay today with "
        "Google Play gift cards to avoid arrest.",
        "Immigration office: a case has been filed against you. You will be deported unless "
        "you settle the fine now via Western Union.",
    ],
    "en_government_money_needs_details": [
        "GOV.UK alert: you are eligible for a cost of living payment of £301. Confirm your bank "
        "details at gov-support-payments.com to receive it.",
        "Treasury notice: your stimulus payment is pending. You are eligible, please provide "
        "your debit card number and ssn to claim your payment.",
    ],
    "en_tech_support_alarm_call": [
        "WARNING! Your computer has been infected with a Trojan virus. Do not restart your "
        "computer. Call Microsoft Support toll-free at 1-888-555-0123 immediately.",
        "Apple Security Alert: your iPhone has been compromised by hackers. Contact support "
        "now and install AnyDesk so our technician can remove the malware.",
    ],
    "en_renewal_charge_call_to_cancel": [
        "Your Geek Squad subscription has been auto-renewed and $399.99 will be charged today. "
        "To cancel and get a refund call 1-877-555-0148.",
        "Norton invoice: your membership plan for $289.00 has been renewed. If you did not "
        "authorise this, contact our billing desk at 1-855-555-0101.",
    ],
    "en_gift_card_payment_demand": [
        "I need you to pick up 4 Target gift cards of $200 each for a client. Scratch the back "
        "and send me pictures of the codes. Keep it between us for now.",
        "To settle your electricity debt you must pay with Vanilla prepaid cards; read me the "
        "numbers on the back before 5pm or your power will be cut.",
    ],
    "en_family_emergency_money": [
        "Grandma it's me, I was in a car accident and the police are holding me. I need $3,500 "
        "for bail, please don't tell Mom and Dad.",
        "Mum this is my new number, my phone fell in the bath. Can you pay a bill for me "
        "today? I can't talk right now, will explain later.",
        "Hi Dad, I'm stranded abroad, my card is blocked. Please send £450 to my friend's "
        "account so I can get a flight home.",
    ],
    "en_crypto_profit_invitation": [
        "Sorry wrong number! Anyway, my aunt is an analyst and I made $32,000 last month on a "
        "bitcoin trading platform. I can show you, you can start with $500.",
        "Join our VIP telegram: guaranteed returns of 5% daily on USDT liquidity mining. Start "
        "with a small deposit and watch it grow.",
    ],
    "en_withdrawal_needs_a_fee": [
        "Your crypto account balance is $86,400. To withdraw you need to pay the 15% tax "
        "first, then the funds are released within 24 hours.",
    ],
    "en_romance_money_story": [
        "My darling, I love you so much. I'm on the oil rig until March and my account is "
        "frozen. Please send $2,000 for my flight ticket so we can finally meet.",
    ],
    "en_prize_needs_a_fee": [
        "Your winnings of $45,000 from the Email Lottery are ready. Pay the $250 release fee to "
        "receive your funds.",
        "Congratulations! Your email address has been selected in the Global Lotto draw and "
        "you have won $750,000. Send a processing fee of $150 to claim your winnings.",
        "You've been chosen as our lucky winner of a brand new iPhone! Pay the $3.99 shipping "
        "fee to claim your prize.",
    ],
    "en_job_needs_a_payment": [
        "We're hiring remote data optimizers: earn $250-$600 per day completing app ratings. "
        "Recharge 100 USDT to unlock the next level of tasks.",
        "Job offer: you've been selected for a work from home position as a data entry clerk. "
        "We will mail you a check for equipment; pay the starter kit fee of $95 first.",
    ],
    "en_overpayment_refund": [
        "I mailed you a check for $3,000 but I only owed $1,200, please wire the rest back to "
        "me today.",
        "Hi, I accidentally sent you $900 instead of $90 for the bike. Please send the "
        "difference back to my PayPal today.",
        "The buyer's cheque was for more than the sale price, he overpaid by £1,200 and asked "
        "me to wire the rest to his shipping agent. Please refund the excess.",
    ],
}

LEGITIMATE = [
    # real notices
    "USPS: Your package was delivered in or at the mailbox at 11:02 am. Track at usps.com.",
    "Royal Mail: Sorry we missed you. Your item is at your local delivery office; collect it "
    "or rebook at royalmail.com/redelivery.",
    "E-ZPass NY: your monthly statement is ready. Log in at e-zpassny.com to view it.",
    "Chase: unusual activity on your card ending 4412. If you don't recognize a charge, call "
    "the number on the back of your card.",
    "Your account was locked after 5 failed sign-in attempts. Reset your password in the app.",
    "Your one-time code is 484112. We will never ask you for this code.",
    # asking, warning, telling what happened
    "I got a text saying my package couldn't be delivered and I should update my address at "
    "some weird link. Is this legit?",
    "Anyone else get a text about an unpaid toll balance with a link? I don't even drive.",
    "PSA: the IRS will never call you to demand payment with gift cards. Hang up.",
    "My grandmother got a call from someone pretending to be my cousin asking for bail money. "
    "Please talk to your grandparents about this.",
    "Scammers are telling people their social security number is suspended and a warrant will "
    "be issued. Report it to the FTC.",
    "Lost $4,000 to a crypto 'mentor' I met on Instagram. When I tried to withdraw they wanted "
    "a 20% tax first. Police took a report.",
    # news and criticism
    "Police said the gang posed as tech support and told victims their computers were infected.",
    "The IRS is a joke. My tax refund has been pending for 9 months and nobody answers the phone.",
    "The council overpaid its IT contractor by £2m and never asked for the money back. "
    "Who is accountable?",
    "The city overpaid its contractors by millions. Refund the difference to taxpayers!",
    "Trump should be arrested and the warrant should be issued today.",
    "My package says delivery failed but I was home all day. UPS customer service was useless.",
    "Bitcoin made me $300 today, now I'm going to bed. Not financial advice.",
    "Toll roads are a tax on commuters. Unpaid toll penalties have tripled and the state should "
    "cut them.",
    "The sheriff's office should be investigated for arresting protesters without warrants.",
    "Bank fees are robbery: they froze my account for a week and charged me $35 for it.",
    # real people
    "Mum, can you pick me up from practice at 6? My phone is nearly dead.",
    "Dad I passed my driving test!! Can we celebrate this weekend?",
    "Happy birthday Grandma! I sent you a card, it should arrive on Friday.",
    "I love you, my darling. See you at the airport on Friday, flight lands at 6.",
    "We're hiring! Part-time barista, $16/hour plus tips, apply in store.",
    "Just bought my nephew a Steam gift card for his birthday. Easiest present ever.",
    "Buy a gift card today and get a $10 bonus card free, this week only in all our stores!",
    "Congratulations to everyone who won at the science fair today!",
    "I made $40 selling lemonade today with my kids. Best Saturday.",
    "My renter's insurance renewed and went up $40. Shop around before it auto-renews.",
    "Bitcoin fell 8% today; my uncle works at a bank and says it's a bubble.",
]


@pytest.fixture(scope="module")
def rules() -> RuleDetector:
    return RuleDetector("scam_fraud")


@pytest.mark.parametrize(
    "rule, text", [(rule, text) for rule, texts in FAMILIES.items() for text in texts]
)
def test_each_english_family_is_caught_by_its_rule(rules, rule, text):
    flag = rules.flag(text)
    assert flag is not None, text
    assert flag.version == "3.18"
    assert rule in flag.details["rules_fired"], (flag.rule, text)


@pytest.mark.parametrize("text", LEGITIMATE)
def test_notices_questions_warnings_news_and_real_people_are_not_scams(rules, text):
    flag = rules.flag(text)
    assert flag is None, (flag.rule if flag else None, text)


def test_the_whole_stage_agrees_on_the_legitimate_texts():
    """The rule set is one detector; the stage (heads included) raises no scam flag either."""
    flags = HarmStage(nearest=0).flag_texts(LEGITIMATE)
    scams = [(t, f) for t, fl in zip(LEGITIMATE, flags) for f in fl if f["label"] == "scam_fraud"]
    assert not scams, scams


STATEMENTS_ABOUT_MONEY = [
    # political and policy statements in the shape of four LIAR statements that the rules
    # flagged (scam_fraud 3.6, spam 3.3) when bench/protect_rule_sets.py first ran that set:
    # "tax returns" read as investment returns, "won the city $…" as a prize, and a loan
    # industry named in a sentence as a loan advert
    "Her tax returns show she did not pay any income tax for three years.",
    "His audit won the county $3 million in back franchise fees.",
    "The payday loan industry does not operate in our state at all.",
    "A quarter of households here have no bank account and depend on no credit check lenders.",
]


@pytest.mark.parametrize("text", STATEMENTS_ABOUT_MONEY)
def test_statements_about_taxes_audits_and_lenders_are_not_scams_or_adverts(text):
    flags = [RuleDetector(label).flag(text) for label in ("scam_fraud", "spam")]
    assert flags == [None, None], [(f.label, f.rule) for f in flags if f]


def test_loan_adverts_and_prizes_addressed_to_the_reader_are_still_caught():
    spam = RuleDetector("spam")
    for text in (
        "Payday loans up to $1,000, approved in minutes! Apply now at cashfast-loans.com",
        "No credit check loans, same day cash. Call 0800 555 0199 today.",
    ):
        flag = spam.flag(text)
        assert flag is not None and flag.label == "spam", text
    prize = "You have won $5,000 in our prize draw! Pay the $20 handling fee to claim it."
    assert RuleDetector("scam_fraud").flag(prize) is not None
