"""Score an official reply against the citizen's message: relevance, completeness,
interpretability, timeliness. Each score is 0–1, carries a 0/1/2 label on the scale of
``docs/answer/reply_annotation_guide.md``, an explanation in words, and its evidence.

Why these features: on annotated replies, reply length alone already separates good from bad
replies (long replies tend to be substantive), so a score that merely grows with length would
measure length, not quality. Every feature here is a presence or a coverage — is the message's
estate named, is each question answered, is a rule cited, is there a telephone number — computed
on the reply's *substance* (its sentences once greetings, receipts, thanks and referrals are set
aside), so a form letter scores nothing however long, and a short reply that does the job scores
fully. ``bench/reply_quality_eval.py`` measures the scores against annotations, against reply
length and message–reply similarity alone, and within length bands.

Heard never writes replies (RIGHTS.md §6); this module only reads the ones institutions publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

import numpy as np

from heard.answer.replies_text import (
    ANSWER_CUES,
    ELEMENTS,
    OUTCOME,
    Ask,
    ReplyParts,
    content_bigrams,
    sentences,
    specific_terms,
    split_asks,
    split_reply,
    term_in,
)
from heard.answer.response_times import working_days_between
from heard.errors import InputError

DIMENSIONS = ("relevance", "completeness", "interpretability", "timeliness")


@dataclass(frozen=True)
class ReplyQualityConfig:
    """Settings of the scorer. Label cut-offs map a 0–1 score to the guide's 0/1/2 scale."""

    deadline_working_days: int = 15
    similarity_floor: float = 0.10  # message–reply cosine at or below this adds nothing …
    similarity_ceiling: float = 0.50  # … and at or above this adds fully
    relevance_weights: dict[str, float] = field(
        default_factory=lambda: {"terms": 0.10, "title": 0.25, "embedding": 0.65}
    )
    ask_match_cosine: float = (
        0.35  # an ask and a reply sentence this close are about the same thing
    )
    ask_cosine_above: float = 0.10  # … and fully matched this much above it (0 at 0.2 below)
    ask_overlap_full: float = (
        0.40  # share of an ask's word bigrams in a sentence that is a full match
    )
    label_cuts: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "relevance": (0.02, 0.46),  # cut-offs: quadratic-κ best on the tuning half of the
            "completeness": (0.04, 0.28),  # annotated sample (bench/reply_quality_eval.py); the
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
    """A message and the official reply to it. Times are optional (no timeliness without them)."""

    title: str
    body: str
    reply: str
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    id: str = ""


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


# --- relevance --------------------------------------------------------------------------------


def score_relevance(
    title: str,
    body: str,
    reply: str,
    *,
    similarity: float | None = None,
    config: ReplyQualityConfig | None = None,
) -> DimensionScore:
    """Does the reply address *this* message? Shared specific terms (places, organisations,
    numbers), coverage of the title's words, and — when given — the embedding cosine between
    the message and the reply's substance. A form letter scores 0 whatever it shares."""
    config = config or ReplyQualityConfig()
    parts = split_reply(reply)
    if parts.is_form_letter:
        return _form_letter("relevance", parts, config)
    substance = parts.substance_text
    terms = specific_terms(title, body)
    named = [t for t in terms if term_in(t, substance)]
    components: dict[str, float] = {}
    if terms:
        components["terms"] = min(1.0, len(named) / min(3, len(terms)))
    title_grams = content_bigrams(title)
    if title_grams:
        shared = title_grams & content_bigrams(substance)
        components["title"] = min(1.0, len(shared) / len(title_grams) / 0.6)
    if similarity is not None:
        span = config.similarity_ceiling - config.similarity_floor
        components["embedding"] = float(
            np.clip((similarity - config.similarity_floor) / span, 0, 1)
        )
    weights = {k: config.relevance_weights.get(k, 0.0) for k in components}
    if not any(weights.values()):  # e.g. embedding-only weights but no embedder: weigh equally
        weights = dict.fromkeys(components, 1.0)
    score = (
        sum(weights[k] * v for k, v in components.items()) / sum(weights.values())
        if components
        else 0.0
    )
    evidence: dict[str, object] = {
        "message_terms": terms,
        "terms_named_in_reply": named,
        "components": {k: round(v, 3) for k, v in components.items()},
    }
    if similarity is not None:
        evidence["similarity"] = round(similarity, 4)
    why = [f"names {len(named)} of the message's specific terms ({'、'.join(named[:4]) or 'none'})"]
    if "title" in components:
        why.append(
            f"shares {components['title'] * 60:.0f}%+ of the title's words"
            if components["title"] >= 1
            else f"shares {components['title'] * 60:.0f}% of the title's words"
        )
    if similarity is not None:
        why.append(f"message–reply cosine {similarity:.2f}")
    return DimensionScore(
        "relevance", score, config.label("relevance", score), "; ".join(why), evidence
    )


