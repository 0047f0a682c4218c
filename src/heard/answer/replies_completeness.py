"""Completeness: is each thing the message asks answered?"""

from __future__ import annotations

import numpy as np

from heard.answer.replies_cues import ANSWER_CUES, ELEMENTS, OUTCOME
from heard.answer.replies_text import Ask, ReplyParts, content_bigrams, split_asks, split_reply
from heard.answer.replies_types import DimensionScore, ReplyQualityConfig, form_letter_score
from heard.errors import InputError


def score_completeness(
    title: str,
    body: str,
    reply: str,
    *,
    embedder=None,
    similarity: float | None = None,
    config: ReplyQualityConfig | None = None,
) -> DimensionScore:
    """Is each thing the message asks answered? The message is split into its questions and
    requests (``split_asks``). An ask counts as answered when a substance sentence matches it —
    shared words, or (with an embedder) a cosine above ``ask_match_cosine`` — and the passage
    around that sentence carries an answer of the right kind: a date for *when*, a reason for
    *why*, a yes/no, decision or finding for *whether* and for requests. Coverage is the average
    of the mean over asks and the worst-answered ask (an ask ignored costs more than its
    share); with ``similarity`` (the message–reply cosine of ``message_reply_similarity``) the
    score is ``completeness_subject_weight`` of that cosine — does the reply take up the message
    as a whole — and the rest coverage. A reply with no finding, decision, yes/no or rule at all
    is held to half; one that only hands the matter off gets ``hand_off_factor`` of its score."""
    config = config or ReplyQualityConfig()
    parts = split_reply(reply)
    asks = split_asks(title, body)
    if not asks:
        raise InputError(
            "the message has no title and no text", "score replies to messages that say something"
        )
    if parts.is_form_letter:
        return form_letter_score("completeness", parts, config, asks=asks)
    cosines = (
        _ask_sentence_cosines(asks, parts.substance, embedder) if embedder is not None else None
    )
    answered: list[dict[str, object]] = []
    missed: list[dict[str, object]] = []
    points = []
    for n, ask in enumerate(asks):
        row = None if cosines is None else cosines[n]
        if row is not None and len(row) and config.ask_match_by == "cosine":
            value, sentence = _closest(row, parts, config)
        else:
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
    if config.completeness_worst_ask:
        share = (share + min(points)) / 2
    subject = None
    if similarity is not None and config.completeness_subject_weight > 0:
        span = config.similarity_ceiling - config.similarity_floor
        subject = float(np.clip((similarity - config.similarity_floor) / span, 0, 1))
        w = config.completeness_subject_weight
        share = (1 - w) * share + w * subject
    if parts.only_hands_off:
        share *= config.hand_off_factor
    substance = parts.substance_text
    decided = (
        OUTCOME.search(substance)
        or ANSWER_CUES["yes_no"].search(substance)
        or ELEMENTS["rule"].search(substance)
    )
    score = share if decided else min(share, 0.5)
    explanation = f"answers {len(answered)} of {len(asks)} asks"
    if subject is not None:
        explanation += f"; takes up the message as a whole {subject:.0%} (cosine)"
    if parts.only_hands_off:
        explanation += "; only asks for details or sends the citizen elsewhere"
    if not decided:
        explanation += "; reports no finding, decision, yes/no or rule (held to half)"
    evidence: dict[str, object] = {
        "answered": answered,
        "not_answered": missed,
        "decision": decided.group(0) if decided else None,
        "hand_offs": [h[:80] for h in parts.hand_offs],
    }
    return DimensionScore(
        "completeness", score, config.label("completeness", score), explanation, evidence
    )


def _ask_sentence_cosines(asks: list[Ask], substance: tuple[str, ...], embedder) -> np.ndarray:
    vectors = embedder.encode([a.text[:300] for a in asks] + [s[:300] for s in substance])
    result: np.ndarray = vectors[: len(asks)] @ vectors[len(asks) :].T
    return result


def _closest(
    cosines: np.ndarray, parts: ReplyParts, config: ReplyQualityConfig
) -> tuple[float, str]:
    """``ask_match_by="cosine"``: the ask's cosine to its closest sentence about the matter (the
    substance without hand-offs, unless that is all there is), 0 at ``similarity_floor`` and 1 at
    ``similarity_ceiling``; no word overlap and no answer-kind check."""
    row = np.asarray(cosines)
    if parts.core:
        row = np.where([s not in parts.hand_offs for s in parts.substance], row, -1.0)
    best = int(np.argmax(row))
    span = config.similarity_ceiling - config.similarity_floor
    return float(np.clip((row[best] - config.similarity_floor) / span, 0, 1)), parts.substance[best]


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
