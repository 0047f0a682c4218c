"""Scam and spam from the ``written`` heads: learnt from texts Heard's contributors wrote.

Two linear heads (``heads/scam_fraud_written`` and ``heads/spam_written``, see their MODEL_CARD)
score every text; a label is flagged when its head's probability reaches the threshold stored with
the head (the highest cross-validated score any legitimate training row got, + 0.01). Evidence:
the character n-grams that pushed the score up most, with their spans in the author's text.

The heads catch phrasings the rules miss (blind probe set v4: rules OR heads raise recall from
0.546 to 0.669 on scams and 0.667 to 0.778 on spam, bench/protect_fraud_head.py), but their
precision on real traffic is not proven, so their flags are **for review only**: each carries
``details["review_only"] = True``, ``merge_flags`` never lets one displace another detector's flag
of the same label, and ``ReviewService.record_detector_flags`` never decides one automatically
(RIGHTS.md §5 allows automation for spam and scams; this detector does not claim it). A flag
may still **second** a rule set's flag of the same label (``details["second_key"]``): an
automated decision needs two independent detectors to agree (``heard.protect.automation``).

The heads read a text with its phone numbers, ID numbers and bank cards blanked out
(``without_numbers``): the SMS spam they learnt from is full of digits, so a citizen's complaint
ending in their own contact number scored 0.75-0.96 on the digits alone. Masking them changed
no recall on any probe set (v4: 0.669 / 0.778 either way); the rules still read the numbers.

A head's flag is dropped where the same label's rule file names the text as one of its
exceptions (``VETO_CUES``): a citizen selling their own used bike, with their own number
and "骑了两年", is not spam (the spam rules' ``own_used_item`` cue; their broader
``personal_sale``, with "自提", took a group-buy platform's "明日自提" advert out of an
automated decision).
The scam rules' ``warning`` cue was tried as the scam head's veto and not kept: it cost 4 scams on
the v4-v6 probe sets (scripts that say 冒充 or 报警 themselves).
"""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np

from heard.protect.detectors.flag import Flag, Match
from heard.protect.detectors.fold import TextForm
from heard.protect.heads import TextHead, load_head, make_vectorizer, tfidf_rows
from heard.protect.detectors.rules import ruleset
from heard.protect.pii import find_pii

HEADS = {"scam_fraud": "scam_fraud_written", "spam": "spam_written"}
VETO_CUES = {"spam": frozenset({"own_used_item"})}
"""Cues of a label's rule file that veto its head's flag (read from the rule file, one list)."""
NUMBER_KINDS = frozenset({"phone", "id_number", "bank_card"})
_SEVEN_DIGITS = re.compile("\\d(?:[ \\-.()\u3000\uff0d\uff0e\uff08\uff09]{0,2}\\d){6}")
"""find_pii's own gate for phones, IDs and cards (``\\d`` is any script's digit; the full-width
separators are those it folds): a text without it holds none, 98 % of posts."""


def without_numbers(text: str) -> str:
    """``text`` with each phone number, ID number and bank card replaced by a space."""
    if not _SEVEN_DIGITS.search(text):
        return text
    out, last = [], 0
    for span in find_pii(text):
        if span.kind in NUMBER_KINDS:
            out.append(text[last : span.start])
            out.append(" ")
            last = span.end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def ngram_spans(text: str, grams: list[tuple[str, float]]) -> tuple[Match, ...]:
    """Where each n-gram (as the lowercasing vectorizer saw it) first occurs in ``text``."""
    low = text.lower()
    out = []
    for gram, _ in grams:
        g = gram.strip()
        start = low.find(g) if g else -1
        if start >= 0 and text[start : start + len(g)].lower() == g:
            out.append(Match("head_ngram", text[start : start + len(g)], start, start + len(g)))
    return tuple(out)


def _vetoed(label: str, text: str) -> bool:
    cues = VETO_CUES.get(label)
    return bool(cues) and bool(ruleset(label).cue_matches(text, set(cues)))


class WrittenHeadDetector:
    name: ClassVar[str] = "written_head"

    def __init__(self, heads: dict[str, TextHead] | None = None):
        self.heads = heads or {label: load_head(name) for label, name in HEADS.items()}

    @property
    def version(self) -> str:
        return "+".join(h.model for h in self.heads.values())

    def detect(self, texts: list[str], forms: list[TextForm] | None = None) -> list[list[Flag]]:
        if not texts:
            return []
        read = [without_numbers(t) for t in texts]
        probs = {}
        counts = None
        for label, head in self.heads.items():
            if not isinstance(head, TextHead):  # a stand-in head in tests
                probs[label] = np.asarray(head.proba(read), dtype=np.float64)
                continue
            if counts is None:  # the heads share one vectorizer: hash the texts once
                counts = make_vectorizer(head.meta["vectorizer"]).transform(read)
            z = tfidf_rows(counts, head.idf) @ head.weights + head.bias
            probs[label] = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64).ravel()))
        out: list[list[Flag]] = []
        for i, text in enumerate(texts):
            flags = []
            for label, head in self.heads.items():
                p = float(probs[label][i])
                if p < head.threshold or _vetoed(label, text):
                    continue
                grams = head.top_features(read[i])
                flags.append(
                    Flag(
                        label,
                        p,
                        head.threshold,
                        self.name,
                        head.model,
                        "learnt_head_review_only",
                        ngram_spans(text, grams),
                        {
                            "head": head.model,
                            "head_ngrams": grams,
                            "review_only": True,
                            "second_key": True,
                        },
                    )
                )
            out.append(flags)
        return out