# --- completeness -----------------------------------------------------------------------------


def score_completeness(
    title: str, body: str, reply: str, *, embedder=None, config: ReplyQualityConfig | None = None
) -> DimensionScore:
    """Is each thing the message asks answered? The message is split into its questions and
    requests (``split_asks``). An ask counts as answered when a substance sentence matches it —
    shared words, or (with an embedder) a cosine above ``ask_match_cosine`` — and the passage
    around that sentence carries an answer of the right kind: a date for *when*, a reason for
    *why*, a yes/no, decision or finding for *whether* and for requests. The score is the share of
    asks answered; a reply with no finding, decision, yes/no or rule at all is held to half."""
    config = config or ReplyQualityConfig()
    parts = split_reply(reply)
    asks = split_asks(title, body)
    if not asks:
        raise InputError(
            "the message has no title and no text", "score replies to messages that say something"
        )
    if parts.is_form_letter:
        return _form_letter("completeness", parts, config, asks=asks)
    cosines = (
        _ask_sentence_cosines(asks, parts.substance, embedder) if embedder is not None else None
    )
    answered: list[dict[str, object]] = []
    missed: list[dict[str, object]] = []
    points = []
    for n, ask in enumerate(asks):
        row = None if cosines is None else cosines[n]
        value, sentence = _answer_to(ask, parts, title, row, config)
        points.append(value)
        entry: dict[str, object] = {
            "ask": ask.text[:80],
            "kind": ask.kind,
            "match": round(value, 3),
        }
        if value >= 0.5:
            entry["answer"] = sentence[:80]
        (answered if value >= 0.5 else missed).append(entry)
    share = float(np.mean(points))
    substance = parts.substance_text
    decided = (
        OUTCOME.search(substance)
        or ANSWER_CUES["yes_no"].search(substance)
        or ELEMENTS["rule"].search(substance)
    )
    score = share if decided else min(share, 0.5)
    explanation = f"answers {len(answered)} of {len(asks)} asks"
    if not decided:
        explanation += "; reports no finding, decision, yes/no or rule (held to half)"
    evidence = {
        "answered": answered,
        "not_answered": missed,
        "decision": decided.group(0) if decided else None,
    }
    return DimensionScore(
        "completeness", score, config.label("completeness", score), explanation, evidence
    )


def _ask_sentence_cosines(asks: list[Ask], substance: tuple[str, ...], embedder) -> np.ndarray:
    vectors = embedder.encode([a.text[:300] for a in asks] + [s[:300] for s in substance])
    return vectors[: len(asks)] @ vectors[len(asks) :].T


