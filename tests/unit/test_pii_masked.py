"""Numbers a poster masked only in part (138****1234, 110105********002X) still show seven or more
digits of a person's phone or ID: displays, exports and the search index hide them too."""

from __future__ import annotations

import pytest

from heard.protect.pii import find_pii
from heard.read.redact import redact, redact_for_search


@pytest.mark.parametrize(
    "text,label,secret",
    [
        ("停水三天了，有事打138****1234", "[phone]", "1234"),
        ("电话 138 **** 1234 物业", "[phone]", "1234"),
        ("联系１３８＊＊＊＊１２３４", "[phone]", "１２３４"),
        ("call +86 138****1234 now", "[phone]", "1234"),
        ("手机1381234****，周末也吵", "[phone]", "1381234"),
        ("身份证110105********002X被泄露", "[id]", "002X"),
        ("证件号 1101**********0021 ", "[id]", "0021"),
    ],
)
def test_partly_masked_numbers_are_redacted(text, label, secret):
    out = redact(text)
    assert label in out and secret not in out, out
    assert secret not in redact_for_search(text)


@pytest.mark.parametrize(
    "text",
    [
        "给个5****好评",
        "这**服务太差",
        "第3****期",
        "卡号6217****2210",  # a card's bank prefix and last four: not a person's number
        "2019****年",
    ],
)
def test_other_stars_are_left_alone(text):
    assert redact(text) == text


def test_the_doxxing_label_reads_the_same_spans_as_before():
    # the doxxing detector calls find_pii() without masked=True: its measured behaviour stays
    assert find_pii("联系小张 139****5218") == []
    assert [s.kind for s in find_pii("联系小张 139****5218", masked=True)] == ["phone"]
