"""Personal data in text, found and explained: one detector for display, export, search and the
protect side's doxxing label (RIGHTS.md §7).

``find_pii(text)`` returns ``PiiSpan``s — kind, character offsets into ``text``, whether a check
beyond the pattern passed (``validated``: the PRC ID checksum, a valid birth date in a legacy
15-digit ID, Luhn for cards, the numbering plan for phones) and an explanation in words.

Kinds: ``id_number``, ``phone``, ``bank_card``, ``email``, ``address`` (down to the door or the
flat: the road, the estate and a building of an estate stay), ``handle`` (an @mention; which ones
are public institutional accounts is the caller's decision, see ``heard.read.redact``), ``name``
(only a name a doxxing post introduces: ``heard.protect.names``, passed in ``also``).

Text is matched on a width-folded copy (full-width digits, letters and ``＠`` read as ASCII, one
character for one, so offsets hold), so ``１３７１２３４５６７８`` is a phone like ``13712345678``.
What is deliberately *not* personal data: dates (``2019年7月``, ``11月3号``), prices, times, counts,
bus and metro lines (``12路``, ``3号线``, "No. 3 bus"), a building of an estate (``金桂苑3栋``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from heard.protect.pii_checks import _ID_CHECK, _ID_WEIGHTS  # noqa: F401  (bench/pii_eval.py)
from heard.protect.pii_checks import _valid_date, id_checksum_ok, luhn_ok
from heard.protect.pii_split import ZH_DIGITS, split_numbers
from heard.protect.pii_view import detection_view, fold_width

__all__ = ["KINDS", "LABELS", "PiiSpan", "find_pii", "fold_width", "replace_pii"]

KINDS = ("id_number", "phone", "bank_card", "email", "address", "handle", "name")
LABELS = {
    "email": "[email]",
    "id_number": "[id]",
    "bank_card": "[card]",
    "phone": "[phone]",
    "address": "[address]",
    "handle": "@[user]",
    "name": "[name]",
}
VERSION = "pii-9"
"""Changes whenever what is found changes: a store whose search text was redacted by an older
version is reindexed (``heard.read.reindex``)."""


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: ``text[start:end]`` of kind ``kind``."""

    kind: str
    start: int
    end: int
    text: str
    validated: bool
    explanation: str

    @property
    def label(self) -> str:
        """What a display shows instead (``[id]``, ``[phone]`` …, ``@[user]``)."""
        return LABELS[self.kind]


# ---- checks (heard.protect.pii_checks) ---------------------------------------------------------

# ---- patterns ---------------------------------------------------------------------------------

