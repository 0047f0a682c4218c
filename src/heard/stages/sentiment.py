"""Stage ``sentiment``: a score in [−1, 1], a label, and the evidence behind both.

``score = (1 − w)·head + w·lexicon`` where ``head = 2·p(positive) − 1`` from the trained head on
the post's embedding, and ``lexicon`` is VADER's compound (English) or the balance of positive and
negative words (Chinese); ``w`` is stored with the head (see its MODEL_CARD). The label is
``negative`` / ``neutral`` / ``positive`` by the two thresholds stored with the head.

Then two rules read what the post *does* (``heard.models.intent_cues``), because a message board
is not a review site: a dictionary finds 希望, 发展, 安全 in "希望尽快解决安全隐患" and calls it
positive, while the writer is asking for a hazard to be fixed.

- **A complaint is negative unless it praises.** When the intent rules call a post a complaint or
  an incident report, with complaint/incident cue weight ≥ ``COMPLAINT_MIN[lang]`` (刺鼻, 扰民,
  谁来管, 又停水了, "still no", "nobody fixed"), and the post neither praises (表扬, 点赞, thank
  you for …) nor carries a positive Weibo emoticon, its score is capped at ``COMPLAINT_CAP``.
- **A Chinese question or suggestion is not praise.** A post the rules call a question or a
  suggestion, scored by the Chinese lexicon and not praising, is capped just below the positive
  threshold (neutral at most). English is left to VADER, which has no such neutral words.

``sentiment_evidence`` carries the model name and version, both parts of the score, the thresholds,
the lexicon words found, and the rule applied with its cue words (RIGHTS.md §5: every automated
label is explained).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from heard.errors import ModelError
from heard.models.intent_cues import CUES_VERSION, CueHits, find_cues
from heard.models.intent_rules import decide
from heard.models.sentiment_head import SentimentHead, load_head
from heard.models.sentiment_lexicon import SentimentLexicon
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


def _positive_emoticon(hits: dict[str, Any]) -> bool:
    return any(w.startswith("[") for w in hits.get("zh", {}).get("positive", []))


def apply_rules(score: float, cues: CueHits | None, hits: dict[str, Any], lang: str,
                positive_at: float) -> tuple[float, str | None]:  # fmt: skip
    """The complaint and request rules (module docstring): the new score and the rule's name.
    ``cues`` is None when they were not scanned (the rules could not change ``score``)."""
    if cues is None or cues.praises or _positive_emoticon(hits):
        return score, None
    intent, _confidence = decide(cues)
    grievance = cues.weights["complaint"] + cues.weights["incident_report"]
    if intent in ("complaint", "incident_report") and grievance >= COMPLAINT_MIN.get(lang, 1.5):
        return (min(score, COMPLAINT_CAP), "complaint") if score > COMPLAINT_CAP else (score, None)
    if intent in ("question", "suggestion") and "zh" in hits and score >= positive_at:
        return positive_at - REQUEST_MARGIN, intent
    return score, None


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
        # A post already at or below the complaint cap cannot be changed by either rule: skip
        # its cue scan (a third of message-board posts, most of the cost on long letters).
        cues = [
            find_cues(t) if self.rules and b > COMPLAINT_CAP else None
            for t, b in zip(texts, blended)
        ]
        ruled = [apply_rules(float(b), c, h, lang, self.head.positive_at_or_above)
                 for b, c, h, lang in zip(blended, cues, hits, langs)]  # fmt: skip
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
                "rule_cues": ({k: v for k, v in c.words.items() if v} if rule and c else {}),
                "rules": f"heard-intent-cues@{CUES_VERSION}",
            }
            for s, label, h, x, hit, b, (_, rule), c in zip(
                scores, labels, head_scores, lex, hits, blended, ruled, cues
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
