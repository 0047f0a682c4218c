"""Words that are no keyword and no place, on Chinese boards: anonymised codes (A市, A2区, a4,
西地省 — the Teddy Cup boards replace real names by codes) and names the segmenter cut at an
administrative character (区丽发 from A2区丽发新城, 市伊 from A市伊景园) — a two-to-four
character token that starts or ends with 市, 区, 县 or 省 and that jieba's dictionary does not
know (市场, 市民, 县城 and 区域 are words and stay).

Places have one more kind of junk: a clause the name pattern or the tagger took whole
(县的很多快递公司, 教育局给农村, 货运从业资格证在哪里). ``is_clause`` finds them by their function
words, which no place name holds: particles (的, 了), pronouns (各, 每个, 那里, 如何, 本地),
prepositions (在, 给, 为) and a few adverbs and verbs that only a sentence uses (已经, 可以, 作为).
"""

from __future__ import annotations

import re
from functools import lru_cache

CODE = re.compile(r"^[A-Za-z]\d{0,2}(?:省|市|区|县)?$|^[\u4e00-\u9fff]地省$")
_ADMIN = "市区县省"
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, int]:
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return {}
    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return dict(jieba.dt.FREQ)


def is_code(term: str) -> bool:
    """An anonymised place code or a code fragment (A市, A2区, a4, 西地省)."""
    return bool(CODE.match(term.strip()))


def is_cut_name(term: str) -> bool:
    """A name cut at an administrative character that is no dictionary word (区丽发, 市伊)."""
    term = term.strip()
    if not (2 <= len(term) <= 4 and _CJK.search(term)):
        return False
    if term[0] not in _ADMIN and term[-1] not in _ADMIN:
        return False
    return not _dictionary().get(term)


def is_junk(term: str) -> bool:
    return is_code(term) or is_cut_name(term)


CLAUSE_TAGS = frozenset({"uj", "ul", "uz", "ug", "r", "p", "y", "e"})
"""jieba part-of-speech tags of particles, pronouns, prepositions, modal words, interjections."""
CLAUSE_WORDS = frozenset(
    "已经 坚决 明确 可以 能够 作为 原来 加强 重视 申请 支持 提供 定居 紧邻 严查 取缔 牵头 主持 "
    "是 有 买 及 并 最好 不怎么 很多 多个".split()
)
"""Adverbs, verbs and conjunctions of a sentence, not of a name (measured on the place lists of
three Teddy Cup boards; see BENCHMARKS.md)."""
MAX_PLACE_CHARS = 14


def is_clause(term: str) -> bool:
    """A Chinese place candidate that is a piece of a sentence, not a name."""
    term = term.strip()
    if not _CJK.search(term):
        return False
    if len(term) > MAX_PLACE_CHARS:
        return True
    if len(term) < 4:  # 于山, 东乡: short names whose first character reads as a preposition
        return False
    import jieba.posseg

    _dictionary()  # jieba initialised (and its log quiet) once
    return any(
        flag in CLAUSE_TAGS or word in CLAUSE_WORDS for word, flag in jieba.posseg.lcut(term)
    )