_ND = r"(?<![0-9A-Za-z])"  # no digit or letter before
_NA = r"(?![0-9A-Za-z])"  # none after
_EMAIL_ASCII = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}"
    r"(?:\s?@\s?|\s?[(\[{]\s?at\s?[)\]}]\s?)"
    # the domain's dots may be ideographic full stops (zhang@example。com, written so that
    # scrapers miss it): the address is as readable to people, and as personal
    r"(?:[A-Za-z0-9-]{1,63}(?:[.\u3002]|\s?[(\[{]\s?dot\s?[)\]}]\s?)){1,4}[A-Za-z]{2,24}"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_EMAIL_IDN = re.compile(
    rf"[A-Za-z0-9._%+{_CJK}-]{{1,8}}@(?:[A-Za-z0-9{_CJK}-]{{1,63}}\.){{1,4}}"
    rf"(?:[{_CJK}]{{2,6}}|[A-Za-z]{{2,24}}(?![A-Za-z]))"
)
_ID18 = re.compile(_ND + r"(\d{6})[ -]?((?:18|19|20)\d{2})(\d{2})(\d{2})[ -]?(\d{3}[\dXx])" + _NA)
_ID18_ANY = re.compile(_ND + r"\d{17}[\dXx]" + _NA)
# an ID written in groups (1101 0519 9003 0712 39, 110 105 1990 0307 1239): taken only when its
# check character and birth date hold, as eighteen digits in groups are otherwise anything
_ID18_GROUPED = re.compile(
    r"(?<![\dA-Za-z])(?<!\d[ .-])\d(?:[ .-]?\d){16}[ .-]?[\dXx](?![ .-]?\d)" + _NA
)
_ID15 = re.compile(_ND + r"[1-8]\d{5}(\d{2})(\d{2})(\d{2})\d{3}" + _NA)
_CARD_RUN = re.compile(r"(?<![\d.])\d{16,19}(?![\d.])")
_CARD_GROUPED = re.compile(
    r"(?<![\d.])(?:\d{4}([ .-])\d{4}\1\d{4}\1\d{4}(?:\1?\d{1,3}(?![A-Za-z]))?"
    r"|\d{4}([ .-])\d{6}\2\d{5}"
    r"|\d{6}([ .-])\d{12,13})(?![\d.]|\.\d)"
)
_YEARS = re.compile(r"(?:(?:19|20)\d\d){4}")
_SEP = r"[ .\-]?"
_CN_MOBILE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?86[ \-]?)?(1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4})(?![\d])"
)
# a mobile with its digits spaced out to slip past a filter: 1 3 7 1 2 3 4 5 6 7 8, 13 71 23 45 67 8
_CN_MOBILE_SPACED = re.compile(r"(?<!\d)(?<!\d[ -])1[ -]?[3-9](?:[ -]?\d){9}(?![ -]?\d)")
_CN_LANDLINE = re.compile(
    r"(?<![\d])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ \-]?)[ \-]?"
    r"\d{3,4}[ \-]?\d{4}(?:[ \-]?(?:转|ext\.?|x)\s?\d{1,5})?(?!\d)"
)
# Any digits in the 3-3-4 shape: people write made-up and fictional numbers (555-123-4567) as
# readily as assigned ones, and a false [phone] costs less than a leaked one.
_US_PHONE = re.compile(
    r"(?<![\d\w+])(?:\+?1[ .\-]?)?(?:\(\d{3}\)\s?|\d{3}[ .\-])"
    r"\d{3}[ .\-]\d{4}(?![\d])"
)
_UK_MOBILE = re.compile(r"(?<![\d+])07\d{3}[ \-]?\d{3}[ \-]?\d{3}(?!\d)")
_US_SSN = re.compile(r"(?<![\d\-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d\-])")
_INTL_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}[ \-]?\(?\d{1,4}\)?(?:[ \-]?\d{2,4}){2,4}"
    r"(?!\d)"
)
_CONTEXT_PHONE = re.compile(
    r"(?:电话|手机|手机号|号码|联系方式|联系电话|座机|微信|tel|phone|call|cell|mobile|whatsapp)"
    r"(?:号码)?(?:\s?(?:me|us))?(?:\s?(?:at|on))?\s?(?:是|为|:|：)?\s?(\d[\d \-]{5,14}\d)(?!\d)",
    re.IGNORECASE,
)

# A number its poster masked only in part still shows 7+ digits of a person's phone or ID:
# 138****1234, 1381234****, 110105********002X. Stars (or ×, •, ●) hide the rest.
_MASK = r"[*×•●]"
_CN_MOBILE_MASKED = re.compile(
    r"(?<![\dA-Za-z+])(?:(?:\+|00)86[ \-]?)?1[3-9]\d"
    r"(?:[ \-]?" + _MASK + r"{4}[ \-]?\d{4}|\d{4}" + _MASK + r"{4})(?![\dA-Za-z*×•●])"
)
_ID_MASKED = re.compile(_ND + r"\d{2,6}" + _MASK + r"{8,12}\d{3}[\dXx]" + _NA)
_MASKED_GATE = re.compile(_MASK + "{4}")


