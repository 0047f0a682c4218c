"""Stage ``intent``: what each post does — complaint, suggestion, question, praise, incident report.

Assigns ``intent_label`` (one of ``heard.models.intent_rules.LABELS``; ``other`` when no cue is
found), ``intent_confidence`` in [0, 1], and ``intent_evidence`` (model name and version, the cue
weights and the words that matched: RIGHTS.md §5). Rules over the normalised text; about 0.1 ms a
post, so it can run in the ingest pipeline.

Not in ``default_stages`` yet: the store has no intent columns (the lead owns the schema). To use
it, append ``IntentStage()`` after ``normalise``.
"""

from __future__ import annotations

from typing import ClassVar

from heard.models.intent_rules import classify, model_name
from heard.pipeline.batch import Batch


class IntentStage:
    """``text_norm`` → ``intent_label``, ``intent_confidence``, ``intent_evidence``."""

    name: ClassVar[str] = "intent"
    requires: ClassVar[tuple[str, ...]] = ("text_norm",)
    assigns: ClassVar[tuple[str, ...]] = ("intent_label", "intent_confidence", "intent_evidence")

    @property
    def model(self) -> str | None:
        return model_name()

    def process(self, batch: Batch) -> Batch:
        titled = [bool(getattr(post, "title", None)) for post in batch["post"]]
        results = [
            classify(text or "", has_title) for text, has_title in zip(batch["text_norm"], titled)
        ]
        batch.set("intent_label", [r.label for r in results])
        batch.set("intent_confidence", [round(r.confidence, 4) for r in results])
        batch.set("intent_evidence", [r.evidence() for r in results])
        return batch
