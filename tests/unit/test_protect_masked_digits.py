"""Masked digits (满xxx减xx, x折, 138xxxx5566): shared and published Chinese messages often hide
their numbers with x, and the fraud and spam cues for prices, discounts and phone numbers must
still read them. Capital XX stands for a name and English text keeps its x. Sentences written
for this test; none is in a probe file."""

from __future__ import annotations

from heard.protect.detectors import RuleDetector
from heard.protect.detectors.fold import fold_text, unmask_digits

SPAM = RuleDetector("spam")


def test_masked_digits_read_as_digits_one_for_one():
    text = "周年庆全场x折起，满xxx减xx，电话138xxxx5566"
    assert unmask_digits(text) == "周年庆全场0折起，满000减00，电话13800005566"
    folded, index = fold_text(text)
    assert "满000减00" in folded and index is None  # same length: spans point at the original


def test_names_and_latin_words_keep_their_x():
    assert unmask_digits("【XX超市】今天鸡蛋特价") == "【XX超市】今天鸡蛋特价"
    assert unmask_digits("加微信abcx12，wxid_x") == "加微信abcx12，wxid_x"
    assert unmask_digits("love you xx, see you at 8") == "love you xx, see you at 8"


def test_a_masked_promotion_is_flagged_as_its_unmasked_twin_is():
    masked = "周年庆全场x折起，满xxx减xx，详询店长电话xxxxxxxxxxx"
    plain = "周年庆全场8折起，满300减50，详询店长电话13912345678"
    flag, twin = SPAM.flag(masked), SPAM.flag(plain)
    assert twin is not None and flag is not None and flag.rule == twin.rule
    assert any(m.text == "x折" for m in flag.matches)  # evidence in the sender's words


def test_masked_digits_in_plain_speech_raise_nothing():
    for text in ("今天晚上一起吃饭吗？我在xx路等你", "明天xx点开会，请准时参加", "我家住xx小区x栋"):
        assert SPAM.flag(text) is None
