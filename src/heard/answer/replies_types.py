"""The records of the reply scorer: its settings, one scored dimension, a reply to score, and
all dimensions of one reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

import numpy as np

from heard.answer.replies_text import Ask, ReplyParts

DIMENSIONS = ("relevance", "completeness", "interpretability", "timeliness")
QUOTE_LOOKAHEAD = 200
"""How far past a quote's cut personal data is looked for (a span longer than this is unheard of:
an address to the door is a few dozen characters)."""


def clip(text: str, limit: int) -> str:
    """``text[:limit]``, for quoting the message or the reply in an explanation or its evidence,
    cut short of any personal data (``heard.protect.pii``) the cut would split. Quotes are
    redacted when shown; a phone number cut in half is no longer recognised as one, and the
    public case page showed its first six digits ("电话138123…")."""
    if len(text) <= limit:
        return text
    from heard.protect.pii import find_pii

    cut = limit
    for span in find_pii(text[: limit + QUOTE_LOOKAHEAD], masked=True):
        if span.start < cut < span.end:
            cut = span.start
    return text[:cut]


@dataclass(frozen=True)
class ReplyQualityConfig:
    """Settings of the scorer. Label cut-offs map a 0–1 score to the guide's 0/1/2 scale."""

    deadline_working_days: int = 15  # when a reply has no deadline of its own (no case)
    zone: tzinfo = timezone.utc  # the institution's: working days are counted on its dates
    similarity_floor: float = 0.10  # message–reply cosine at or below this adds nothing …
    similarity_ceiling: float = 0.50  # … and at or above this adds fully
    relevance_weights: dict[str, float] = field(
        # the lexical parts weigh only without an embedder (then equally); they stay evidence
        default_factory=lambda: {"terms": 0.0, "title": 0.0, "embedding": 1.0}
    )
    hand_off_factor: float = 0.5  # relevance of a reply that only hands the matter off
    # completeness: per-ask coverage as the average of the mean and the worst ask, and,
    # with an embedder, this weight on the reply's cosine with the message as a whole
    completeness_subject_weight: float = 0.3
    completeness_worst_ask: bool = True
    # "words+cosine": an ask is matched by shared words or cosine and needs an answer of its kind
    # nearby; "cosine": by its cosine to the closest sentence about the matter alone
    ask_match_by: str = "words+cosine"
    ask_match_cosine: float = (
        0.35  # an ask and a reply sentence this close are about the same thing
    )
    ask_cosine_above: float = 0.10  # … and fully matched this much above it (0 at 0.2 below)
    ask_overlap_full: float = (
        0.40  # share of an ask's word bigrams in a sentence that is a full match
    )
    ask_subject_credit: float = 0.6  # a sentence on the title's subject matches an ask this much
    ask_unsettled_credit: float = 0.6  # an ask taken up without an answer of its kind …
    ask_promise_credit: float = 0.6  # … and one taken up with only a promise (将进一步…)
    ask_settled_cues: bool = True  # decisions, facts done, concrete commitments settle an ask
    label_cuts: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "relevance": (0.01, 0.74),  # cut-offs: quadratic-κ best on the tuning half of the
            "completeness": (0.02, 0.45),  # annotated sample (bench/reply_quality_eval.py); the
            "interpretability": (0.02, 0.36),  # held-out half was never used to choose them
            "timeliness": (0.01, 0.999),
        }
    )

    def label(self, dimension: str, score: float) -> int:
        low, high = self.label_cuts[dimension]
        return 2 if score >= high else 1 if score >= low else 0


@dataclass(frozen=True)
class DimensionScore:
    """One dimension of one reply: the score, its 0/1/2 label, why, and what was found."""

    dimension: str
    score: float
    label: int
    explanation: str
    evidence: dict[str, object]


@dataclass(frozen=True)
class ReplyToScore:
    """A message and the official reply to it. Times are optional (no timeliness without them).
    ``deadline_working_days``: the case's own deadline (its department's, as the case computes
    it); None takes the scorer's default (``ReplyQualityConfig.deadline_working_days``)."""

    title: str
    body: str
    reply: str
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    id: str = ""
    deadline_working_days: int | None = None


@dataclass(frozen=True)
class ReplyQuality:
    """All dimensions of one reply; ``overall`` is the mean of those that could be scored."""

    id: str
    relevance: DimensionScore
    completeness: DimensionScore
    interpretability: DimensionScore
    timeliness: DimensionScore | None

    @property
    def overall(self) -> float:
        scores = [d.score for d in self.dimensions()]
        return float(np.mean(scores))

    def dimensions(self) -> list[DimensionScore]:
        found = [self.relevance, self.completeness, self.interpretability, self.timeliness]
        return [d for d in found if d is not None]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "overall": round(self.overall, 4),
            **{d.dimension: _dimension_dict(d) for d in self.dimensions()},
        }


def _dimension_dict(d: DimensionScore) -> dict[str, object]:
    return {
        "score": round(d.score, 4),
        "label": d.label,
        "explanation": d.explanation,
        "evidence": d.evidence,
    }


def form_letter_score(
    dimension: str, parts: ReplyParts, config: ReplyQualityConfig, asks: list[Ask] | None = None
) -> DimensionScore:
    kind = "a referral" if parts.referrals else "a form letter"
    evidence: dict[str, object] = {
        "form_letter": True,
        "referrals": [clip(s, 80) for s in parts.referrals],
        "boilerplate": [clip(s, 40) for s in parts.boilerplate][:4],
    }
    if asks is not None:
        evidence["not_answered"] = [{"ask": clip(a.text, 80), "kind": a.kind} for a in asks]
    explanation = f"{kind}: only receipts, thanks and hand-offs, nothing about the matter itself"
    return DimensionScore(dimension, 0.0, config.label(dimension, 0.0), explanation, evidence)
