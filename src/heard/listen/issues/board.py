"""What issue grouping reads of a board: one message (``Message``), the grouping's settings
(``GroupingParams``) and the characters around place names (the Teddy Cup boards' anonymised
codes, and where a name starts). Apart from ``grouping`` so that ``villages`` can use them too."""

from __future__ import annotations

import re
from dataclasses import dataclass

CODES = re.compile(r"[A-Z]\d{0,2}(?:省|市|区|县)|西地省")
"""Anonymised place codes of the Teddy Cup boards: never part of a name."""
_GENERIC = set("的了吗呢啊是在和与及对有无不请问关于反映投诉咨询建议希望要求为何被让把将给")


@dataclass(frozen=True)
class Message:
    """What grouping reads of one post."""

    post_id: str
    title: str
    text: str
    text_hash: str = ""
    tokens: tuple[str, ...] = ()
    """The segmenter's tokens of title and text, in order (``search_text``), when known."""


@dataclass(frozen=True)
class GroupingParams:
    min_members: int = 3
    max_share: float = 0.03
    """An anchor names at most this share of the board's messages (or ``max_count_floor``)."""
    max_count_floor: int = 30
    min_bounded: float = 0.5
    problem_closeness: float = 0.35
    """How much closer than the board's typical pair an issue's messages must be: clustering
    stops at similarity baseline + closeness × (1 − baseline), the baseline being the mean
    cosine of a sample of the board (附件3, one city's complaints: 0.30, so 0.545; the bilingual
    demo: 0.17, so 0.46)."""
    duplicate_cosine: float = 0.95
    body_chars: int = 200


_BOUNDARY = set("|市区县镇乡路街道村") | _GENERIC | set("，。、！？；：“”‘’（）()[]【】《》")
_BOUNDARY |= set(",.!?;:\"' ")
NAME_BOUNDARY = frozenset(_BOUNDARY)
"""Characters a name starts after (codes, punctuation, 市区县…, 的, 关于 …)."""