# Written to slip past a digit filter: a number in Chinese numerals (一三七一二三四五六七八, 幺 for
# one, the financial 壹贰叁), an e-mail spelled out (name at example dot com, 艾特 … 点com), a QQ
# number after QQ/QQ号/扣扣 (5–11 digits: shorter than a phone, so only in that context).
_ZH_DIGITS = ZH_DIGITS
_ZH_DIGIT_CLASS = "".join(_ZH_DIGITS)
_SPELLED_RUN = re.compile(rf"[{_ZH_DIGIT_CLASS}0-9](?:[ \-]?[{_ZH_DIGIT_CLASS}0-9]){{6,18}}")
_SPELLED_GATE = re.compile(rf"[{_ZH_DIGIT_CLASS}][ \-]?[{_ZH_DIGIT_CLASS}0-9]")
_PHONE_WORD = re.compile(
    r"(?:电话|手机|手机号|号码|联系方式|联系电话|座机|微信|tel|phone)(?:号码)?\s?(?:是|为|:|：)?\s?$",
    re.IGNORECASE,
)
_EMAIL_SPOKEN = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:\s+dot\s+[A-Za-z0-9._%+-]{1,64}){0,3}"
    r"(?:\s+at\s+|\s?艾特\s?)"
    r"(?:[A-Za-z0-9-]{1,63}(?:\s+dot\s+|\s?点\s?)){1,4}"
    r"(?:com|net|org|edu|gov|cn|hk|tw|mo|sg|uk|us|de|fr|jp|io|co|me|info|biz)(?![A-Za-z])",
    re.IGNORECASE,
)
_NOT_A_MAILBOX = frozenset(
    "a an the this that these those it its my your his her our their me us him them you we they "
    "home work school look looking looked stare staring met meet meeting arrive arrived be is are "
    "was were am go went come came stay stayed live lives lived".split()
)
"""Words that are English around "at … dot com" rather than a mailbox or its domain ("look at
this dot com bubble")."""
_EMAIL_SPOKEN_GATE = re.compile(r"\sdot\s|艾特", re.IGNORECASE)
_QQ = re.compile(
    r"(?<![A-Za-z])(?:qq|扣扣)(?:号码|号|账号|帐号)?\s?(?:是|为|:|：)?\s?([1-9]\d{4,10})(?!\d)",
    re.IGNORECASE,
)

_WECHAT = re.compile(
    r"(?<![A-Za-z])(?:微信|wechat|weixin|vx|v信|加v)(?P<mark>\s?(?:号|账号|帐号|id)?\s?"
    r"(?:是|为|:|：)|号|\s?id)?\s?([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])",
    re.IGNORECASE,
)
"""A WeChat ID (6–20 characters: a letter, then letters, digits, ``_`` or ``-``) after 微信,
微信号, WeChat (ID), weixin, vx or 加V. One of letters only needs a mark before it (号, ID, 是,
为 or a colon): "WeChat account" is English, "wechat: zhangsan" is an ID."""
_WECHAT_GATE = re.compile(r"微信|wechat|weixin|vx|v信|加v", re.IGNORECASE)


