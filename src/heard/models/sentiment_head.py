"""The sentiment head: logistic regression on sentence embeddings → p(positive).

Stored as two files beside each other, never as a pickle:

- ``NAME.npz``  — ``coef`` (dim,) and ``intercept`` (1,), float64 (``np.load(allow_pickle=False)``)
- ``NAME.json`` — name, version, the embedder it was trained on, the neutral band, how it was
  trained, and the npz's sha256 (a mismatched pair is refused).

``score = 2·p − 1`` in [−1, 1]. The stage labels a (blended) score ``negative`` when it is
``≤ negative_at_or_below``, ``positive`` when ``≥ positive_at_or_above``, else ``neutral``: the
neutral band between the two thresholds need not be centred on 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import ModelError
from heard.models.head_files import read_pair, write_pair

HEADS_DIR = Path(__file__).parent / "heads"
DEFAULT_HEAD = "sentiment"
LABELS = ("negative", "neutral", "positive")


@dataclass
class SentimentHead:
    coef: np.ndarray
    intercept: float
    negative_at_or_below: float
    positive_at_or_above: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``model@version`` recorded beside every score, e.g. ``heard-sentiment-use@1.2``."""
        return f"{self.meta.get('name', 'heard-sentiment-use')}@{self.meta.get('version', '0')}"

    @property
    def embedder(self) -> str:
        return str(self.meta.get("embedder", ""))

    def probability(self, embeddings: np.ndarray) -> np.ndarray:
        """p(positive) for each row of ``embeddings`` (n, dim)."""
        x = np.asarray(embeddings, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.coef.shape[0]:
            raise ModelError(
                f"sentiment head {self.name} expects {self.coef.shape[0]}-d embeddings, got shape "
                f"{x.shape}",
                f"embed with {self.embedder or 'the embedder it was trained on'}, "
                "or train a head for this embedder: heard train sentiment",
            )
        logits = x @ self.coef + self.intercept
        result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))
        return result

    def score(self, embeddings: np.ndarray) -> np.ndarray:
        """2·p − 1, in [−1, 1]."""
        return 2.0 * self.probability(embeddings) - 1.0

    @property
    def thresholds(self) -> dict[str, float]:
        return {
            "negative_at_or_below": self.negative_at_or_below,
            "positive_at_or_above": self.positive_at_or_above,
        }

    def label(self, scores: np.ndarray) -> list[str]:
        neg, pos = self.negative_at_or_below, self.positive_at_or_above
        return ["positive" if s >= pos else "negative" if s <= neg else "neutral" for s in scores]

    def save(self, directory: Path, stem: str = DEFAULT_HEAD) -> tuple[Path, Path]:
        """Write ``stem.npz`` and ``stem.json`` into ``directory``; return their paths."""
        coef = np.asarray(self.coef, dtype=np.float64)
        meta = {**self.meta, "thresholds": self.thresholds, "dim": int(coef.shape[0])}
        arrays = {"coef": coef, "intercept": np.array([self.intercept])}
        return write_pair(directory, stem, arrays, meta)


def load_head(directory: Path = HEADS_DIR, stem: str = DEFAULT_HEAD) -> SentimentHead:
    """Load ``stem.npz`` + ``stem.json`` from ``directory``; refuse a missing or mismatched pair."""
    fix = "reinstall heard, or train one: heard train sentiment --out DIR"
    meta, arrays = read_pair(directory, stem, "sentiment head", fix)
    try:
        coef = arrays["coef"]
        intercept = float(arrays["intercept"][0])
        thresholds = meta["thresholds"]
        negative, positive = (
            float(thresholds["negative_at_or_below"]),
            float(thresholds["positive_at_or_above"]),
        )
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        what = f"sentiment head {stem!r} in {directory} cannot be read: {exc}"
        raise ModelError(what, fix) from exc
    meta_path = directory / f"{stem}.json"
    if not -1.0 <= negative < positive <= 1.0:
        raise ModelError(
            f"sentiment head {meta_path} has thresholds {thresholds} (need -1 ≤ negative < "
            f"positive ≤ 1)",
            fix,
        )
    return SentimentHead(coef, intercept, negative, positive, meta)
