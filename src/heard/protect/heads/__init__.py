"""Small linear text heads shipped as data (.json + .npz, no pickles).

A head hashes a text's character n-grams (sklearn's ``HashingVectorizer``: the same text gives the
same features on any machine, and no vocabulary needs shipping), weights them by sublinear TF and
the stored IDF, L2-normalises, and takes a dot product with the stored weights::

    p = sigmoid(w · normalise(tf(x) ⊙ idf) + b)

``w`` already folds in the naive-Bayes log-count ratios the trainer used (NB-LR), so inference
needs three arrays. ``heard.protect.train`` writes them and the MODEL_CARD beside them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import ModelError

HEADS_DIR = Path(__file__).resolve().parent


def make_vectorizer(spec: dict[str, Any]):
    """The hashing vectorizer a head was trained with (its parameters are stored in the head)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer=spec["analyzer"],
        ngram_range=tuple(spec["ngram_range"]),
        n_features=int(spec["n_features"]),
        lowercase=bool(spec.get("lowercase", True)),
        alternate_sign=False,
        norm=None,
    )


def gram_columns(grams: list[str], spec: dict[str, Any]) -> list[int]:
    """The hashed column of each n-gram itself. (Transforming a gram as a text would hash all of
    its sub-grams too, and the row's first column is then some sub-gram's, not the gram's.)"""
    from sklearn.feature_extraction.text import HashingVectorizer

    hasher = HashingVectorizer(
        analyzer=lambda gram: [gram],
        n_features=int(spec["n_features"]),
        alternate_sign=False,
        norm=None,
    )
    rows = hasher.transform(grams)
    return [int(rows.indices[rows.indptr[i]]) for i in range(len(grams))]


def tfidf_rows(counts, idf: np.ndarray):
    """Sublinear TF × IDF, rows L2-normalised (as sklearn's TfidfTransformer(sublinear_tf=True))."""
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float64).tocsr(copy=True)
    np.log(x.data, out=x.data)
    x.data += 1.0
    x = x.multiply(idf.reshape(1, -1)).tocsr()
    return normalize(x, norm="l2", copy=False)


@dataclass(frozen=True)
class TextHead:
    """A trained head: name, version, threshold and the arrays."""

    name: str
    version: str
    threshold: float
    meta: dict[str, Any]
    idf: np.ndarray
    weights: np.ndarray
    bias: float

    @property
    def model(self) -> str:
        return f"{self.name}@{self.version}"

    def proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        counts = make_vectorizer(self.meta["vectorizer"]).transform(texts)
        z = tfidf_rows(counts, self.idf) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64).ravel()))

    def top_features(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The character n-grams of ``text`` that pushed its score up most (for the evidence)."""
        grams = sorted(set(make_vectorizer(self.meta["vectorizer"]).build_analyzer()(text)))
        if not grams:
            return []
        scored = [
            (gram, float(self.weights[col] * self.idf[col]))
            for gram, col in zip(grams, gram_columns(grams, self.meta["vectorizer"]))
        ]
        scored.sort(key=lambda gw: -gw[1])
        return [(g, round(w, 3)) for g, w in scored[:k] if w > 0]


def save_head(
    head_dir: Path,
    name: str,
    meta: dict[str, Any],
    idf: np.ndarray,
    weights: np.ndarray,
    bias: float,
) -> Path:
    """Write ``NAME.npz`` (float16 arrays) and ``NAME.json`` (the rest, with the npz hash)."""
    npz = head_dir / f"{name}.npz"
    np.savez_compressed(
        npz,
        idf=idf.astype(np.float16),
        weights=weights.astype(np.float16),
        bias=np.array([bias], dtype=np.float64),
    )
    meta = dict(meta, name=name, npz_sha256=hashlib.sha256(npz.read_bytes()).hexdigest())
    (head_dir / f"{name}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return npz


@lru_cache(maxsize=8)
def load_head(name: str, head_dir: Path = HEADS_DIR) -> TextHead:
    meta_file, npz_file = head_dir / f"{name}.json", head_dir / f"{name}.npz"
    if not meta_file.is_file() or not npz_file.is_file():
        raise ModelError(
            f"the protect head {name!r} is missing ({meta_file.name} / {npz_file.name})",
            f"train it: python -m heard.protect.train {name} --data ../shared/data",
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    digest = hashlib.sha256(npz_file.read_bytes()).hexdigest()
    if digest != meta.get("npz_sha256"):
        raise ModelError(
            f"{npz_file.name} does not match the hash in {meta_file.name}",
            f"retrain it: python -m heard.protect.train {name} --data ../shared/data",
        )
    arrays = np.load(npz_file)
    return TextHead(
        name=name,
        version=str(meta["version"]),
        threshold=float(meta["threshold"]),
        meta=meta,
        idf=arrays["idf"].astype(np.float64),
        weights=arrays["weights"].astype(np.float64),
        bias=float(arrays["bias"][0]),
    )
