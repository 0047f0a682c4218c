"""Stage ``intent``: what each post does — complaint, suggestion, question, praise, incident report.

Assigns ``intent_label`` (one of ``heard.models.intent_rules.LABELS``), ``intent_confidence`` in
[0, 1] (the head's probability of that label), and ``intent_evidence`` (model name and version,
the class probabilities, the rules' label, and the cue weights and words that matched: RIGHTS.md
§5).

The model is the intent head (``heard.models.intent_head``): a logistic regression over the
embedding the ``embed`` stage already computed (nothing is embedded twice) and the cue scan of
``heard.models.intent_cues`` (with the hand-written rules' label as one of its features). About
0.1 ms a post beyond the cue scan; see ``heads/intent.MODEL_CARD.md``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from heard.errors import ModelError
from heard.models.intent_cues import CueHits, find_cues
from heard.models.intent_head import IntentHead, cue_block, load_intent_head, rules_label
from heard.pipeline.batch import Batch

EVIDENCE_MIN_PROBABILITY = 0.01
"""Class probabilities below this are left out of the evidence."""


class IntentStage:
    """``text_norm`` + ``embedding`` → ``intent_label``, ``intent_confidence``,
    ``intent_evidence``."""

    name: ClassVar[str] = "intent"
    requires: ClassVar[tuple[str, ...]] = ("text_norm", "embedding")
    assigns: ClassVar[tuple[str, ...]] = ("intent_label", "intent_confidence", "intent_evidence")

    def __init__(self, head: IntentHead | None = None, embedder_name: str | None = None):
        self.head = head or load_intent_head()
        trained_on = self.head.embedder
        if embedder_name and trained_on and embedder_name.split("@")[0] != trained_on.split("@")[0]:
            raise ModelError(
                f"the intent head {self.head.name} was trained on {trained_on} embeddings, but "
                f"this pipeline embeds with {embedder_name}",
                "use embedder 'use-int8' or 'use', or retrain it: "
                "python -m heard.models.train_intent --embedder SPEC --out DIR",
            )

    @property
    def model(self) -> str | None:
        return self.head.name

    def process(self, batch: Batch) -> Batch:
        titled = [bool(getattr(post, "title", None)) for post in batch["post"]]
        texts = [text or "" for text in batch["text_norm"]]
        hits = [find_cues(text) for text in texts]
        blocks = [cue_block(h, t) for h, t in zip(hits, titled)]
        probabilities = self.head.probabilities(batch["embedding"], blocks)
        best = probabilities.argmax(axis=1)
        labels = [self.head.classes[i] for i in best]
        confidence = [round(float(p[i]), 4) for p, i in zip(probabilities, best)]
        batch.set("intent_label", labels)
        batch.set("intent_confidence", confidence)
        batch.set(
            "intent_evidence",
            [
                self._evidence(label, c, p, h, b)
                for label, c, p, h, b in zip(labels, confidence, probabilities, hits, blocks)
            ],
        )
        return batch

    def _evidence(self, label: str, confidence: float, probabilities: np.ndarray, hits: CueHits,
                  block: np.ndarray) -> dict[str, Any]:  # fmt: skip
        return {
            "model": self.head.name,
            "label": label,
            "confidence": round(confidence, 3),
            "probabilities": {
                k: round(float(p), 3)
                for k, p in zip(self.head.classes, probabilities)
                if p >= EVIDENCE_MIN_PROBABILITY
            },
            "rules_label": rules_label(block),
            "weights": {k: round(v, 2) for k, v in hits.weights.items() if v},
            "cues": {k: v for k, v in hits.words.items() if v},
        }
