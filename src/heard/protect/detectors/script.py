"""Which script a text is mostly in: decides which trained head may read it."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def is_chinese(text: str) -> bool:
    """At least a fifth of the letters are Han characters (the COLD head was trained on such)."""
    cjk = len(_CJK.findall(text))
    return cjk > 0 and cjk >= 0.2 * (cjk + len(_LATIN.findall(text)))


def is_latin(text: str) -> bool:
    """Mostly Latin letters and no more than a trace of Han (the SMS head read English)."""
    latin = len(_LATIN.findall(text))
    return latin > 0 and len(_CJK.findall(text)) <= 0.05 * latin