def _spelled(t: str) -> Iterator[tuple[str, int, int, bool, str]]:
    if _EMAIL_SPOKEN_GATE.search(t):
        for m in _EMAIL_SPOKEN.finditer(t):
            words = re.split(r"\s+at\s+|艾特|\s+dot\s+|点", m.group(0).strip(), flags=re.I)
            if any(w.strip().lower() in _NOT_A_MAILBOX for w in words[:2]):
                continue
            yield "email", m.start(), m.end(), False, "an e-mail address spelled out (at … dot)"
    if "qq" in t.lower() or "扣扣" in t:
        for m in _QQ.finditer(t):
            yield "phone", m.start(1), m.end(1), False, "a QQ number (after QQ, QQ号 or 扣扣)"
    if _WECHAT_GATE.search(t):
        for m in _WECHAT.finditer(t):
            if m.group(2).isalpha() and not (m.group("mark") or "").strip():
                continue
            yield "handle", m.start(2), m.end(2), False, "a WeChat ID (after 微信 or WeChat)"
    if not _SPELLED_GATE.search(t):
        return
    for m in _SPELLED_RUN.finditer(t):
        if not any(c in _ZH_DIGITS for c in m.group(0)):
            continue  # ASCII digits only: the other detectors' business
        digits = "".join(_ZH_DIGITS.get(c, c) for c in m.group(0) if c not in " -")
        if re.fullmatch(r"1[3-9]\d{9}", digits):
            yield "phone", m.start(), m.end(), True, "a mainland mobile in Chinese numerals"
        elif len(digits) == 18 and id_checksum_ok(digits):
            yield "id_number", m.start(), m.end(), True, "a PRC ID number in Chinese numerals"
        elif 16 <= len(digits) <= 19 and (luhn_ok(digits) or digits.startswith("62")):
            yield "bank_card", m.start(), m.end(), luhn_ok(digits), "a card in Chinese numerals"
        elif 7 <= len(digits) <= 13 and _PHONE_WORD.search(t[max(0, m.start() - 8) : m.start()]):
            yield "phone", m.start(), m.end(), False, "a number in Chinese numerals after 电话"


def _masked(t: str) -> Iterator[tuple[str, int, int, bool, str]]:
    for m in _CN_MOBILE_MASKED.finditer(t):
        yield "phone", m.start(), m.end(), False, "a mainland China mobile number, partly masked"
    for m in _ID_MASKED.finditer(t):
        if len(m.group(0)) == 18:
            yield "id_number", m.start(), m.end(), False, "an 18-character ID number, partly masked"


