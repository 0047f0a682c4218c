"""Words that are no keyword and no place, on Chinese boards: anonymised codes (A市, A2区, a4,
西地省 — the Teddy Cup boards replace real names by codes) and names the segmenter cut at an
administrative character (区丽发 from A2区丽发新城, 市伊 from A市伊景园) — a two-to-four
character token that starts or ends with 市, 区, 县 or 省 and that jieba's dictionary does not
know (市场, 市民, 县城 and 区域 are words and stay).
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
