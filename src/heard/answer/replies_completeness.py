"""Completeness: is each thing the message asks answered?

The message is split into its asks (``split_asks``: questions, request clauses, numbered
points); each ask is looked for in the reply, sentence by sentence, and judged on its own:

* **answered** — a sentence about the matter (not a hand-off) takes the ask up (shared words,
  or with an embedder a close cosine) and the passage around it carries an answer of the ask's
  kind: a date for *when*, a reason for *why*, a finding, decision, yes/no or rule for a
  *whether*, a request or a numbered point;
* **only promised** — taken up, but the passage only promises or defers (将进一步…, 待…后,
  正在研究) and has no answer of the ask's kind: it counts ``ask_promise_credit`` of its match;
* **taken up, no answer of its kind** — no promise either: ``ask_unsettled_credit`` of its match;
* **handed off** — the only sentences that take it up ask the citizen for details or send them
  elsewhere (请提供…, 请致电…), which answers a *who* or *how* ask and nothing else;
* **not taken up** — no sentence of the reply is about it.

The score is the share of asks answered (each ask 0–1), averaged with the worst-answered ask so
that an ignored ask costs more than its share; the explanation lists every ask with its verdict
and the reply sentence that answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from heard.answer.replies_cues import ANSWER_CUES, ELEMENTS, OUTCOME
from heard.answer.replies_text import Ask, ReplyParts, content_bigrams, split_asks, split_reply
from heard.answer.replies_types import (
    DimensionScore,
    ReplyQualityConfig,
    clip,
    form_letter_score,
)
from heard.errors import InputError

# a passage that only promises or defers: "will further strengthen", "once the tests are back"
PROMISE = re.compile(
    r"将(?:进一步|继续|加强|积极|认真|及时|尽快|研究|协调|督促|依法|严格|加大|持续|全力|努力"
    r"|会同|适时|考虑)|会认真|待[^。，,]{1,24}后|正在(?:研究|协调|调查|核实|办理|推进|进行|制定)"
    r"|研究(?:解决|处理)|进一步研究|择机|适时|逐步|争取|高度重视"
    r"|\bwill (look into|consider|review|study)\b",
    re.I,
)
# what settles an ask besides a finding (OUTCOME), a yes/no or a rule: a decision (采纳, 不宜,
# 予以), a fact already done (已…, other than a receipt or referral), a dated or concrete
# commitment (将于5月…, 将增设…), a consequence drawn (因此, 故)
SETTLED = re.compile(
    r"已(?!收悉|收到|转|交|移|阅)|采纳|不宜|不适宜|适宜|予以|不予|批准|驳回|暂缓|取消|因此|故[^意障事]"
    r"|将(?:于|在)[^。，,]{0,20}(?:\d|前|底|内|完成|实施|开工|安装|增设|建设)"
    r"|将(?:增设|安装|修复|更换|拆除|新建|建设|实施|开工|调整|开通|设置|纳入|列入|安排|补发|退还)"
    r"|\bwill (be )?(fixed|replaced|repaired|installed|completed|opened)\b",
    re.I,
)
# kinds of ask that a hand-off can answer: "who do I call" — "call the housing desk on …"
_HAND_OFF_ANSWERS = ("who", "how")
_LISTED = 8  # asks listed in the explanation


@dataclass(frozen=True)
class AskVerdict:
    """One ask and what the reply does with it."""

    ask: Ask
    value: float  # 0–1: how far the reply answers it
    status: str  # answered | vague | handed off | not taken up
    sentence: str = ""  # the reply sentence that takes it up, if any
    index: int = 0  # that sentence's place among the reply's substance sentences (1-based)

    def as_dict(self, n: int) -> dict[str, object]:
        entry: dict[str, object] = {
            "n": n,
            "ask": clip(self.ask.text, 80),
            "kind": self.ask.kind,
            "match": round(self.value, 3),
            "status": self.status,
        }
        if self.sentence:
            entry["answer" if self.status == "answered" else "closest"] = clip(self.sentence, 80)
            entry["reply_sentence"] = self.index
        return entry


def score_completeness(
    title: str,
    body: str,
    reply: str,
    *,
    embedder: Any = None,
    similarity: float | None = None,
    config: ReplyQualityConfig | None = None,
) -> DimensionScore:
    """Is each thing the message asks answered? Each ask (``split_asks``) gets a verdict —
    answered, vague, handed off or not taken up (see the module) — and a value 0–1; coverage is
    the average of the mean over asks and the worst-answered ask. With ``similarity`` (the
    message–reply cosine of ``message_reply_similarity``) the score is
    ``completeness_subject_weight`` of that cosine — does the reply take up the message as a
    whole — and the rest coverage. A reply with no finding, decision, yes/no or rule at all is
    held to half; one that only hands the matter off gets ``hand_off_factor`` of its score."""
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
    verdicts = [
        judge_ask(ask, parts, title, None if cosines is None else cosines[n], config)
        for n, ask in enumerate(asks)
    ]
    points = [v.value for v in verdicts]
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
    decided = _settling(substance, config)
    score = share if decided else min(share, 0.5)
    answered = [v.as_dict(n) for n, v in enumerate(verdicts, 1) if v.status == "answered"]
    missed = [v.as_dict(n) for n, v in enumerate(verdicts, 1) if v.status != "answered"]
    lines = [_line(n, v) for n, v in enumerate(verdicts, 1)]
    if len(lines) > _LISTED:  # every ask stays in the evidence
        lines = lines[:_LISTED] + [f"{len(lines) - _LISTED} more asks in the evidence"]
    explanation = f"answers {len(answered)} of {len(asks)} asks: " + "; ".join(lines)
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
        "hand_offs": [clip(h, 80) for h in parts.hand_offs],
    }
    return DimensionScore(
        "completeness", score, config.label("completeness", score), explanation, evidence
    )


def _settling(text: str, config: ReplyQualityConfig) -> re.Match[str] | None:
    """The first finding, decision, yes/no or rule in a text (a match), or None."""
    for pattern in (OUTCOME, ANSWER_CUES["yes_no"], ELEMENTS["rule"]):
        if found := pattern.search(text):
            return found
    return SETTLED.search(text) if config.ask_settled_cues else None


def settles(text: str, config: ReplyQualityConfig) -> bool:
    """Does a passage settle an ask: a finding, a decision, a yes/no, a rule, a fact already done
    or a concrete commitment (``SETTLED``)?"""
    return _settling(text, config) is not None


def _line(n: int, v: AskVerdict) -> str:
    ask = v.ask.text if len(v.ask.text) <= 24 else clip(v.ask.text, 23) + "…"
    if v.status == "not taken up":
        return f"ask {n} «{ask}» not taken up"
    where = f"reply sentence {v.index}"
    return f"ask {n} «{ask}» {v.status} ({where})"


def judge_ask(
    ask: Ask,
    parts: ReplyParts,
    title: str,
    cosines: np.ndarray | None,
    config: ReplyQualityConfig,
) -> AskVerdict:
    """The verdict on one ask: the reply sentence that takes it up best and whether the passage
    around it answers it (see the module). ``cosines``: the ask's cosine to each substance
    sentence, or None without an embedder."""
    usable = np.array(
        [s not in parts.hand_offs or ask.kind in _HAND_OFF_ANSWERS for s in parts.substance]
    )
    if not usable.any():
        best = 0
        return AskVerdict(ask, 0.0, "handed off", parts.substance[best], best + 1)
    if cosines is not None and len(cosines) and config.ask_match_by == "cosine":
        span = config.similarity_ceiling - config.similarity_floor
        match = np.clip((np.asarray(cosines) - config.similarity_floor) / span, 0, 1)
        match = np.where(usable, match, -1.0)
        best = int(np.argmax(match))
        status = "answered" if match[best] >= 0.5 else "not taken up"
        return AskVerdict(ask, float(match[best]), status, parts.substance[best], best + 1)
    match = _match(ask, parts, title, cosines, config)
    if ask.kind in _HAND_OFF_ANSWERS:  # "call the housing desk on …" takes up "whom do I ask"
        pointer = [
            s in parts.hand_offs and bool(ELEMENTS["contact"].search(s)) for s in parts.substance
        ]
        match = np.where(pointer, np.maximum(match, config.ask_subject_credit), match)
    match = np.where(usable, match, -1.0)
    best = int(np.argmax(match))
    sentence = parts.substance[best]
    if match[best] <= 0:
        hand = any(s in parts.hand_offs for s in parts.substance)
        return AskVerdict(ask, 0.0, "handed off" if hand and not parts.core else "not taken up")
    # a short reply answers as a whole; a long one in the passage around the matching sentence
    window = parts.substance_text if len(parts.substance) <= 3 else _around(best, parts.substance)
    if ask.kind in ("request", "implicit", "question", "point"):
        kind_ok = settles(window, config)
    else:
        kind_ok = bool(ANSWER_CUES[ask.kind].search(window))
    promise = not kind_ok and PROMISE.search(window)
    credit = config.ask_promise_credit if promise else config.ask_unsettled_credit
    value = float(match[best]) * (1.0 if kind_ok else credit)
    if value >= 0.5 and kind_ok:
        status = "answered"
    elif sentence in parts.hand_offs:
        status = "handed off"
    elif match[best] < 0.4:
        status = "not taken up"
    else:
        status = "only promised" if promise else "taken up, no answer of its kind"
    return AskVerdict(ask, value, status, sentence, best + 1)


def _match(
    ask: Ask,
    parts: ReplyParts,
    title: str,
    cosines: np.ndarray | None,
    config: ReplyQualityConfig,
) -> np.ndarray:
    """How closely each substance sentence takes the ask up (0–1): the better of word overlap
    (shared bigrams / the ask's, full at ``ask_overlap_full``) and, with an embedder, the cosine
    (0 at ``ask_match_cosine`` − 0.2, full at ``ask_match_cosine`` + ``ask_cosine_above``)."""
    ask_grams = content_bigrams(ask.text) or content_bigrams(title)
    title_grams = content_bigrams(title)
    sentence_grams = [content_bigrams(s) for s in parts.substance]
    overlaps = np.array(
        [len(ask_grams & g) / max(1, min(len(ask_grams), 12)) for g in sentence_grams]
    )
    match = np.clip(overlaps / config.ask_overlap_full, 0, 1)
    # a sentence about the message's subject (the title's words) answers an ask at most
    # ``ask_subject_credit`` on words alone: "路灯已于3月5日更换" answers "什么时候能修好" without
    # sharing a word with it (not for yes/no and "who" asks, whose answers name their own object)
    if title_grams and ask.kind not in ("yes_no", "who") and config.ask_subject_credit > 0:
        on_subject = np.array(
            [len(title_grams & g) / min(len(title_grams), 12) for g in sentence_grams]
        )
        match = np.maximum(
            match,
            config.ask_subject_credit * np.clip(on_subject / config.ask_overlap_full, 0, 1),
        )
    if cosines is not None and len(cosines):
        low = config.ask_match_cosine - 0.2
        match = np.maximum(
            match, np.clip((np.asarray(cosines) - low) / (0.2 + config.ask_cosine_above), 0, 1)
        )
    return match


def _ask_sentence_cosines(asks: list[Ask], substance: tuple[str, ...], embedder: Any) -> np.ndarray:
    vectors = embedder.encode([a.text[:300] for a in asks] + [s[:300] for s in substance])
    result: np.ndarray = vectors[: len(asks)] @ vectors[len(asks) :].T
    return result


def _around(i: int, substance: tuple[str, ...]) -> str:
    return "".join(substance[max(0, i - 1) : i + 2])