_DATE_LIKE = re.compile(r"(?:19|20)\d{2}[-/. ]\d{1,2}[-/. ]\d{1,2}")
_CN_NUM = "零〇一二三四五六七八九十百千两"
_N = rf"(?:\d{{1,4}}|[{_CN_NUM}]{{1,7}})"
_COUNTED = "多|余|来|几|个|人|年|元|块|万|平|米|m|㎡"
"""After a number, these make it a count, a price or a size, not a flat ("100多户")."""
_ROOM = rf"(?:\d{{3,4}}|[{_CN_NUM}]{{3,7}})"
_ZH_ADDRESS = [
    # (pattern, why, a marker one of which the text must hold); a group "a" is the span to take
    # a building with its unit (and flat): 7栋2单元401室, 3号楼1单元, 五栋三单元
    (
        re.compile(
            rf"(?<!\d){_N}(?:栋|幢|号楼|座)[-－]?{_N}单元(?:{_ROOM}(?!\d|{_COUNTED})(?:室|号|房|户"
            rf")?)?"
        ),
        "a building with its unit and flat",
        ("单元",),
    ),
    # a building with its flat, no unit: 幸福小区5栋302, 3号楼1203室
    (
        re.compile(
            rf"(?<!\d){_N}(?:栋|幢|号楼|座)[-－]?"
            rf"(?:\d{{3,4}}(?!\d|年|元|块|米|平|个|次|天|分|万|m|㎡|吨|斤|辆|台|套|层|级)"
            rf"(?:室|号|房|户)?|{_ROOM}(?:室|房|户))"
        ),
        "a building with its flat",
        ("栋", "幢", "号楼", "座"),
    ),
    # a unit and flat: 3单元501室, 三单元501
    (
        re.compile(rf"(?<!\d){_N}单元{_ROOM}(?!\d|{_COUNTED})(?:室|号|房|户)?"),
        "a unit with its flat",
        ("单元",),
    ),
    (re.compile(r"(?<![\d])\d{3,4}(?:室|房间)"), "a flat number", ("室", "房间")),
    (re.compile(rf"(?<!\d)\d{{1,4}}弄(?:{_N}号)?(?:{_ROOM}室)?"), "a lane number (弄)", ("弄",)),
    # a house or lane number on a road, or in a town or village and its group (the name stays):
    # 长乐路128号, 一百二十八号, 128弄5号, 干杉镇31号, 青石村5组12号
    (
        re.compile(
            rf"(?:[路街巷弄村镇乡屯庄]|(?<!第\d)(?<!第[一二三四五六七八九十])组|大道|胡同)"
            rf"(?P<a>{_N}(?:[-之]\d{{1,4}})?(?:号|弄)(?!线|[县国省]道|公路|文件)"
            rf"(?:楼|院|附\d{{1,3}}号?|{_N}号)?(?:{_ROOM}室)?)"
        ),
        "a house or lane number on a road",
        ("号", "弄"),
    ),
    # building-unit-flat written with dashes after an estate: 金桂苑3-2-401
    (
        re.compile(r"[区苑园庭城村寓舍](?P<a>\d{1,3}-\d{1,2}-\d{3,4})(?!\d)"),
        "building-unit-flat",
        ("-",),
    ),
]
_STREET_TYPES = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|way|"
    r"place|pl|terrace|close|crescent|square|sq|parkway|pkwy|highway|hwy)"
)
_EN_STREET = re.compile(
    rf"(?<![\w.,$£€¥-])\d{{1,5}}[A-Za-z]?,?\s+"
    rf"((?:[A-Za-z]\.|[A-Za-z][A-Za-z'\-]*)\s+){{1,3}}({_STREET_TYPES})\b\.?"
    rf"(?:\s?(?:apt|apartment|flat|suite|ste|#)\.?\s?#?\d{{1,4}}[A-Za-z]?\b)?",
    re.IGNORECASE,
)
_TITLE_AFTER = re.compile(r"\.?\s?[A-Z]")
_EN_NOT_A_NAME = frozenset(
    "a an the of on in at to for from by near with and or but is are was were be been my our your "
    "their his her its this that these those some many more most few all than then there here into "
    "onto over under across along per each every other times days weeks months years hours minutes "
    "people cars buses trains blocks miles km meters metres stops floors "
    "said says told asked wrote "
    "who which what when where why how not no yes".split()
)
_EN_FLAT = re.compile(
    r"\b(?:apt|apartment|flat|suite|ste)\.?\s?#?\d{1,4}[A-Za-z]?\b(?!\s?%)", re.IGNORECASE
)
MENTION = re.compile(r"(?<![A-Za-z0-9._%+\-@])@(\w[\w-]{0,29}(?:\.[\w-]{1,30}){0,3})")
"""An @handle (letters in any script, digits, _ and -, a few inner dots; at most 30 characters a
part, as on Weibo)."""


# ---- detectors --------------------------------------------------------------------------------


def _emails(t: str):
    for m in _EMAIL_ASCII.finditer(t):
        obfuscated = "@" not in m.group(0)
        yield (
            "email",
            m.start(),
            m.end(),
            True,
            "an e-mail address written with (at)/(dot)" if obfuscated else "an e-mail address",
        )
    for m in _EMAIL_IDN.finditer(t):
        yield "email", m.start(), m.end(), True, "an e-mail address with an internationalised name"


def _ids(t: str):
    for m in _ID18.finditer(t):
        number = re.sub(r"[ .-]", "", m.group(0))
        ok = id_checksum_ok(number)
        dated = _valid_date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
        yield (
            "id_number",
            m.start(),
            m.end(),
            ok and dated,
            "an 18-digit PRC resident ID number"
            + (" (checksum valid)" if ok else " (checksum fails: a typo is still an ID)"),
        )
    for m in _ID18_ANY.finditer(t):
        yield "id_number", m.start(), m.end(), False, "18 characters in the form of a PRC ID number"
    for m in _ID18_GROUPED.finditer(t):
        number = re.sub(r"[ .-]", "", m.group(0))
        if id_checksum_ok(number) and _valid_date(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        ):
            yield "id_number", m.start(), m.end(), True, "a PRC ID number written in groups"
    for m in _US_SSN.finditer(t):
        yield "id_number", m.start(), m.end(), True, "a US Social Security number (3-2-4 digits)"
    for m in _ID15.finditer(t):
        if _valid_date(1900 + int(m.group(1)), int(m.group(2)), int(m.group(3))):
            yield (
                "id_number",
                m.start(),
                m.end(),
                True,
                "a 15-digit (pre-1999) PRC resident ID number with a valid birth date",
            )


