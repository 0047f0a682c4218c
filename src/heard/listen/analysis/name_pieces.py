"""Pieces of names that precise-mode segmentation cut apart: 景园 of 伊景园滨河苑, 西地 of 西地省.

jieba's dictionary does not know a board's estate names or its anonymised codes, so its precise
mode cuts them into words of their own (伊|景园|滨河|苑, 西地|省纪委). Those pieces are words in
the index, not pieces the index added (``keywords.fragments`` undoes only those), so they stood as
a word in most of their occurrences and reached topic keywords and labels (附件3: 景园 and 滨河 in
the 伊景园滨河苑 parking topic, 西地 second in the villagers' topic). Whether a term is such a
piece is read from the characters around it where the posts use it, for issue terms and topic
keywords alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from heard.listen.analysis.entities import PLACE_ENDINGS_ZH
from heard.listen.analysis.junk import _dictionary, is_code
from heard.listen.issues.board import NAME_BOUNDARY

NAME_ENDS = frozenset("苑村镇湾庭邸府园居")
"""Endings that close a name at once (滨河 + 苑, 梅塘 + 村); not 路, 街, 站 or 厂, which also
follow a kind (水泥路, 垃圾站)."""
CJK_TERM = re.compile(r"[\u4e00-\u9fff]{2,}")
ESTATE_END = re.compile(r"(?:小区|新城|花园|家园|公寓|大厦|广场|[苑村镇湾庭邸府园居里城])$")
"""How the name of a village, town or estate ends (塘村, 新村, 小区, 华庭): the endings of
``PLACE_ENDINGS_ZH`` that close a name, not those that follow a kind of thing (自来水公司, 水泥路,
垃圾站, 农贸市场)."""
PLACE_KIND = re.compile(f"(?:{PLACE_ENDINGS_ZH})")
"""A kind of place or institution (幼儿园, 公园, 小区, 公司): a word, whatever name comes before."""
CONTEXT_BEFORE = 3
CONTEXT_AFTER = 3
"""How many characters around a use of the term decide (``cut_from_a_name``): the segmentation
of this window (``_stranded``); ``_cut_here`` reads the one character before and two after."""
RARE_ALONE = 2000
"""A character jieba's dictionary counts fewer times than this as a word of its own (澜 368, 务
1,342, 伊 1,890; 了 883,634, 又 150,749, 路 27,626) is no word when the segmenter leaves it
alone beside a term: it is what is left of a name it cut through (澜|河水|务 of 澜河水务)."""


def _stranded(term: str, text: str, at: int) -> bool:
    """Whether the segmenter, cutting the few characters around this use of ``term`` (at ``at``
    in ``text``), leaves a rare character alone on both sides of it: 澜|河水|务 of the water
    company 澜河水务 (river water, 河水, is a word, but not here: the segmenter cut through a
    name it does not know). One side is not enough: a name's last character stands alone
    before the next word (滨河|苑|捆绑). A neighbour at the window's edge counts only where the
    text ends there."""
    lo, end = max(0, at - CONTEXT_BEFORE), at + len(term)
    hi = min(len(text), end + CONTEXT_AFTER)
    spans = _cut(text[lo:hi])
    try:
        i = spans.index((at - lo, term))
    except ValueError:  # the window's cut differs from the index's here: no evidence
        return False
    real_edge = (at < CONTEXT_BEFORE, len(text) - end < CONTEXT_AFTER)
    for j, edge_ok in ((i - 1, real_edge[0]), (i + 1, real_edge[1])):
        if not 0 <= j < len(spans) or ((j == 0 or j == len(spans) - 1) and not edge_ok):
            return False
        word = spans[j][1]
        alone = len(word) == 1 and "\u4e00" <= word <= "\u9fff"
        if not alone or _dictionary().get(word, 0) >= RARE_ALONE:
            return False
    return True


@lru_cache(maxsize=65_536)
def _cut(window: str) -> list[tuple[int, str]]:
    """(offset, word) of jieba's precise cut of a few characters."""
    _dictionary()  # jieba initialised (and its log quiet) once
    import jieba

    out, at = [], 0
    for word in jieba.lcut(window):
        out.append((at, word))
        at += len(word)
    return out


def _cut_here(term: str, before: str, after: str) -> bool:
    """Whether one use of ``term``, between ``before`` (one character) and ``after`` (two), is
    a piece of a name: the next character closes a name (滨河 + 苑) or a code (西地 + 省: 西地省),
    the next two end a village, town or estate (原龙 + 塘村), or the term ends like a place right
    after another character of the name (伊 + 景园). A term that is itself a kind of place
    (幼儿园, 公园: the end of 阳光幼儿园, 月湖公园) is a word, and so is one a kind of place
    follows (自来水 + 公司, 水泥 + 路)."""
    if PLACE_KIND.fullmatch(term):
        return False
    tail = term[-1] in NAME_ENDS
    return bool(
        (tail and "\u4e00" <= before <= "\u9fff" and before not in NAME_BOUNDARY)
        or after[:1] in NAME_ENDS
        or (after[:1] and is_code(term + after[:1]))
        or (CJK_TERM.fullmatch(after) is not None and ESTATE_END.search(after) is not None)
    )


def cut_from_a_name(term: str, texts: Iterable[str]) -> bool:
    """A term the segmenter cut out of a place name or a code: in most of the places ``texts``
    use it, it is a piece of one (``_cut_here``: 原龙 in 原龙塘村, 滨河 in 滨河苑, 景园 in 伊景园,
    西地 in 西地省). 水泥 in 水泥路 is not (a kind of road, not a name). ``texts`` may be whole
    texts or the few characters around each use (``CONTEXT_BEFORE``, ``CONTEXT_AFTER``)."""
    if not CJK_TERM.fullmatch(term):
        return False
    seen = cut = 0
    for text in texts:
        at = text.find(term)
        while at >= 0:
            seen += 1
            end = at + len(term)
            before = text[at - 1 : at] if at else ""
            cut += _cut_here(term, before, text[end : end + 2]) or _stranded(term, text, at)
            at = text.find(term, at + 1)
    return seen > 0 and cut * 2 > seen
