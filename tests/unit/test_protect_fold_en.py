"""The English look-alike fold: leet digits and symbols, i/l swaps, Cyrillic and Greek letters,
accents, full-width Latin, spaced-out letters and links are read as the words they imitate, one
character for one, while legitimate words with digits in them keep their meaning."""

from __future__ import annotations

import pytest

from heard.protect.detectors.fold import (
    EN_WORDS,
    fold_english,
    fold_text,
    lower_text,
    needs_english_fold,
)
from heard.protect.detectors.rules import RuleDetector


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Your acc0unt has been locked", "your account has been locked"),
        ("P@yPal: verlfy your account", "paypal: verify your account"),
        ("Sign in at paypaI-resolution.com", "sign in at paypal-resolution.com"),
        ("раураl security team", "paypal security team"),  # Cyrillic р а у
        ("Your Аррle ID is suspended", "your apple id is suspended"),  # Cyrillic А р
        ("Àmazon refund", "amazon refund"),
        ("a m a z o n Rewards", "amazon rewards"),
        ("ＰａｙＰａｌ refund", "paypal refund"),
        ("F0LL0WERS for sale", "followers for sale"),
        ("Get fr33 sp1ns at the c4sino", "get free spins at the casino"),
        ("b1tc0in w@llet", "bitcoin wallet"),
        ("Sign in: bit . ly / ms365-keep", "sign in: bit.ly/ms365-keep"),
        ("go to paypal . com / login", "go to paypal.com/login"),
    ],
)
def test_look_alike_spellings_are_read_as_the_word(written, read):
    assert fold_text(written)[0] == read


def test_positions_still_point_at_what_the_sender_wrote():
    text = "URGENT: your P@yPaI acc0unt is suspended"
    folded, index = fold_text(text)
    assert index is None and len(folded) == len(text)  # one character for one
    at = folded.index("paypal account")
    assert text[at : at + len("paypal account")] == "P@yPaI acc0unt"


@pytest.mark.parametrize(
    "text",
    [
        "4G coverage is back in the village and B2B invoices go out on Monday",
        "COVID-19 boosters for over-75s start this week",
        "R2-D2 and C-3PO at the film museum, tickets £5 for kids",
        "Write to phishing@uni.ac.uk or help-desk@council.gov.uk",
        "Teams on ms365, mp3 files, H1N1 and a11y audits, x86_64 builds, i18n, k8s, Web3",
        "Our 5G mast, Q3 results, 3D printer, Win10 laptops and the M25 at junction 4",
        "McIntosh café, résumé and naïve: accented words that are no scam vocabulary",
        "Москва рада гостям",  # Russian text stays Russian
        "Bill and Lila fill the lilac mill",  # real words with i and l are never swapped
    ],
)
def test_legitimate_words_with_digits_symbols_and_accents_keep_their_meaning(text):
    assert fold_text(text)[0] == lower_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your parcel is on its way and will arrive on Thursday.",
        "The council meets at 7pm in room 404; all residents are welcome.",
        "Barclays will never ask you to move money to a safe account.",
    ],
)
def test_clean_english_skips_the_english_fold(text):
    assert not needs_english_fold(text)
    assert fold_text(text) == (lower_text(text), None)


def test_the_fold_leaves_the_real_words_as_they_are():
    text = " ".join(EN_WORDS)
    assert fold_english(text) == text


def test_symbols_that_end_a_word_do_not_open_the_english_fold():
    assert not needs_english_fold("Great news!! See you at the match | 10 tickets left")
    assert needs_english_fold("Your pa$$word expired") and needs_english_fold("c@sino")


@pytest.mark.parametrize(
    ("label", "clean", "evasion"),
    [
        (
            "scam_fraud",
            "Your account has been suspended. Verify your identity here: chase-secure-verify.com",
            "Your acc0unt has been susp3nded. Verlfy your identity here: chase-secure-verify.com",
        ),
        (
            "spam",
            "Get 10K real Instagram followers for just $9.99! Instant delivery",
            "Get 10K real Instagram F0LL0WERS for just $9.99! Instant delivery",
        ),
        (
            "spam",
            "200 FREE SPINS + $1000 welcome bonus at the #1 online casino! Sign up now",
            "200 FR33 SP1NS + $1000 welcome b0nus at the #1 online c@sino! Sign up now",
        ),
    ],
)
def test_an_evasion_is_flagged_like_the_clean_message(label, clean, evasion):
    rules = RuleDetector(label)
    assert rules.flag(clean) is not None
    flag = rules.flag(evasion)
    assert flag is not None
    assert any(m.text in evasion and m.text not in clean for m in flag.matches)  # as written
