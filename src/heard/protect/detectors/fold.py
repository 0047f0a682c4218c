"""Undo the spelling tricks of fraud and spam texts before the rule cues read them.

Senders dodge keyword filters by spacing characters out ("刷 单 返 利", "a g 8 8 . c c"), putting
symbols between them ("安-全-账-户", "加薇❤信"), writing full-width letters and digits ("ＪＤ",
"４００"), the letter O for zero in numbers ("4OO-86O-3321"), look-alike characters ("刷単",
"薇信", "扣扣") and traditional characters ("點擊領取"). ``fold_text`` gives a folded, lower-cased
copy for the cues to search and, for every folded character, its position in the original text,
so that evidence spans still point at what the sender wrote (RIGHTS.md §5).

English senders write the words filters look for with look-alikes instead: digits and symbols
("acc0unt", "P@yPal", "F0LL0WERS", "fr33"), a capital I or an l for each other ("paypaI",
"verlfy"), Cyrillic or Greek letters ("раураl") and accented ones. ``fold_english`` reads each
Latin-looking word as a *skeleton* (every look-alike replaced by one letter of its class: 0 and o,
1 l i | ! and capital I, 3 and e, 4 @ and a, 5 $ and s, 7 and t) and, only when that skeleton is
the skeleton of a word of ``EN_WORDS`` (the words the English rules read), writes that word
instead, one character for one. Any other word is left as written: "4G", "B2B", "COVID-19",
"R2-D2", "ms365" and e-mail addresses keep their meaning.

A rule file opts in with ``fold = true`` (scam_fraud and spam do). Text with none of the tricks
takes a fast path: only lower-casing, positions unchanged. The English fold has its own gate: a
text without a digit or symbol after a Latin letter, a capital I after a small letter, or a
Greek, Cyrillic or accented letter (most clean English text) skips it, so "verlfy" alone in
otherwise clean text is not folded.
"""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_JOINERS = r"\s\-·•*_|/\\~"
# Look-alikes and the traditional forms that scam and spam texts use, one character for one.
_VARIANTS = (
    "単寳帳戶積兌換現資過請領號碼銀貸額凍結異驗證錢轉賬寶們這為來會個萬時國網頁務優禮獎機費訊"
    "點擊獲禧億貨還價團購車險開門聯繫專員輸電話簡單贈紅註冊將對應處辦觀眾幣級裝備遊戲歡"
)
_CHARS_TO = (
    "单宝账户积兑换现资过请领号码银贷额冻结异验证钱转账宝们这为来会个万时国网页务优礼奖机费讯"
    "点击获喜亿货还价团购车险开门联系专员输电话简单赠红注册将对应处办观众币级装备游戏欢"
)
_WORDS = (
    ("薇信", "微信"),
    ("威信", "微信"),
    ("徽信", "微信"),
    ("维信", "微信"),
    ("v信", "微信"),
    ("扣扣", "qq"),
    ("企鹅", "qq"),
)
_WIDE = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c - 0xFEE0).isalnum()}
_WIDE.update({0xFF0D: "-", 0xFF0E: ".", 0x3000: " "})
_TABLE = str.maketrans({**_WIDE, **{ord(k): v for k, v in zip(_VARIANTS, _CHARS_TO)}})
_FAST = re.compile(
    f"[\uff10-\uff19\uff41-\uff5a\uff0d\uff0e\u3000{_VARIANTS}]"
    f"|[{_CJK}][{_JOINERS}]+[{_CJK}]"
    r"|(?:^|\s)\S\s\S(?:\s|$)|\s\.[a-z]|\.\s"
    r"|\d[oO]|[oO]\d"
    "|[\u2600-\u27bf\u200b-\u200f\u2060\ufe0f\ufeff\U0001f000-\U0001faff]"
    r"|薇信|威信|徽信|维信|[vV]信|扣扣|企鹅",
    re.IGNORECASE,
)
_DROP = re.compile(
    "[\u2600-\u27bf\u200b-\u200f\u2060\ufe0f\ufeff\U0001f000-\U0001faff]+"
    f"|(?<=[{_CJK}])[{_JOINERS}]+(?=[{_CJK}])"
    r"|(?:(?<=^\S)|(?<=\s\S))\s+(?=\S(?:\s|$))"
    r"|(?<=[a-z0-9])\s+(?=\.[a-z])|(?<=[a-z0-9]\.)\s+(?=[a-z])"
)
_SPACED_LINK = re.compile(
    r"[a-z0-9-]{2,}\s*\.\s*(?:com|net|org|ly|info|xyz|top|cc|io|shop|vip|biz|uk|link|site|online|club)"
    r"\b(?:\s*/\s*[a-z0-9-]+)?"
)
"""A link spaced out around its dot and slash ("bit . ly / abc", "evil . com"): the spaces inside
are dropped like the other joiners."""
_SPACE = re.compile(r"\s+")
_NUMBER_RUN = re.compile(r"[0-9o][0-9o\-]{4,}")
_HAS_CJK = re.compile(f"[{_CJK}]")
_MASKED = re.compile(r"(?<![a-zA-Z_])x+(?![a-zA-Z_])")
"""A run of lower-case x that is no part of a Latin word, in a Chinese text: digits masked by the
sender or by whoever shared the message ("满xxx减xx", "x折", "电话138xxxx5566"). Capital XX is
left alone: it stands for a name (【XX超市】)."""


