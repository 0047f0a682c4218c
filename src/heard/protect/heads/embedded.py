"""A harm head on sentence embeddings: multinomial logistic regression over the post's vector.

The rules and the ``written`` heads read words, so they learn wordings: on the blind everyday
speech set they caught 6 of 24 held-out harmful posts, each a new wording of a kind of harm
they had rules for. A head on the pipeline's sentence embedding (the vector the ``embed`` stage
already computed; nothing is embedded twice) reads what a post says more than how it says it.

Stored as two files beside each other, never as a pickle (like the sentiment and intent heads):

- ``NAME.npz`` — ``coef`` (dim, n_classes) and ``intercept`` (n_classes,), float64;
- ``NAME.json`` — name, version, classes (the labels and ``none``), one threshold per label,
  the embedder it was trained on, how it was trained, and the npz's sha256 (a mismatched pair is
  refused).

Trained by ``python -m heard.protect.train_embedded``; see ``harm_embedded.MODEL_CARD.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import ModelError
from heard.models.head_files import read_pair, write_pair
from heard.protect.heads import HEADS_DIR

DEFAULT_HEAD = "harm_embedded"
NONE = "none"
"""The class of every text that is none of the head's labels."""


@dataclass(frozen=True)
class EmbeddedHead:
    coef: np.ndarray
    """(dim, n_classes)"""
    intercept: np.ndarray
    classes: tuple[str, ...]
    thresholds: dict[str, float]
    """Per label (every class but ``none``): the probability a flag needs."""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> str:
        """``name@version``, recorded on every flag, e.g. ``harm_embedded@1``."""
        return f"{self.meta.get('name', DEFAULT_HEAD)}@{self.meta.get('version', '0')}"

    @property
    def embedder(self) -> str:
        return str(self.meta.get("embedder", ""))

    @property
    def dim(self) -> int:
        return int(self.coef.shape[0])

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c for c in self.classes if c != NONE)

    def fits(self, embedder_name: str | None) -> bool:
        """Whether vectors of ``embedder_name`` are what this head read: the same model, whatever
        its quantisation (``use-multilingual-v3@…`` in float32 or int8)."""
        if not embedder_name:
            return False
        return embedder_name.split("@")[0] == self.embedder.split("@")[0]

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, n_classes) class probabilities, columns in ``classes`` order."""
        x = np.asarray(embeddings, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ModelError(
                f"harm head {self.model} expects {self.dim}-d embeddings, got shape {x.shape}",
                f"embed with {self.embedder or 'the embedder it was trained on'}",
            )
        logits = x @ self.coef + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        result: np.ndarray = p / p.sum(axis=1, keepdims=True)
        return result

    def save(self, directory: Path = HEADS_DIR, stem: str = DEFAULT_HEAD) -> tuple[Path, Path]:
        """Write ``stem.npz`` and ``stem.json`` into ``directory``; return their paths."""
        meta = {
            **self.meta,
            "name": stem,
            "classes": list(self.classes),
            "thresholds": self.thresholds,
            "dim": self.dim,
        }
        return write_pair(directory, stem, {"coef": self.coef, "intercept": self.intercept}, meta)


@lru_cache(maxsize=4)
def load_embedded_head(directory: Path = HEADS_DIR, stem: str = DEFAULT_HEAD) -> EmbeddedHead:
    """Load ``stem.npz`` + ``stem.json``; refuse a missing, mismatched or malformed pair."""
    fix = "reinstall heard, or retrain it: python -m heard.protect.train_embedded --data DIR"
    meta, arrays = read_pair(directory, stem, "harm head", fix)
    try:
        coef, intercept = arrays["coef"], arrays["intercept"]
        classes = tuple(str(c) for c in meta["classes"])
        thresholds = {str(k): float(v) for k, v in meta["thresholds"].items()}
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ModelError(f"harm head {stem!r} in {directory} cannot be read: {exc}", fix) from exc
    meta_path = directory / f"{stem}.json"
    if (
        NONE not in classes
        or set(thresholds) != set(classes) - {NONE}
        or coef.shape != (int(meta.get("dim", -1)), len(classes))
        or intercept.shape != (len(classes),)
    ):
        raise ModelError(
            f"harm head {meta_path} does not fit this version of Heard (classes {classes}, "
            f"thresholds {sorted(thresholds)}, coef {coef.shape})",
            fix,
        )
    return EmbeddedHead(coef, intercept, classes, thresholds, meta)
