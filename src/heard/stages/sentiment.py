"""Stage ``sentiment``: a score in [−1, 1], a label, and the evidence behind both.

``score = (1 − w)·head + w·lexicon`` where ``head = 2·p(positive) − 1`` from the trained head on
the post's embedding, and ``lexicon`` is VADER's compound (English) or the balance of positive and
negative words (Chinese); ``w`` is stored with the head (see its MODEL_CARD). The label is
``negative`` / ``neutral`` / ``positive`` by the two thresholds stored with the head.

Then rules read what the post *does* (``heard.models.intent_cues`` for its intent,
``heard.models.sentiment_rules`` for how it uses its words), because a message board is not a
review site: a dictionary finds 希望, 发展, 安全 in "希望尽快解决安全隐患" and calls it positive,
while the writer is asking for a hazard to be fixed. In order, the first that applies:

- **Sarcasm is negative.** A praise word in scare quotes after 真是/太/好一个 (真是太"好"了), "love
  waiting …", "another year, another …"; a smirk ([微笑], 呵呵, 🙃) beside grievance weight ≥
  ``IRONY_GRIEVANCE``, a laugh ([哈哈], 😂) beside ≥ ``LAUGH_GRIEVANCE``: capped at
  ``COMPLAINT_CAP``.
- **After a contrast, the turn decides.** 但是/可是/不过/"but" followed by grievance and no
  praise: capped (``but_grievance``); followed by praise and no grievance, in a post of at most
  ``MIXED_MAX`` characters: raised to positive (``but_praise``). Not across a Weibo repost.
- **Praise is positive.** Strong praise (表扬, 辛苦了, 点个赞, 第二天就修好了, "shout out") with no
  sentiment grievance cue, no question mark, no negative emoticon, and — unless two praise cues —
  no complaint cue: raised to the positive threshold. Thanks inside a courtesy formula
  (感谢您对…的关心, …谢谢！, "Thanks!") is not praise, nor are thanks outweighed by grievance
  (太感谢物业了，垃圾堆了十天没人清).
- **Litotes**: a negated grievance word (一点也不敷衍, "no complaints") with no other grievance:
  positive.
- **A complaint is negative unless it praises.** When the intent rules call a post a complaint or
  an incident report, with complaint/incident cue weight ≥ ``COMPLAINT_MIN[lang]`` (刺鼻, 扰民,
  谁来管, 又停水了, "still no", "nobody fixed"), or a sentiment grievance cue is found (坏了两个月,
  没人来, 打不通, 第三次, "out for three weeks", "no heat"), and the post neither praises nor
  carries a positive Weibo emoticon (unless ironic), its score is capped at ``COMPLAINT_CAP``.
- **A notice is neutral.** An announcement (【通知】, 即日起, 将于…施工, "Reminder:") with no
  complaint cue: clipped into the neutral band.
- **A question or suggestion is not praise, nor blame.** A Chinese question or suggestion not
  praising is capped just below the positive threshold; one with no grievance cue, or an English
  question asking for information ("How do I …?", not "Why …?"), is raised just above the
  negative threshold unless its lexicon score is ≤ −0.5.

``sentiment_evidence`` carries the model name and version, both parts of the score, the thresholds,
the lexicon words found, and the rule applied with its cue words (RIGHTS.md §5: every automated
label is explained).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from heard.errors import ModelError
from heard.models.intent_cues import CUES_VERSION, CueHits, find_cues
from heard.models.intent_rules import decide
from heard.models.sentiment_head import SentimentHead, load_head
from heard.models.sentiment_lexicon import SentimentLexicon
from heard.models.sentiment_rules import RULES_VERSION, Reading, scan
from heard.pipeline.batch import Batch
from heard.records import MODEL_TEXT_CHARS


def lexicon_score(hits: dict[str, Any]) -> float:
    """One number in [−1, 1] from the lexicon hits: English compound, else Chinese balance."""
    if "en" in hits and "zh" not in hits:
        return float(hits["en"]["compound"])
    if "zh" in hits and "en" not in hits:
        return float(hits["zh"]["balance"])
    if "zh" in hits and "en" in hits:
        return float(np.clip(hits["zh"]["balance"] + hits["en"]["compound"], -1.0, 1.0))
    return 0.0


COMPLAINT_MIN = {"zh": 1.0, "en": 3.0}
"""Complaint + incident cue weight needed for the complaint rule. English needs more: on TweetEval
*val* one English cue ("again", "tonight", "broken") marks chatter as often as grievance."""
COMPLAINT_CAP = -0.2
REQUEST_MARGIN = 0.01
GRIEVANCE_CUE = 1.5
"""Weight of one ``sentiment_rules`` grievance cue (坏了两个月, 没人来, "out for three weeks")."""
IRONY_GRIEVANCE = 3.0
LAUGH_GRIEVANCE = 4.0
"""Grievance weight (intent + sentiment cues) that makes a smirk ([微笑], 呵呵, 🙃) or a laugh
([哈哈], 😂) ironic: on Weibo either beside one grievance word mostly means what it shows
(weibo_senti_100k *dev*)."""
MIXED_MAX = 200
"""Longest post where praise after a contrast (…，不过第二天就修好了) lifts it: in a long letter
the turn is one episode of many (附件3)."""
_REPOST = re.compile(r"//@|\n?回复@")
_ASKS = re.compile(r"[？?]|请问|咨询|建议|希望|能否|可否|\b(?:should|could|would)\b", re.I)


def _positive_emoticon(hits: dict[str, Any]) -> bool:
    return any(w.startswith("[") for w in hits.get("zh", {}).get("positive", []))


def _lexicon_after(hits: dict[str, Any], tail: str) -> tuple[bool, bool]:
    """(a negative, a positive) lexicon word occurs in ``tail`` (the text after a contrast)."""
    tail_lower = tail.lower()
    found = {"negative": False, "positive": False}
    for lang_hits in hits.values():
        for side in found:
            for word in lang_hits.get(side, []):
                bare = word.rsplit("+", 1)[-1]
                if bare and bare in tail_lower:
                    found[side] = True
    return found["negative"], found["positive"]


def apply_rules(score: float, cues: CueHits | None, hits: dict[str, Any], lang: str,
                thresholds: tuple[float, float], reading: Reading | None = None,
                text: str = "") -> tuple[float, str | None]:  # fmt: skip
    """The rules of the module docstring, in order: the new score and the rule's name.
    ``cues`` is None when the intent cues were not scanned; ``reading`` None: rules off."""
    negative_at, positive_at = thresholds
    if reading is None:
        reading = Reading()
    grievance = (
        cues.weights["complaint"] + cues.weights["incident_report"] if cues is not None else 0.0
    )
    grieved = (cues.words["complaint"] + cues.words["incident_report"]) if cues else []
    if grieved and all(reading.inside("litotes", w) for w in grieved):
        grievance = 0.0  # 一点也不敷衍: the grievance word is negated
    extra = GRIEVANCE_CUE * len(reading.found.get("grievance", []))
    praise_words = cues.words["praise"] if cues is not None else []
    praises = bool(
        cues is not None
        and cues.praises
        and extra < cues.praise  # 太感谢物业了，垃圾堆了十天没人清: thanks that blame
        and not all(reading.inside("courtesy", w) for w in praise_words)
    ) or reading.has("praise")
    irony = (
        (reading.has("irony") and grievance + extra >= IRONY_GRIEVANCE)
        or (reading.has("laugh") and grievance + extra >= LAUGH_GRIEVANCE)
        or (reading.has("quoted") and grievance + extra >= GRIEVANCE_CUE)
    )
    if reading.has("sarcasm") or irony:
        return _at_most(score, COMPLAINT_CAP, "sarcasm")
    cut = reading.contrast_at()
    repost = _REPOST.search(text)
    if cut is not None and text and not (repost and repost.start() < cut):
        tail = find_cues(text[cut:])
        bad_words, good_words = _lexicon_after(hits, text[cut:])
        bad = (
            reading.after("grievance", cut)
            or tail.complaint >= 1.0
            or (bad_words and not good_words)
        )
        good = reading.after("praise", cut) or tail.praises or (good_words and not bad_words)
        if bad and not good:
            return _at_most(score, COMPLAINT_CAP, "but_grievance")
        short = len(text) <= MIXED_MAX
        if short and good and not bad and (reading.after("praise", cut) or tail.praises):
            return _at_least(score, positive_at, "but_praise")
    intent = decide(cues)[0] if cues is not None else None
    strong = reading.has("praise") or (cues is not None and cues.praise >= 3.0)
    if (
        strong
        and praises
        and extra == 0
        and not hits_negative_emoticon(hits)
        and "？" not in text
        and "?" not in text
        and (grievance == 0 or len(reading.found.get("praise", [])) >= 2)
        and (
            intent not in ("complaint", "question", "incident_report")
            or len(reading.found.get("praise", [])) >= 2
        )
    ):
        return _at_least(score, positive_at, "praise")
    if reading.has("litotes") and grievance == 0 and extra == 0:
        return _at_least(score, positive_at, "litotes")
    if cues is None:
        return score, None
    emoticon = _positive_emoticon(hits)
    if not praises and (not emoticon or irony):
        complaint = intent in ("complaint", "incident_report") and grievance >= COMPLAINT_MIN.get(
            lang, 1.5
        )
        if complaint or extra >= GRIEVANCE_CUE:
            return _at_most(score, COMPLAINT_CAP, "complaint")
    neutral = float(np.clip(score, negative_at + REQUEST_MARGIN, positive_at - REQUEST_MARGIN))
    calm = grievance == 0 and extra == 0 and not praises
    quiet = cues.weights["complaint"] == 0 and extra == 0 and not praises
    if reading.has("notice") and quiet and not hits_negative_emoticon(hits):
        return (neutral, "notice") if neutral != score else (score, None)
    if intent in ("question", "suggestion"):
        if "zh" in hits and score >= positive_at and not cues.praises and not emoticon:
            return positive_at - REQUEST_MARGIN, intent
        asks = "zh" in hits or reading.has("asks")
        if calm and asks and score <= negative_at and lexicon_score(hits) > -0.5:
            return neutral, intent
    return score, None


def _at_most(score: float, cap: float, rule: str) -> tuple[float, str | None]:
    return (cap, rule) if score > cap else (score, None)


def _at_least(score: float, floor: float, rule: str) -> tuple[float, str | None]:
    return (floor, rule) if score < floor else (score, None)


def hits_negative_emoticon(hits: dict[str, Any]) -> bool:
    return any(w.startswith("[") for w in hits.get("zh", {}).get("negative", []))


def _may_lift(reading: Reading) -> bool:
    return any(reading.has(k) for k in ("praise", "thanks", "litotes", "notice", "contrast"))


def _rule_cues(rule: str | None, cues: CueHits | None, reading: Reading | None) -> dict:
    """The cue words behind ``rule``: the intent cues found, and the sentiment cues."""
    if not rule:
        return {}
    out: dict[str, list[str]] = {k: v for k, v in cues.words.items() if v} if cues else {}
    if reading is not None:
        out.update({f"sentiment:{k}": v for k, v in reading.summary().items()})
    return out


class SentimentScorer:
    """Head + lexicon → scores, labels and evidence, for texts whose embeddings are known."""

    def __init__(self, head: SentimentHead | None = None, lexicon: SentimentLexicon | None = None,
                 rules: bool = True):  # fmt: skip
        self.head = head or load_head()
        self.lexicon = lexicon or SentimentLexicon()
        self.weight = float(self.head.meta.get("lexicon_weight", 0.0))
        self.rules = rules
        """``False``: the blended score alone (for ablations; the shipped stage applies them)."""

    def score(
        self, embeddings: np.ndarray, texts: list[str], tokens: list[list[str]], langs: list[str]
    ) -> tuple[np.ndarray, list[str], list[dict[str, Any]]]:
        head_scores = self.head.score(embeddings)
        hits = [self.lexicon.evidence(t, tok, lang) for t, tok, lang in zip(texts, tokens, langs)]
        lex = np.array([lexicon_score(h) for h in hits], dtype=np.float64)
        blended = np.clip((1.0 - self.weight) * head_scores + self.weight * lex, -1.0, 1.0)
        # The sentiment cues (one regex per script) are read on every post; the intent cues only
        # where a rule could use them: a post above the complaint cap, or one these cues say may
        # be lifted (praise, litotes, a notice, a contrast) or that asks (a question, a proposal).
        readings = [scan(t) if self.rules else None for t in texts]
        cues = [
            find_cues(t)
            if r is not None and (b > COMPLAINT_CAP or _may_lift(r) or _ASKS.search(t))
            else None
            for t, b, r in zip(texts, blended, readings)
        ]
        thresholds = (self.head.negative_at_or_below, self.head.positive_at_or_above)
        rows = zip(blended, cues, hits, langs, readings, texts)
        ruled = [apply_rules(float(b), c, h, lang, thresholds, r, t)
                 for b, c, h, lang, r, t in rows]  # fmt: skip
        scores = np.array([r[0] for r in ruled], dtype=np.float64)
        labels = self.head.label(scores)
        evidence = [
            {
                "model": self.head.name,
                "score": round(float(s), 4),
                "label": label,
                "thresholds": self.head.thresholds,
                "head_score": round(float(h), 4),
                "lexicon_score": round(float(x), 4),
                "lexicon_weight": self.weight,
                "lexicon": self.lexicon.name,
                "hits": hit,
                "blended_score": round(float(b), 4),
                "rule": rule,
                "rule_cues": _rule_cues(rule, c, r),
                "rules": f"heard-intent-cues@{CUES_VERSION}+heard-sentiment-rules@{RULES_VERSION}",
            }
            for s, label, h, x, hit, b, (_, rule), c, r in zip(
                scores, labels, head_scores, lex, hits, blended, ruled, cues, readings
            )
        ]
        return scores, labels, evidence


def _leading_tokens(tokens: list[str]) -> list[str]:
    """The tokens of about the first ``MODEL_TEXT_CHARS`` characters."""
    total = 0
    for i, token in enumerate(tokens):
        total += len(token) + 1
        if total > MODEL_TEXT_CHARS:
            return tokens[:i]
    return tokens


class SentimentStage:
    """``embedding`` + ``lang`` + ``tokens`` → ``sentiment_score``, ``sentiment_label``,
    ``sentiment_evidence``."""

    name: ClassVar[str] = "sentiment"
    requires: ClassVar[tuple[str, ...]] = ("embedding", "lang", "tokens")
    assigns: ClassVar[tuple[str, ...]] = (
        "sentiment_score",
        "sentiment_label",
        "sentiment_evidence",
    )

    def __init__(self, scorer: SentimentScorer | None = None, embedder_name: str | None = None):
        self.scorer = scorer or SentimentScorer()
        trained_on = self.scorer.head.embedder
        if embedder_name and trained_on and embedder_name.split("@")[0] != trained_on.split("@")[0]:
            raise ModelError(
                f"the sentiment head {self.scorer.head.name} was trained on {trained_on} "
                f"embeddings, "
                f"but this pipeline embeds with {embedder_name}",
                "use embedder 'use-int8' or 'use', or train a head for this embedder: heard train "
                "sentiment --embedder SPEC",
            )

    @property
    def model(self) -> str | None:
        return self.scorer.head.name

    def process(self, batch: Batch) -> Batch:
        texts = batch["text_norm"] if "text_norm" in batch else batch["text"]
        # the lexicon reads what the embedder read (MODEL_TEXT_CHARS), so both halves of a score,
        # and its evidence, are about the same text
        texts = [t[:MODEL_TEXT_CHARS] for t in texts]
        tokens = [_leading_tokens(tok) for tok in batch["tokens"]]
        scores, labels, evidence = self.scorer.score(
            batch["embedding"], texts, tokens, batch["lang"]
        )
        batch.set("sentiment_score", [float(s) for s in scores])
        batch.set("sentiment_label", labels)
        batch.set("sentiment_evidence", evidence)
        return batch
