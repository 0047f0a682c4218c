"""Numbers written to slip past the redaction, as an attacker or a curious poster writes them:
zero-width and other invisible characters between the digits, a line break between groups,
no-break spaces, dots, slashes and middle dots between groups, circled digits, IDs and cards in
Chinese numerals. Each was shown whole in every display, export and search before; the span
found now covers the hidden characters too. Legitimate numbers stay as written, lists with the
enumeration comma 、 among them (real 附件3 posts list flats and amounts with it)."""

from __future__ import annotations

import re

import pytest

from heard.protect.pii import find_pii, replace_pii

PHONE = "13812345678"
ID = "110105199003071239"  # checksum valid
CARD = "6222021234567890123"

ATTACKS = [
    ("电话138\u200b1234\u200b5678", "[phone]"),
    ("电话1\u200b3\u200b8\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8", "[phone]"),
    ("电话138\u20601234\u20605678", "[phone]"),  # word joiner
    ("电话138\u00ad1234\u00ad5678", "[phone]"),  # soft hyphen
    ("电话138\ufeff1234\u200d5678", "[phone]"),  # byte-order mark, zero-width joiner
    ("电话138\u200e1234\u200f5678", "[phone]"),  # direction marks
    ("电话1\u03363\u03368\u03361\u033623456789", "[phone]"),  # combining strokes
    ("电话138\n1234\n5678", "[phone]"),
    ("电话13812\r\n345678", "[phone]"),
    ("电话138 \n 1234 5678", "[phone]"),
    ("电话138\u00a01234\u00a05678", "[phone]"),
    ("电话138\u202f1234\u202f5678", "[phone]"),
    ("电话138/1234/5678", "[phone]"),
    ("电话138·1234·5678", "[phone]"),
    ("电话138_1234_5678", "[phone]"),
    ("电话①③⑧①②③④⑤⑥⑦⑧", "[phone]"),
    ("电话１３８\u200b１２３４\u200b５６７８", "[phone]"),
    ("身份证110105\u200b19900307\u200b1239", "[id]"),
    ("身份证110105.19900307.1239", "[id]"),
    ("身份证110105\n19900307\n1239", "[id]"),
    ("身份证一一〇一〇五一九九〇〇三〇七一二三九", "[id]"),
    ("卡号6222\u200b0212\u200b3456\u200b7890\u200b123", "[card]"),
    ("卡号6222.0212.3456.7890.123", "[card]"),
    ("卡号6222\n0212\n3456\n7890\n123", "[card]"),
    ("卡号六二二二〇二一二三四五六七八九〇一二三", "[card]"),
    ("card 4111.1111.1111.1111", "[card]"),
    ("card 4111\u200b1111\u200b1111\u200b1111", "[card]"),
]


def _digits_left(text: str) -> str:
    """The digits a reader still sees, hidden characters and separators ignored."""
    return re.sub(r"\D", "", re.sub(r"[\u0300-\u036f\u200b-\u200f\u2060\ufeff\u00ad]", "", text))


@pytest.mark.parametrize(("text", "label"), ATTACKS)
def test_a_number_with_hidden_or_odd_separators_is_redacted_whole(text, label):
    shown = replace_pii(text, masked=True)
    assert shown is not None and label in shown, shown
    assert len(_digits_left(shown)) < 4, shown  # not a piece of it left either
    (span,) = find_pii(text)
    assert text[span.start : span.end] == span.text  # offsets into the text as written
    assert not any(c in text[: span.start] + text[span.end :] for c in "\u200b\u2060\ufeff")


LEGIT = [
    "价格 1299.00 元，原价 1599 元",
    "2026年12月7日下午3点",
    "2026/12/07 与 2026.12.07",
    "订单 2026·12·07",
    "案件编号 A2026-1207-0031",
    "请拨打12345市民热线",
    "1998年到2026年",
    "2019、2020、2021年连续三年",
    "第1/2/3期，2024_2025学年",
    "版本 1.2.3.4，预算 1 234 567 元",
    "工单号 20261207000123",
    "二〇二六年十二月七日",
    "库存 1000\n2000\n3000",
    "成绩 98、99、100、97",
    "相关业主如201、902、1002",  # 附件3: lists, not a phone
    "每年500、700、900、1200、1500元",
    "交了2010、2011、2012、2013年四年的养老保险",
    "2010 2011 2012 2013 2014年",
    "2021/2022/2023/2024 four years",
    "公交12路和3号线",
]


@pytest.mark.parametrize("text", LEGIT)
def test_prices_dates_years_case_numbers_and_the_hotline_stay(text):
    assert find_pii(text, masked=True) == [], text
    assert replace_pii(text, masked=True) == text
