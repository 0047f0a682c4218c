"""Stage ``harm``: every detector over a batch → a ``flags`` column (a list of flags per post).

Each flag is a plain dict (``Flag.as_dict``): label, score, threshold, detector, version, the
rule, the matched terms with spans, details (head scores, the n-grams that drove them) and the
nearest written taxonomy examples of that label, positive and negative
(``heard.protect.nearest``). When several detectors flag the same label for a post, the one with
the highest score is kept and the others are listed under ``also`` (with their scores under
``seconded_by``: automation needs two independent detectors). The stage decides nothing:
flags are proposals for review, except that spam and scams may be actioned automatically later
(RIGHTS.md §5).

It reads the raw ``text`` (not ``text_norm``: evidence spans must point into what the author
wrote), so it can run at any point of the pipeline. After the ``embed`` stage it also reads the
batch's ``embedding``: the ``harm_embedded`` head (``detectors.embedded_head``, review only) runs
when the pipeline's embedder is the one it was trained on.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from heard.pipeline.batch import Batch
from heard.protect.automation import second_opinion
from heard.protect.detectors import Detector, Flag, default_detectors
from heard.protect.detectors.embedded_head import EmbeddedHeadDetector
from heard.protect.detectors.fold import TextForm
from heard.protect.nearest import nearest_examples
from heard.protect.taxonomy import load_taxonomy


def _rank(f: Flag) -> tuple[bool, float]:
    """A review-only flag (``details["review_only"]``) never displaces another detector's flag of
    the same label, whatever its score: it would turn an actionable flag into one for review."""
    return (not f.details.get("review_only", False), f.score)


def merge_flags(per_detector: list[list[Flag]]) -> list[dict[str, Any]]:
    """One flag per label (the highest score; review-only flags last), the others under ``also``
    (their detectors) and ``seconded_by`` (their scores: what ``heard.protect.automation`` reads
    to see whether two independent detectors agree)."""
    best: dict[str, Flag] = {}
    others: dict[str, list[Flag]] = {}
    for flags in per_detector:
        for f in flags:
            current = best.get(f.label)
            if current is None or _rank(f) > _rank(current):
                if current is not None:
                    others.setdefault(f.label, []).append(current)
                best[f.label] = f
            else:
                others.setdefault(f.label, []).append(f)
    out = []
    for label, flag in sorted(best.items(), key=lambda kv: -kv[1].score):
        d = flag.as_dict()
        if others.get(label):
            d["also"] = [o.detector for o in others[label]]
            d["seconded_by"] = [second_opinion(o.as_dict()) for o in others[label]]
        out.append(d)
    return out


class HarmStage:
    """``text`` (and ``embedding`` when the batch has it) → ``flags``.

    ``embedder_name``: the pipeline's embedder; the embedding head runs only when it is the one
    the head was trained on (None: no embedding head, as for a text-only re-scan)."""

    name: ClassVar[str] = "harm"
    requires: ClassVar[tuple[str, ...]] = ("text",)
    assigns: ClassVar[tuple[str, ...]] = ("flags",)

    def __init__(
        self,
        detectors: list[Detector] | None = None,
        nearest: int = 2,
        embedder_name: str | None = None,
    ):
        self.detectors = detectors if detectors is not None else default_detectors()
        self.nearest = nearest
        self.vector_detector: EmbeddedHeadDetector | None = None
        if embedder_name and detectors is None:
            head = EmbeddedHeadDetector()
            self.vector_detector = head if head.fits(embedder_name) else None
        self.taxonomy_version = load_taxonomy().version
        # Warm up now, while models load: the heads import sklearn on first use (~3 s), which
        # would otherwise land in the first batch and count against ingest throughput.
        self.flag_texts(["WIN a prize! txt CLAIM to 80082 for £100, www.example.com", "你好"])

    @property
    def model(self) -> str | None:
        parts = sorted({f"{getattr(d, 'detector', d.name)}@{d.version}" for d in self.detectors})
        if self.vector_detector is not None:
            parts.append(f"{self.vector_detector.name}@{self.vector_detector.version}")
        return f"harm-taxonomy@{self.taxonomy_version}[" + ",".join(parts) + "]"

    def flag_texts(
        self, texts: list[str], vectors: np.ndarray | None = None
    ) -> list[list[dict[str, Any]]]:
        """Each text's merged flags; ``vectors`` (the texts' embeddings, in order) add the
        embedding head's when the stage has one."""
        forms = [TextForm(t) for t in texts]  # each text lower-cased and folded once, shared
        results = [d.detect(texts, forms) for d in self.detectors]
        if self.vector_detector is not None and vectors is not None and len(texts):
            results.append(self.vector_detector.detect_vectors(texts, vectors))
        out = [merge_flags([r[i] for r in results]) for i in range(len(texts))]
        if self.nearest:
            for text, flags in zip(texts, out):
                for flag in flags:
                    flag["nearest_examples"] = nearest_examples(text, flag["label"], self.nearest)
        return out

    def process(self, batch: Batch) -> Batch:
        vectors = batch["embedding"] if "embedding" in batch else None
        batch.set("flags", self.flag_texts([t or "" for t in batch["text"]], vectors))
        return batch