EN_WORDS = (
    "account accounts verify verified verification paypal amazon apple icloud netflix microsoft "
    "google password passcode login signin bank banking security secure suspended locked update "
    "confirm refund delivery parcel package customs prize winner won free gift giftcard card "
    "cards bitcoin crypto wallet invest investment profit profits bonus casino followers likes "
    "viagra cialis loan loans credit click claim reward rewards payment urgent invoice transfer "
    "support whatsapp telegram cash money unlock offer discount cheap spins betting poker slots "
    "jackpot lottery deposit withdraw verify subscription billing expired winning iphone"
).split()
"""The English words the fold restores from look-alike spellings (the vocabulary of the English
scam and spam cues). Short words and words that differ from a real English word only by i/l
(``bill``/``biil``) are left out: a skeleton must not make one real word out of another."""
_CONFUSABLE = {
    # Cyrillic and Greek letters that look like Latin ones, lower case (the text is lowered first)
    **dict(zip("аеорсухіјѕһԁӏвмнкт", "aeopcyxijshdlbmhkt")),
    **dict(zip("οαρντκιυεχ", "oapvtkiuex")),
    "0": "o", "1": "i", "l": "i", "|": "i", "!": "i", "3": "e", "4": "a", "@": "a",
    "5": "s", "$": "s", "7": "t",
}  # fmt: skip
for _c in range(0xC0, 0x250):  # accented Latin letters read as their base letter
    _base = unicodedata.normalize("NFD", chr(_c))[0]
    if _base.isascii() and _base.isalpha() and _base != chr(_c):
        _CONFUSABLE.setdefault(chr(_c), _CONFUSABLE.get(_base.lower(), _base.lower()))
_SKELETON = str.maketrans(_CONFUSABLE)
_EN_SKELETONS = {w.translate(_SKELETON): w for w in EN_WORDS}
_LOOKALIKE_LETTERS = "\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"  # accented Latin, Greek, Cyrillic
_EN_TOKEN = re.compile(
    f"[a-z0-9@$|!{_LOOKALIKE_LETTERS}]*[a-z{_LOOKALIKE_LETTERS}][a-z0-9@$|!{_LOOKALIKE_LETTERS}]*"
)
# case-sensitive on purpose: with IGNORECASE the ranges would match s (ſ) and i (ı)
_EN_GATE = re.compile(f"[a-zA-Z](?:[0-9]|[@$|!]+[a-zA-Z])|[{_LOOKALIKE_LETTERS}]")
_CAPITAL_I = re.compile(r"[a-z]I")


def needs_english_fold(text: str) -> bool:
    """The English fold's cheap gate, on the text as written."""
    return bool(_EN_GATE.search(text) or _CAPITAL_I.search(text))


def _restore(m: re.Match[str]) -> str:
    token = m.group(0)
    word = _EN_SKELETONS.get(token.translate(_SKELETON))
    return word if word is not None and len(word) == len(token) else token


def fold_english(lowered: str) -> str:
    """``lowered`` with each look-alike spelling of an ``EN_WORDS`` word written as that word,
    one character for one (positions unchanged); every other word as it was."""
    return _EN_TOKEN.sub(_restore, lowered)


def lower_text(text: str) -> str:
    """``text`` lower-cased with every character kept in place (so spans still point into it)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _number(m: re.Match[str]) -> str:
    run = m.group(0)
    return run.replace("o", "0") if sum(ch.isdigit() for ch in run) >= 3 else run


def unmask_digits(folded: str) -> str:
    """Masked digits read as digits (a 0 for each x), so that the cues for prices, discounts and
    numbers read them; one character for one, so positions are unchanged. Before lower-casing."""
    if "x" not in folded or not _HAS_CJK.search(folded):
        return folded
    return _MASKED.sub(lambda m: "0" * len(m.group(0)), folded)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def fold_text(text: str) -> tuple[str, list[int] | None]:
    """The folded, lower-cased text and each of its characters' position in ``text`` (``None``
    when nothing was dropped: the positions are the same)."""
    lowered = lower_text(unmask_digits(text))
    english = needs_english_fold(text)
    if not _FAST.search(lowered):
        return (fold_english(lowered) if english else lowered), None
    folded = lowered.translate(_TABLE)  # one character for one: positions unchanged
    index: list[int] | None = None
    drops = [(m.start(), m.end()) for m in _DROP.finditer(folded)]
    for link in _SPACED_LINK.finditer(folded):
        at = link.start()
        drops.extend((at + m.start(), at + m.end()) for m in _SPACE.finditer(link.group(0)))
    if drops:
        drops = _merged(drops)
        index, parts, at = [], [], 0
        for start, end in drops:
            index.extend(range(at, start))
            parts.append(folded[at:start])
            at = end
        index.extend(range(at, len(folded)))
        parts.append(folded[at:])
        folded = "".join(parts)
    for old, new in _WORDS:
        folded = folded.replace(old, new)
    if english or index is not None:  # spaced-out letters are one word only now
        folded = fold_english(folded)
    return _NUMBER_RUN.sub(_number, folded), index


class TextForm:
    """One text as the rule sets read it — lower-cased, or folded with the positions back into
    the text — each made on first use.
    ``HarmStage`` makes one per post and hands it to every detector, so the ten rule sets of a
    post fold and lower-case it once, not ten times."""

    __slots__ = ("text", "_read")

    def __init__(self, text: str):
        self.text = text
        self._read: dict[bool, tuple[str, list[int] | None]] = {}

    def read(self, fold: bool) -> tuple[str, list[int] | None]:
        """(lowered or folded text, positions into ``text`` or None when they are the same)."""
        got = self._read.get(fold)
        if got is None:
            got = self._read[fold] = fold_text(self.text) if fold else (lower_text(self.text), None)
        return got


def text_forms(texts: list[str], forms: list[TextForm] | None) -> list[TextForm]:
    """``forms`` when the caller made them (one per text), else new ones."""
    return forms if forms is not None else [TextForm(t) for t in texts]
