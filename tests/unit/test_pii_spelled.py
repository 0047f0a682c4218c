"""Personal data written to slip past a digit filter (RIGHTS.md §7): a mobile in Chinese numerals
(一三七一二三四五六七八), an e-mail spelled out (name at example dot com), a QQ number after
QQ/QQ号/扣扣. And what must stay: numbers, dates, prices and counts written in Chinese numerals,
QQ groups, English "at … dot com" that names no mailbox."""

from __future__ import annotations

import pytest

from heard.protect.pii import find_pii
from heard.read.redact import redact

FOUND = [
    ("电话一三七一二三四五六七八找我", "电话[phone]找我"),
    ("打幺三七 一二三四 五六七八", "打[phone]"),
    ("手机号壹叁柒壹贰叁肆伍陆柒捌", "手机号[phone]"),
    ("联系1三7一2三4五6七8", "联系[phone]"),
    ("电话：零七三一八八八八六六六六", "电话：[phone]"),
    ("mail wang.wu at example dot com today", "mail [email] today"),
    ("write to WangWu AT example DOT co DOT uk", "write to [email]"),
    ("邮箱wangwu艾特qq点com", "邮箱[email]"),
    ("加我QQ: 12345678", "加我QQ: [phone]"),
    ("QQ号 987654321 私聊", "QQ号 [phone] 私聊"),
    ("qq号码：1234567890", "qq号码：[phone]"),
    ("扣扣 55667788", "扣扣 [phone]"),
    ("ＱＱ：１２３４５６７８", "ＱＱ：[phone]"),
]

KEPT = [
    "二〇一九年十一月三日下午三点",
    "一二三四五六七八九十，数到十",
    "花了一千三百七十二元，二十三个人",
    "十三亿人口，一百二十八号",
    "第一二三四五六七期工程",
    "加入QQ群 12345678 交流",
    "QQ音乐 2021 年度报告",
    "QQ 2023版更新了",
    "look at this dot com bubble",
    "we met at home dot com was down",
    "the meeting is at 3 pm",
    "电话费一百元",
    "QQ等级32级了",
]


@pytest.mark.parametrize(("text", "shown"), FOUND)
def test_spelled_personal_data_is_redacted(text, shown):
    assert redact(text) == shown


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_numbers_words_and_groups_stay(text):
    assert find_pii(text, masked=True) == [], text
    assert redact(text) == text
