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

from datetime import datetime
from typing import Sequence

import numpy as np

from heard.answer.replies_completeness import score_completeness
from heard.answer.replies_cues import ELEMENTS
from heard.answer.replies_terms import specific_terms, term_in
from heard.answer.replies_text import content_bigrams, sentences, split_reply
from heard.answer.replies_types import (
    DIMENSIONS,
    DimensionScore,
    ReplyQuality,
    ReplyQualityConfig,
    ReplyToScore,
    clip,
    form_letter_score,
)
from heard.answer.response_times import working_days_between
from heard.errors import InputError

# --- relevance --------------------------------------------------------------------------------


def score_relevance(
    title: str,
    body: str,
    reply: str,
    *,
    similarity: float | None = None,
    config: ReplyQualityConfig | None = None,
) -> DimensionScore:
    """Does the reply address *this* message? The embedding cosine between the message and what
    the reply says about the matter (its substance without hand-offs such as "please provide
    details" or "call …"), when given; the message's specific terms (places, organisations,
    numbers) named and the title's words shared, which weigh only without an embedder by
    default and are always reported as evidence. A form letter scores 0 whatever it shares; a
    reply whose substance only hands the matter off scores ``hand_off_factor`` of the rest."""
    config = config or ReplyQualityConfig()
    parts = split_reply(reply)
    if parts.is_form_letter:
        return form_letter_score("relevance", parts, config)
    substance = parts.core_text or parts.substance_text
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
    if parts.only_hands_off:
        score *= config.hand_off_factor
    evidence: dict[str, object] = {
        "message_terms": terms,
        "terms_named_in_reply": named,
        "components": {k: round(v, 3) for k, v in components.items()},
        "hand_offs": [clip(h, 80) for h in parts.hand_offs],
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
    if parts.only_hands_off:
        why.append("only asks for details or sends the citizen elsewhere")
    return DimensionScore(
        "relevance", score, config.label("relevance", score), "; ".join(why), evidence
    )


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
        return form_letter_score("interpretability", parts, config)
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
    asked_at: datetime,
    answered_at: datetime,
    *,
    config: ReplyQualityConfig | None = None,
    deadline_working_days: int | None = None,
) -> DimensionScore:
    """Working days (Monday–Friday; holidays not modelled) from message to reply against the
    deadline: 1 within it, falling linearly to 0 at twice the deadline. The deadline is the
    case's own (``deadline_working_days``, its department's) when given, else the config's. The
    days are counted on the dates of ``config.zone``, the institution's time zone (times are
    naive UTC or aware)."""
    config = config or ReplyQualityConfig()
    if answered_at < asked_at:
        raise InputError(
            f"the reply time {answered_at:%Y-%m-%d %H:%M} is before "
            f"the message time {asked_at:%Y-%m-%d %H:%M}",
            "check the two time columns are not swapped",
        )
    days = working_days_between(asked_at, answered_at, config.zone)
    deadline = deadline_working_days or config.deadline_working_days
    score = 1.0 if days <= deadline else max(0.0, 1.0 - (days - deadline) / deadline)
    label = 2 if days <= deadline else 1 if days <= 2 * deadline else 0
    explanation = f"answered in {days} working days against a deadline of {deadline}"
    evidence = {
        "working_days": days,
        "deadline_working_days": deadline,
        "calendar_days": round((answered_at - asked_at).total_seconds() / 86400, 2),
        "zone": str(config.zone),
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
            timely = score_timeliness(
                item.asked_at,
                item.answered_at,
                config=config,
                deadline_working_days=item.deadline_working_days,
            )
        out.append(
            ReplyQuality(
                id=item.id,
                relevance=score_relevance(
                    item.title, item.body, item.reply, similarity=sim, config=config
                ),
                completeness=score_completeness(
                    item.title,
                    item.body,
                    item.reply,
                    embedder=embedder,
                    similarity=sim,
                    config=config,
                ),
                interpretability=score_interpretability(item.reply, config=config),
                timeliness=timely,
            )
        )
    return out


def message_reply_similarity(items: Sequence[ReplyToScore], embedder) -> list[float]:
    """Cosine between each message (title + body) and what its reply says about the matter: the
    substance without hand-offs, else the substance, else the whole reply (so a form letter is
    compared as what it is).

    Each pair is encoded on its own: the int8 embedder quantises activations per call, so a
    vector depends slightly on what it is batched with, and a reply's score should depend only on
    that reply and its message (the cost is the same: encoding time grows with the tokens)."""
    sims = []
    for item in items:
        parts = split_reply(item.reply)
        substance = parts.core_text or parts.substance_text or item.reply
        a, b = embedder.encode([f"{item.title}。{item.body}"[:2000], substance[:2000]])
        sims.append(float(np.dot(a, b)))
    return sims


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