def _answer_to(
    ask: Ask, parts: ReplyParts, title: str, cosines, config: ReplyQualityConfig
) -> tuple[float, str]:
    """How well the reply answers one ask (0–1) and the sentence that does it.

    The match is the better of word overlap (shared bigrams / the ask's, full at 40 %) and, with
    an embedder, the cosine to the closest substance sentence (0 at ``ask_match_cosine`` − 0.2,
    full at ``ask_match_cosine`` + 0.1). A match whose passage has no answer of the ask's kind
    counts 60 %."""
    ask_grams = content_bigrams(ask.text) or content_bigrams(title)
    title_grams = content_bigrams(title)
    sentence_grams = [content_bigrams(s) for s in parts.substance]
    overlaps = np.array(
        [len(ask_grams & g) / max(1, min(len(ask_grams), 12)) for g in sentence_grams]
    )
    match = np.clip(overlaps / config.ask_overlap_full, 0, 1)
    # a sentence about the message's subject (the title's words) answers an ask at most 60 %
    # on words alone: "路灯已于3月5日更换" answers "什么时候能修好" without sharing a word with it
    # (not for yes/no and "who" asks, whose answers name their own object: 供电所, the office)
    if title_grams and ask.kind not in ("yes_no", "who"):
        on_subject = np.array(
            [len(title_grams & g) / min(len(title_grams), 12) for g in sentence_grams]
        )
        match = np.maximum(match, 0.6 * np.clip(on_subject / config.ask_overlap_full, 0, 1))
    if cosines is not None and len(cosines):
        low = config.ask_match_cosine - 0.2
        match = np.maximum(
            match, np.clip((np.asarray(cosines) - low) / (0.2 + config.ask_cosine_above), 0, 1)
        )
    best = int(np.argmax(match))
    # a short reply answers as a whole; a long one in the passage around the matching sentence
    window = parts.substance_text if len(parts.substance) <= 3 else _around(best, parts.substance)
    if ask.kind in ("request", "implicit", "question"):
        kind_ok = bool(
            OUTCOME.search(window)
            or ANSWER_CUES["yes_no"].search(window)
            or ELEMENTS["rule"].search(window)
        )
    else:
        kind_ok = bool(ANSWER_CUES[ask.kind].search(window))
    return float(match[best]) * (1.0 if kind_ok else 0.6), parts.substance[best]


def _around(i: int, substance: tuple[str, ...]) -> str:
    return "".join(substance[max(0, i - 1) : i + 2])


# --- interpretability -------------------------------------------------------------------------


def score_interpretability(
    reply: str, *, config: ReplyQualityConfig | None = None
) -> DimensionScore:
    """Can the citizen understand why and what next? Four elements, each present or not:
    reasons, a cited rule or policy, a next step, a contact. Why (reason or rule) and what next
    (next step or contact) weigh 0.35 each for the first element and 0.15 for the second."""
    config = config or ReplyQualityConfig()
    parts = split_reply(reply)
    # the receipt line often carries the finding ("经街道调查核实，现将有关情况回复如下")
    text = "".join(parts.substance) + "".join(parts.referrals) + "".join(parts.boilerplate)
    found = {
        name: (m.group(0) if (m := pattern.search(text)) else None)
        for name, pattern in ELEMENTS.items()
    }
    if parts.is_form_letter and not found["contact"]:
        return _form_letter("interpretability", parts, config)
    have = {name: match is not None for name, match in found.items()}
    why = (have["reason"], have["rule"])
    nxt = (have["next_step"], have["contact"])
    score = 0.35 * max(why) + 0.15 * min(why) + 0.35 * max(nxt) + 0.15 * min(nxt)
    present = [name.replace("_", " ") for name, ok in have.items() if ok]
    absent = [name.replace("_", " ") for name, ok in have.items() if not ok]
    explanation = f"gives {', '.join(present) or 'none of the four elements'}"
    if absent:
        explanation += f"; lacks {', '.join(absent)}"
    evidence = {name: match for name, match in found.items()}
    return DimensionScore(
        "interpretability", score, config.label("interpretability", score), explanation, evidence
    )


# --- timeliness -------------------------------------------------------------------------------


