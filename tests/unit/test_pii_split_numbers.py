"""A phone, ID or card number split into groups by the enumeration comma 、, full-width commas,
dots, brackets or ideographic spaces, in full-width digits or Chinese numerals, is redacted whole
(``heard.protect.pii_split``); lists of amounts, dates, flats, counts and years written with the
same separators stay as written."""

from __future__ import annotations

import re

import pytest

from heard.protect.pii import find_pii, replace_pii
from heard.read.reindex import SEARCH_TEXT

SPLIT = [
    ("电话138、1234、5678", "[phone]"),
    ("联系我138，1234，5678谢谢", "[phone]"),
    ("手机 138,1234,5678", "[phone]"),
    ("打(138)1234.5678", "[phone]"),
    ("号码【138】【1234】【5678】", "[phone]"),
    ("号码138（1234）5678", "[phone]"),
    ("号码138\u30001234\u30005678", "[phone]"),  # ideographic spaces
    ("号码１３８、１２３４、５６７８", "[phone]"),
    ("号码１38、12３4、5678", "[phone]"),  # full-width and ASCII digits mixed
    ("号码一三八、一二三四、五六七八", "[phone]"),
    ("号码幺三八、幺二三四、五六七八", "[phone]"),
    ("号码一三八，1234，五六七八", "[phone]"),
    ("号码1、3、8、1、2、3、4、5、6、7、8", "[phone]"),
    ("噪音很大幺四五、幺九四六、二〇五四，旁边", "[phone]"),  # groups that look like years
    ("我是奥克斯缔壹199、5536、6202城的业主", "[phone]"),  # 壹 of a name, then the number
    ("座机0731、8888、1234", "[phone]"),
    ("身份证110105、19900307、1239", "[id]"),
    ("身份证440106，19850612，103X", "[id]"),
    ("身份证一一〇一〇五、一九九〇〇三〇七、一二三九", "[id]"),
    ("卡号6222、0212、3456、7890、123", "[card]"),
    ("card 4111, 1111, 1111, 1111", "[card]"),
    ("卡号4111·1111、1111、1111", "[card]"),
]


def _digits_left(text: str) -> str:
    return re.sub(r"\D", "", text.translate({c: None for c in range(0x4E00, 0x9FFF)}))


@pytest.mark.parametrize(("text", "label"), SPLIT)
def test_a_number_split_by_commas_brackets_or_numerals_is_redacted_whole(text, label):
    shown = replace_pii(text, masked=True)
    assert shown is not None and label in shown, shown
    assert len(_digits_left(shown)) < 4, shown
    assert not re.search("[一二三四五六七八九〇幺]{3}", shown), shown
    (span,) = find_pii(text)
    assert text[span.start : span.end] == span.text


LISTS = [
    "3、4、5号楼电梯坏了",
    "相关业主如201、902、1002",
    "每年500、700、900、1200、1500元",
    "租金分别为150、3000、5000",
    "150、3000、5000元三档",
    "交了2010、2011、2012、2013年四年的养老保险",
    "2019、2020、2021年连续三年",
    "成绩 98、99、100、97",
    "共1,381,234,567元",
    "13,812,345,678 yuan",
    "一、二、三、四项要求",
    "第一、二、三期工程",
    "2019.10.12-2020.01.31期间",
    "8:30-12:00，14:00-17:30",
    "1、2、3、4、5、6、7、8、9、10、11号",
    "138、139、150号段",
    "IP 192.168.100.123",
    "版本 1.2.3.4，预算 1 234 567 元",
    "13.8、12.34、56.78万元",
    "123、4567、8901",  # eleven digits, but no mobile prefix 12x
    "身份证110105、19900307、1238",  # the check character fails
    "4111、1111、1111、1112",  # fails Luhn
    "1300、1400、1500、1600元",
]


@pytest.mark.parametrize("text", LISTS)
def test_lists_amounts_dates_and_failed_checks_stay(text):
    assert find_pii(text, masked=True) == [], text


def test_the_detector_version_changed_so_old_stores_are_reindexed():
    assert SEARCH_TEXT.startswith("pii-9+")
