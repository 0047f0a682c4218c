"""Doxxing: private personal data about a person, posted to expose them or send people after them.

Evidence has two parts. **Spans** of personal data — phone, ID number, bank card, e-mail, address
— from ``heard.protect.pii.find_pii`` (one implementation for redaction and for this label; the
lead connects it) or, until then, from ``find_spans`` below, a minimal finder for the same kinds.
**Context** from ``rules/doxxing.toml``: exposure ("人肉", "real name", "new address"), a call
to go after the person ("大家去", "show up", "call him day and night"), locating details (school
class, daily route), public bodies (an office's hotline or address is not doxxing) and the
writer's own address ("我是…小区居民": citizens give it so that an office can act).

A flag needs (a) at least one span or locating cue, (b) a call to go after the person, or
exposure together with a span, and (c) no public-body cue. Doxxing is never auto-actioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from heard.protect.detectors.flag import Flag, Match
from heard.protect.detectors.fold import TextForm, text_forms
from heard.protect.detectors.rules import CueHits, ruleset

SPAN_KINDS = ("id_number", "phone", "bank_card", "email", "address")


@dataclass(frozen=True, slots=True)
class Span:
    """The shape the detector reads: ``kind`` and offsets (``heard.protect.pii.PiiSpan`` fits)."""

    kind: str
    start: int
    end: int
    text: str


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

_MINIMAL_PATTERNS: dict[str, list[str]] = {
    "id_number": [r"(?<!\d)\d{17}[\dXx](?!\d)", r"\b\d{3}-\d{2}-\d{4}\b"],
    "phone": [
        r"(?<!\d)1[3-9]\d{9}(?!\d)",
        r"(?<![\d-])(\+1\s?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b",
        r"\b0\d{2,3}\s\d{4}\s\d{4}\b",
    ],
    "email": [r"[\w.+-]+@[\w-]+\.[\w.-]+"],
    "address": [
        r"[\u4e00-\u9fff]{2,8}(小区|花园|新村|华府|华庭|公寓)[\d一二三四五六七八九十]+(栋|号楼|幢)"
        r"([\d一二三四五六七八九十]+单元)?\d*",
        r"[\u4e00-\u9fff]{1,6}(路|街|巷|道)\d+号",
        r"(?<!\d)\d+栋\d+单元\d+",
        r"\b\d{1,5} [A-Z][a-z]+ (Street|St|Lane|Ave|Avenue|Road|Rd|Court|Drive|Hill|Way)\b"
        r"(,? (Apt|Unit|Flat) \w+)?",
        r"\b(flat|apt|unit) \d+\w?, \d{1,5} [A-Z][a-z]+ (Street|Road|Lane)\b",
    ],
}
_MINIMAL = {k: [re.compile(p, re.IGNORECASE) for p in ps] for k, ps in _MINIMAL_PATTERNS.items()}


def _id_ok(number: str) -> bool:
    if len(number) != 18:
        return True  # the US SSN shape
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[17].upper()


def find_spans(text: str) -> list[Span]:
    """A minimal personal-data finder (the lead replaces it with ``heard.protect.pii``)."""
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for kind in ("id_number", "email", "phone", "address"):
        for rx in _MINIMAL[kind]:
            for m in rx.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                if kind == "id_number" and not _id_ok(m.group(0)):
                    continue
                spans.append(Span(kind, m.start(), m.end(), m.group(0)))
                taken.append((m.start(), m.end()))
    return sorted(spans, key=lambda s: s.start)


def default_span_finder() -> Callable[[str], list[Any]]:
    """``heard.protect.pii.find_pii`` where it exists, else the minimal finder."""
    try:
        from heard.protect.pii import find_pii  # type: ignore[attr-defined]
    except ImportError:
        return find_spans
    return find_pii


class DoxxingDetector:
    name: ClassVar[str] = "doxxing"

    def __init__(self, span_finder: Callable[[str], list[Any]] | None = None):
        self.find = span_finder or default_span_finder()
        self.rules = ruleset("doxxing")
        self.score = 0.9

    @property
    def version(self) -> str:
        finder = getattr(self.find, "__module__", "?")
        return f"{self.rules.version}+{'pii' if finder.endswith('pii') else 'minimal-spans'}"

    def flag(self, text: str, form: TextForm | None = None) -> Flag | None:
        spans = [s for s in self.find(text) if s.kind in SPAN_KINDS]
        cues = CueHits(form or text, self.rules)  # evaluated lazily, cheapest question first
        if not (spans or cues["locating"]) or cues["public_body"]:
            return None
        if cues["own_address"] and not cues["exposure"]:  # a citizen giving their own address
            return None
        if cues["call_to_go"]:
            rule = "personal_data_with_call_to_go_after_them"
        elif cues["exposure"] and spans:
            rule = "personal_data_exposed"
        else:
            return None
        matches = tuple(Match(f"pii:{s.kind}", s.text, s.start, s.end) for s in spans) + tuple(
            m for cue in ("exposure", "call_to_go", "locating") for m in cues[cue]
        )
        return Flag(
            "doxxing",
            self.score,
            self.rules.threshold,
            "doxxing",
            self.version,
            rule,
            matches,
            {"span_kinds": sorted({s.kind for s in spans})},
        )

    def detect(self, texts: list[str], forms: list[TextForm] | None = None) -> list[list[Flag]]:
        pairs = zip(texts, text_forms(texts, forms))
        return [[f] if (f := self.flag(text, form)) else [] for text, form in pairs]