def score_timeliness(
    asked_at: datetime, answered_at: datetime, *, config: ReplyQualityConfig | None = None
) -> DimensionScore:
    """Working days (Monday–Friday; holidays not modelled) from message to reply against the
    deadline: 1 within it, falling linearly to 0 at twice the deadline."""
    config = config or ReplyQualityConfig()
    if answered_at < asked_at:
        raise InputError(
            f"the reply time {answered_at:%Y-%m-%d %H:%M} is before "
            f"the message time {asked_at:%Y-%m-%d %H:%M}",
            "check the two time columns are not swapped",
        )
    days = working_days_between(asked_at, answered_at)
    deadline = config.deadline_working_days
    score = 1.0 if days <= deadline else max(0.0, 1.0 - (days - deadline) / deadline)
    label = 2 if days <= deadline else 1 if days <= 2 * deadline else 0
    explanation = f"answered in {days} working days against a deadline of {deadline}"
    evidence = {
        "working_days": days,
        "deadline_working_days": deadline,
        "calendar_days": round((answered_at - asked_at).total_seconds() / 86400, 2),
    }
    return DimensionScore("timeliness", score, label, explanation, evidence)


# --- all together -----------------------------------------------------------------------------


def score_reply(
    item: ReplyToScore, *, embedder=None, config: ReplyQualityConfig | None = None
) -> ReplyQuality:
    """Every dimension of one reply (see ``score_replies`` for many at once)."""
    return score_replies([item], embedder=embedder, config=config)[0]


def score_replies(
    items: Sequence[ReplyToScore], *, embedder=None, config: ReplyQualityConfig | None = None
) -> list[ReplyQuality]:
    """Score many replies; with an embedder (``heard.models.embedders``) messages and reply
    substances are encoded in two batches and their cosine joins the relevance score."""
    config = config or ReplyQualityConfig()
    sims = (
        message_reply_similarity(items, embedder) if embedder is not None else [None] * len(items)
    )
    out: list[ReplyQuality] = []
    for item, sim in zip(items, sims):
        if not (item.reply or "").strip():
            raise InputError(
                f"reply {item.id or '?'} is empty",
                "score only messages that have an official reply",
            )
        timely = None
        if item.asked_at is not None and item.answered_at is not None:
            timely = score_timeliness(item.asked_at, item.answered_at, config=config)
        out.append(
            ReplyQuality(
                id=item.id,
                relevance=score_relevance(
                    item.title, item.body, item.reply, similarity=sim, config=config
                ),
                completeness=score_completeness(
                    item.title, item.body, item.reply, embedder=embedder, config=config
                ),
                interpretability=score_interpretability(item.reply, config=config),
                timeliness=timely,
            )
        )
    return out


def message_reply_similarity(items: Sequence[ReplyToScore], embedder) -> list[float]:
    """Cosine between each message (title + body) and its reply's substance (or the whole reply
    when it has no substance, so a form letter is compared as what it is).

    Each pair is encoded on its own: the int8 embedder quantises activations per call, so a
    vector depends slightly on what it is batched with, and a reply's score should depend only on
    that reply and its message (the cost is the same: encoding time grows with the tokens)."""
    sims = []
    for item in items:
        substance = split_reply(item.reply).substance_text or item.reply
        a, b = embedder.encode([f"{item.title}。{item.body}"[:2000], substance[:2000]])
        sims.append(float(np.dot(a, b)))
    return sims


def _form_letter(
    dimension: str, parts: ReplyParts, config: ReplyQualityConfig, asks: list[Ask] | None = None
) -> DimensionScore:
    kind = "a referral" if parts.referrals else "a form letter"
    evidence: dict[str, object] = {
        "form_letter": True,
        "referrals": [s[:80] for s in parts.referrals],
        "boilerplate": [s[:40] for s in parts.boilerplate][:4],
    }
    if asks is not None:
        evidence["not_answered"] = [{"ask": a.text[:80], "kind": a.kind} for a in asks]
    explanation = f"{kind}: only receipts, thanks and hand-offs, nothing about the matter itself"
    return DimensionScore(dimension, 0.0, config.label(dimension, 0.0), explanation, evidence)


__all__ = [
    "DIMENSIONS",
    "DimensionScore",
    "ReplyQuality",
    "ReplyQualityConfig",
    "ReplyToScore",
    "message_reply_similarity",
    "score_completeness",
    "score_interpretability",
    "score_relevance",
    "score_replies",
    "score_reply",
    "score_timeliness",
    "sentences",
]