def _cards(t: str):
    for pattern in (_CARD_RUN, _CARD_GROUPED):
        for m in pattern.finditer(t):
            digits = re.sub(r"\D", "", m.group(0))
            if _YEARS.fullmatch(digits):
                continue  # 2010 2011 2012 2013: the years a post lists, whatever the Luhn sum
            ok = luhn_ok(digits)
            if pattern is _CARD_GROUPED and not (ok or digits.startswith("62")):
                if len(digits) > 16 and luhn_ok(digits[:16]):  # a card, then a short number
                    tail = m.group(0).rsplit(m.group(1) or " ", 1)[-1]
                    end = m.end() - len(tail) - 1
                    yield "bank_card", m.start(), end, True, "a 16-digit card number (Luhn valid)"
                continue  # four-digit groups that fail Luhn are years or codes, not a card
            yield (
                "bank_card",
                m.start(),
                m.end(),
                ok,
                f"a {len(digits)}-digit card or account number"
                + (" (Luhn valid)" if ok else " (fails Luhn: still an account-like number)"),
            )
    for m in _ID15.finditer(t):  # American Express: 15 digits, 34/37, Luhn
        if m.group(0)[:2] in ("34", "37") and luhn_ok(m.group(0)):
            yield "bank_card", m.start(), m.end(), True, "a 15-digit card number (Luhn valid)"


def _phones(t: str):
    for m in _CN_MOBILE.finditer(t):
        yield (
            "phone",
            m.start(),
            m.end(),
            True,
            "a mainland China mobile number (1[3-9]x xxxx xxxx)",
        )
    for m in _CN_LANDLINE.finditer(t):
        yield "phone", m.start(), m.end(), True, "a mainland China landline with its area code"
    for m in _US_PHONE.finditer(t):
        yield (
            "phone",
            m.start(),
            m.end(),
            True,
            "a North American-shaped number (3-3-4 digits)",
        )
    for m in _UK_MOBILE.finditer(t):
        yield "phone", m.start(), m.end(), True, "a UK mobile number (07xxx xxxxxx)"
    for m in _INTL_PHONE.finditer(t):
        yield "phone", m.start(), m.end(), False, "an international number with its country code"
    for m in _CN_MOBILE_SPACED.finditer(t):
        yield "phone", m.start(), m.end(), False, "a mainland China mobile number spaced out"
    for m in _CONTEXT_PHONE.finditer(t):
        digits = re.sub(r"\D", "", m.group(1))
        if 7 <= len(digits) <= 13 and not _DATE_LIKE.fullmatch(m.group(1)):
            yield (
                "phone",
                m.start(1),
                m.end(1),
                False,
                "a number of 7–13 digits right after a word such as 电话 or phone",
            )


def _addresses(t: str):
    for pattern, why, markers in _ZH_ADDRESS:
        if not any(marker in t for marker in markers):
            continue
        for m in pattern.finditer(t):
            start, end = m.span("a") if "a" in pattern.groupindex else m.span()
            yield "address", start, end, False, f"an address down to the door: {why}"
    if not _LATIN.search(t):
        return  # the English forms need a street word or apt/flat/suite
    for m in _EN_STREET.finditer(t):
        words = m.group(0).lower().replace(".", " ").split()[1:-1]
        if any(w in _EN_NOT_A_NAME for w in words):
            continue
        if m.group(2).lower() == "dr" and _TITLE_AFTER.match(t, m.end(2)):
            continue  # "Dr. Eve": a title, not a drive
        yield "address", m.start(), m.end(), False, "a house number on a street"
    for m in _EN_FLAT.finditer(t):
        yield "address", m.start(), m.end(), False, "a flat, apartment or suite number"


