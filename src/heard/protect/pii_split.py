"""Numbers split into groups by whatever comes to hand, read as people read them (RIGHTS.md §7):
``138、1234、5678``, ``138，1234，5678``, ``(138)1234.5678``, ``【138】【1234】【5678】``,
``110105、19900307、1239``, ``一三八、一二三四、五六七八``, full-width digits and Chinese
numerals (幺 for one) mixed in.

The groups of a sequence are joined and taken only when the whole is a number of a person's in
its own right — a mobile (1, then 3–9, eleven digits), a landline after its
area code, a PRC ID whose check character and birth date hold, a card that passes Luhn (or a
UnionPay 62 number in four-digit groups) — and its groups are shaped as such numbers are written.
The same separators list amounts, dates, flats and years ("3、4、5号楼", "201、902、1002",
"500、700、900、1200元", "2019、2020、2021年"), so a sequence is not a phone or a card when a
unit follows it (元, 号, 年, 人 …), nor any number when two of its groups are round hundreds, when
it is four-digit groups two of which are years, when it is grouped in thousands (1,381,234,567),
or when its single digits go on beyond the number ("第 1 3 7 1 2 3 4 5 6 7 8 9 名")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from heard.protect.pii_checks import MOBILE, id_number_ok, luhn_ok

ZH_DIGITS = {c: str(i) for i, cs in enumerate(
    ("零〇○", "一幺壹", "二两贰", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖")
) for c in cs}  # fmt: skip
"""Chinese numerals read digit by digit, as a number is spoken (幺 for one, 两 for two)."""
_ZH = "".join(ZH_DIGITS)

_GROUP = re.compile(rf"[0-9]+(?:[Xx](?![A-Za-z]))?|[{_ZH}]+")
"""Digits, or Chinese numerals: where one gives way to the other a group ends (壹199、5536、6202:
a brand's 壹, then a number)."""
_SEPARATORS = r"、,.。·・/_\- ()\[\]【】〔〕「」"
"""After ``heard.protect.pii_view`` (full-width ，．（）［］ and the ideographic space already
read as , . ( ) [ ] and a space; · ・ / _ between digits as a dot)."""
_SEQUENCE = re.compile(
    rf"(?<![0-9A-Za-z{_ZH}])[0-9{_ZH}]{{1,19}}(?:[{_SEPARATORS}]{{1,3}}[0-9{_ZH}]{{1,19}}){{1,18}}"
    rf"(?:[Xx](?![A-Za-z]))?"
)
_GATE = re.compile(rf"[0-9{_ZH}][{_SEPARATORS}]{{1,3}}[0-9{_ZH}]")
_UNIT_AFTER = re.compile(
    r"\s?(?:[元块万亿号个人户年月日岁届次天米楼栋幢层室%]|平米|平方|点钟|[kK][gm]|cm|mm|yuan|RMB)"
)
"""What makes the numbers before it amounts, counts, dates or flats: "3、4、5号楼", "500、700元"."""
_YEAR = re.compile(r"(?:19|20)\d\d")


def _digits(group: str) -> str:
    return "".join(ZH_DIGITS.get(c, c) for c in group).upper()


def _listlike(groups: list[str], seps: list[str]) -> bool:
    """Groups that read as a list or an amount rather than one number split up."""
    if sum(g.endswith("00") for g in groups) >= 2:
        return True  # round hundreds: 500、700、900、1200
    years = sum(bool(_YEAR.fullmatch(g)) for g in groups)
    if years >= 2 and all(len(g) == 4 for g in groups):
        return True  # 2010、2011、2012、2013
    thousands = all(s in (",", ".") for s in seps) and all(len(g) == 3 for g in groups[1:])
    return thousands and len(groups[0]) <= 3


def _in_a_list(t: str, spans: list[tuple[int, int]], i: int, j: int, seps: list[str]) -> bool:
    """Whether the groups ``i..j`` go on, before or after, joined as they are joined among
    themselves: a stretch of a longer list ("第 1 3 7 1 2 3 4 5 6 7 8 9 名")."""
    before = t[spans[i - 1][1] : spans[i][0]] if i > 0 else None
    after = t[spans[j][1] : spans[j + 1][0]] if j + 1 < len(spans) else None
    return before in seps or after in seps


def _kind(groups: list[str]) -> tuple[str, bool, str] | None:
    """What the joined ``groups`` are: ``(kind, validated, explanation)``, or None."""
    number = "".join(groups)
    sizes = [len(g) for g in groups]
    singles = all(n == 1 for n in sizes)
    if len(number) == 11 and MOBILE.fullmatch(number):
        if singles or (len(groups) <= 4 and min(sizes) >= 3):
            return "phone", True, "a mainland China mobile number split into groups"
    if len(number) == 18 and id_number_ok(number):
        if singles or (len(groups) <= 6 and min(sizes) >= 2):
            return "id_number", True, "a PRC ID number split into groups (checksum valid)"
    if 16 <= len(number) <= 19 and number.isdigit() and min(sizes[:-1]) >= 3 and len(groups) <= 6:
        if luhn_ok(number) and re.match(r"62|4|5[1-5]|2[2-7]|60|65|9", number):
            return "bank_card", True, "a card number split into groups (Luhn valid)"
        if number.startswith("62") and sizes[:4] == [4, 4, 4, 4]:
            return "bank_card", False, "a UnionPay (62) card number in four-digit groups"
    if 10 <= len(number) <= 12 and number[0] == "0" and len(groups) <= 3:
        area, local = groups[0], number[len(groups[0]) :]
        if re.fullmatch(r"010|02\d|0[3-9]\d\d", area) and re.fullmatch(r"[2-9]\d{6,7}", local):
            return "phone", True, "a mainland China landline split into groups after its area code"
    return None


def split_numbers(t: str) -> Iterator[tuple[str, int, int, bool, str]]:
    """``(kind, start, end, validated, why)`` for each number split into groups in ``t`` (the
    detection view of ``heard.protect.pii``), the longest run of groups that is one first."""
    if not _GATE.search(t):
        return
    for m in _SEQUENCE.finditer(t):
        spans = [(g.start(), g.end()) for g in _GROUP.finditer(t, m.start(), m.end())]
        groups = [_digits(t[a:b]) for a, b in spans]
        i = 0
        while i < len(spans) - 1:
            found = None
            for j in range(len(spans) - 1, i, -1):  # the longest window from group i first
                size = sum(len(g) for g in groups[i : j + 1])
                if not 10 <= size <= 19:
                    continue
                window = groups[i : j + 1]
                seps = [t[spans[k][1] : spans[k + 1][0]] for k in range(i, j)]
                if _listlike(window, seps):
                    continue
                if all(len(g) == 1 for g in window) and _in_a_list(t, spans, i, j, seps):
                    continue  # single digits that go on: a list of ranks or numbers
                kind = _kind(window)
                if (
                    kind is not None
                    and kind[0] != "id_number"
                    and _UNIT_AFTER.match(t, spans[j][1])
                ):
                    continue  # an amount, a count, a date (an ID's checksum says more than this)
                if kind is not None:
                    found = (j, kind)
                    break
            if found is None:
                i += 1
                continue
            j, (kind_, validated, why) = found
            yield kind_, spans[i][0], spans[j][1], validated, why
            i = j + 1
