"""The intent head: multinomial logistic regression on the post's embedding + its intent cues.

Features of one post (``features``): the pipeline's embedding (the vector the ``embed`` stage
already computed; nothing is embedded twice), then a small block read from the cue scan
(``heard.models.intent_cues``): ``log1p`` of each intent's cue weight, whether the post has a
title, whether it praises, whether it speaks of a standing hazard or repeated events, and the
rules' label (``heard.models.intent_rules.decide``) one-hot — the hand-written rules act as a
prior the head can overrule. The block is multiplied by ``cue_scale`` (stored with the head).

Stored as two files beside each other, never as a pickle (like the sentiment head):

- ``intent.npz`` — ``coef`` (n_features, n_classes) and ``intercept`` (n_classes,), float64;
- ``intent.json`` — name, version, classes, the embedder it was trained on, the feature layout,
  how it was trained, and the npz's sha256 (a mismatched pair is refused).

Trained by ``heard.models.train_intent`` only on examples written for Heard
(``heads/intent_examples*.tsv``). See ``heads/intent.MODEL_CARD.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import ModelError
from heard.models.intent_cues import INTENTS, CueHits
from heard.models.intent_rules import LABELS, decide
from heard.models.head_files import read_pair, write_pair
from heard.models.sentiment_head import HEADS_DIR

DEFAULT_HEAD = "intent"
CUE_FEATURES = (
    *(f"log1p_cue_{k}" for k in INTENTS),
    "titled",
    "praises",
    "recurring",
    *(f"rule_{k}" for k in LABELS),
)
"""Names of the cue block's columns, in order (after the embedding's ``dim`` columns)."""


def cue_block(hits: CueHits, titled: bool) -> np.ndarray:
    """The cue features of one post (``CUE_FEATURES``), before ``cue_scale``."""
    rule = decide(hits, titled)[0]
    return np.array(
        [np.log1p(hits.weights[k]) for k in INTENTS]
        + [float(titled), float(hits.praises), float(hits.recurring)]
        + [float(rule == k) for k in LABELS],
        dtype=np.float64,
    )


def rules_label(block: np.ndarray) -> str:
    """The rules' label that ``cue_block`` encoded (its one-hot tail)."""
    return LABELS[int(np.argmax(block[-len(LABELS) :]))]


@dataclass
class IntentHead:
    coef: np.ndarray
    """(dim + len(CUE_FEATURES), n_classes)"""
    intercept: np.ndarray
    classes: tuple[str, ...]
    cue_scale: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``model@version`` recorded beside every label, e.g. ``heard-intent-head@2.0``."""
        return f"{self.meta.get('name', 'heard-intent-head')}@{self.meta.get('version', '0')}"

    @property
    def embedder(self) -> str:
        return str(self.meta.get("embedder", ""))

    @property
    def dim(self) -> int:
        return int(self.coef.shape[0]) - len(CUE_FEATURES)

    def features(self, embeddings: np.ndarray, cues: list[np.ndarray]) -> np.ndarray:
        """Embedding rows (n, dim) beside each post's ``cue_block`` (scaled)."""
        x = np.asarray(embeddings, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ModelError(
                f"intent head {self.name} expects {self.dim}-d embeddings, got shape {x.shape}",
                f"embed with {self.embedder or 'the embedder it was trained on'}",
            )
        block = np.vstack(cues) if cues else np.zeros((0, len(CUE_FEATURES)))
        return np.hstack([x, self.cue_scale * block])

    def probabilities(self, embeddings: np.ndarray, cues: list[np.ndarray]) -> np.ndarray:
        """(n, n_classes) class probabilities, columns in ``classes`` order."""
        logits = self.features(embeddings, cues) @ self.coef + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        result: np.ndarray = p / p.sum(axis=1, keepdims=True)
        return result

    def save(self, directory: Path, stem: str = DEFAULT_HEAD) -> tuple[Path, Path]:
        """Write ``stem.npz`` and ``stem.json`` into ``directory``; return their paths."""
        meta = {
            **self.meta,
            "classes": list(self.classes),
            "cue_scale": self.cue_scale,
            "cue_features": list(CUE_FEATURES),
            "dim": self.dim,
        }
        return write_pair(directory, stem, {"coef": self.coef, "intercept": self.intercept}, meta)


def load_intent_head(directory: Path = HEADS_DIR, stem: str = DEFAULT_HEAD) -> IntentHead:
    """Load ``stem.npz`` + ``stem.json``; refuse a missing, mismatched or malformed pair."""
    fix = "reinstall heard, or retrain it: python -m heard.models.train_intent --out DIR"
    meta, arrays = read_pair(directory, stem, "intent head", fix)
    try:
        coef, intercept = arrays["coef"], arrays["intercept"]
        classes = tuple(str(c) for c in meta["classes"])
        cue_scale = float(meta["cue_scale"])
        layout = list(meta["cue_features"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"intent head {stem!r} in {directory} cannot be read: {exc}", fix) from exc
    meta_path = directory / f"{stem}.json"
    if (
        not set(classes) <= set(LABELS)
        or layout != list(CUE_FEATURES)
        or coef.shape != (int(meta.get("dim", -1)) + len(CUE_FEATURES), len(classes))
        or intercept.shape != (len(classes),)
    ):
        raise ModelError(
            f"intent head {meta_path} does not fit this version of Heard (classes {classes}, "
            f"coef {coef.shape}, cue features {layout})",
            fix,
        )
    return IntentHead(coef, intercept, classes, cue_scale, meta)
