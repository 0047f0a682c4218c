"""The text ``heard.protect.pii`` reads: a number written to slip past a digit filter, read as
people read it (RIGHTS.md §7).

``fold_width`` maps full-width forms, other scripts' digits, circled digits and dashes of every
width to ASCII, one character for one. ``detection_view`` goes further and returns a shorter
copy with a map back to the text: characters nobody sees (zero-width spaces and joiners, word
joiners, byte-order marks, soft hyphens, direction marks, combining marks, carriage returns) are
left out, a run of whitespace (line breaks, no-break and thin spaces) reads as one space, and
``_ · ・ /`` between two digits read as a dot — so ``138\\u200b1234\\u200b5678``,
``138\\n1234\\n5678`` and ``6222·0212·3456·7890`` are found like ``13812345678``, and the span
found covers the hidden characters too (the whole of it is redacted)."""

from __future__ import annotations

import re
import unicodedata

_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = ord(" ")
for _block in (0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6):  # mathematical digits
    _FOLD.update({_block + i: ord("0") + i for i in range(10)})
# other scripts' digits: Arabic-Indic, Persian, Devanagari, Bengali, Thai, Myanmar, Khmer, Mongolian
for _zero in (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x17E0, 0x1810):
    _FOLD.update({_zero + i: ord("0") + i for i in range(10)})
# circled and negative-circled digits: ①③⑧ reads 138 (⓪ and ⓿ are zero)
for _one in (0x2460, 0x2776, 0x2780, 0x278A):
    _FOLD.update({_one + i: ord("1") + i for i in range(9)})
_FOLD[0x24EA] = _FOLD[0x24FF] = ord("0")
# dashes of every width: "电话：0734—7237198" (an em dash) is in 14 of 附件4's replies
for _dash in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63):
    _FOLD[_dash] = ord("-")

_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]+")
_DIGIT_JOINERS = frozenset("_·・/")
"""Between two digits, read as a dot: 138/1234/5678, 6222·0212·3456·7890. Not the enumeration
comma 、: "201、902、1002" and "700、900、1200" are lists of numbers in real 附件3 posts, so a
number split by it (or by commas and brackets) is read by ``heard.protect.pii_split``, which
takes it only when the whole passes a number's checks."""


def fold_width(text: str) -> str:
    """``text`` with full-width forms (U+FF01–FF5E), the ideographic space, other scripts'
    digits, circled digits and dashes of every width (— – ‐ −) as ASCII, one character for one,
    so that offsets into the folded text are offsets into ``text``."""
    if text.isascii():
        return text
    return _FOLDABLE.sub(lambda m: m.group(0).translate(_FOLD), text)


def _unseen(c: str) -> bool:
    """A character that shows nothing: format (Cf), combining (Mn, Me), or a carriage return."""
    return c == "\r" or unicodedata.category(c) in ("Cf", "Mn", "Me")


def detection_view(text: str) -> tuple[str, list[int]]:
    """``(view, origin)``: ``fold_width(text)`` without the characters nobody sees, each run of
    whitespace one space, ``_ · ・ /`` between digits a dot; ``origin[i]`` is the offset in
    ``text`` of the view's character ``i`` (and ``origin[len(view)] == len(text)``)."""
    folded = fold_width(text)
    if folded.isascii() and "\n" not in folded and "\t" not in folded and "  " not in folded:
        if not any(c in _DIGIT_JOINERS for c in folded):
            return folded, list(range(len(folded) + 1))
    view: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(folded):
        if _unseen(c):
            continue
        if c.isspace():
            if view and view[-1] == " ":
                continue
            c = " "
        view.append(c)
        origin.append(i)
    origin.append(len(text))
    for j, c in enumerate(view):
        if c in _DIGIT_JOINERS and 0 < j < len(view) - 1:
            if view[j - 1].isdigit() and view[j + 1].isdigit():
                view[j] = "."
    return "".join(view), origin