def _handles(t: str):
    for m in MENTION.finditer(t):
        yield "handle", m.start(), m.end(), False, "an @handle (a person's account name)"


_DETECTORS = (_emails, _ids, _cards, _phones, _addresses, _handles, _spelled, split_numbers)
"""In priority order: where two findings overlap, the earlier detector's wins."""
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]{2}")
_LONG_NUMBER = re.compile(r"\d(?:[ \-.()]{0,2}\d){6}")
_OBFUSCATED_AT = re.compile(r"[(\[{]\s?at\s?[)\]}]", re.IGNORECASE)
_ZH_MARKS = re.compile("[号弄栋幢座单元室房]")


def _worth_running(detector, t: str, digits: bool) -> bool:
    """Cheap tests that skip a detector that cannot match (most posts hold no digit and no @)."""
    if detector is _emails:
        return "@" in t or bool(_OBFUSCATED_AT.search(t))
    if detector is _handles:
        return "@" in t
    if detector is _spelled or detector is split_numbers:
        return True  # its own gates, one for each form
    if detector is _addresses:
        return digits or bool(_ZH_MARKS.search(t))
    return bool(_LONG_NUMBER.search(t))  # IDs, cards, phones: 7+ digits, at most 2 separators apart


def find_pii(text: str | None, masked: bool = False, also: tuple[Any, ...] = ()) -> list[PiiSpan]:
    """Every piece of personal data in ``text``, in order, none overlapping another.

    ``masked``: also numbers their poster masked in part (138****1234), as displays, exports and
    the search index need; the doxxing label leaves it off (a masked number exposes no one).
    ``also``: further finders of the same shape, such as ``heard.protect.names.doxxing_names``
    (the names a doxxing post introduces), which ``heard.read.redact`` adds for every display,
    export and the search index; the doxxing detector itself reads without them."""
    if not text:
        return []
    folded, origin = detection_view(text)
    taken: list[tuple[int, int]] = []
    found: list[PiiSpan] = []
    digits = bool(_DIGIT.search(folded))
    detectors: tuple[Any, ...] = _DETECTORS
    if masked and digits and _MASKED_GATE.search(folded):
        detectors = (*detectors, _masked)
    detectors = (*detectors, *also)
    for detector in detectors:
        if detector in _DETECTORS and not _worth_running(detector, folded, digits):
            continue
        for kind, start, end, validated, why in detector(folded):
            while end > start and folded[end - 1] == " ":
                end -= 1
            if end <= start or any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            at, to = origin[start], origin[end - 1] + 1  # the hidden characters within, too
            found.append(PiiSpan(kind, at, to, text[at:to], validated, why))
    found.sort(key=lambda s: s.start)
    return found


def contains_pii(text: str | None, kinds: tuple[str, ...] = KINDS) -> bool:
    """Whether ``text`` holds personal data of one of ``kinds``."""
    return any(s.kind in kinds for s in find_pii(text))


def replace_pii(
    text: str | None, keep=lambda span: False, masked: bool = False, also: tuple[Any, ...] = ()
) -> str | None:
    """``text`` with every span replaced by its label, except those ``keep(span)`` is true for."""
    if not text:
        return text
    out, last, label = [], 0, ""
    for span in find_pii(text, masked=masked, also=also):
        if keep(span):
            continue
        between = text[last : span.start]
        if out and span.label == label and not between:
            last = span.end  # 128号5栋302室: one address, shown once, not "[address][address]"
            continue
        out.append(between)
        out.append(span.label)
        last, label = span.end, span.label
    out.append(text[last:])
    return "".join(out)
