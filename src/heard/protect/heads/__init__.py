"""Small linear text heads shipped as data (.json + .npz, no pickles).

A head hashes a text's character n-grams (sklearn's ``HashingVectorizer``: the same text gives the
same features on any machine, and no vocabulary needs shipping), weights them by sublinear TF and
the stored IDF, L2-normalises, and takes a dot product with the stored weights::

    p = sigmoid(w · normalise(tf(x) ⊙ idf) + b)

``w`` already folds in the naive-Bayes log-count ratios the trainer used (NB-LR), so inference
needs three arrays. ``heard.protect.train`` writes them and the MODEL_CARD beside them.

A head may add **word parts** (``meta["parts"]``): the same recipe over the text's rjieba words
(joined by spaces, hashed as word n-grams), each with its own IDF and weights, summed into the
same logit. A two-part head is a stack of two NB-LR models folded into one linear function, so
inference stays a few sparse dot products.
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

    extra = {"token_pattern": spec["token_pattern"]} if "token_pattern" in spec else {}
    return HashingVectorizer(
        analyzer=spec["analyzer"],
        ngram_range=tuple(spec["ngram_range"]),
        n_features=int(spec["n_features"]),
        lowercase=bool(spec.get("lowercase", True)),
        alternate_sign=False,
        norm=None,
        **extra,
    )


def segment(texts: list[str]) -> list[str]:
    """Each text's rjieba words joined by single spaces (the input of a head's word part); the
    segmenter is the process's shared one (``heard.models.segmenter``)."""
    from heard.models.segmenter import shared_rjieba

    cut = shared_rjieba().cut
    return [" ".join(w for w in cut(t) if w.strip()) for t in texts]


@dataclass(frozen=True)
class HeadPart:
    """A further feature set of a head: a hashed vectorizer over ``segment(text)``."""

    name: str
    spec: dict[str, Any]
    idf: np.ndarray
    weights: np.ndarray


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
    parts: tuple[HeadPart, ...] = ()

    @property
    def model(self) -> str:
        return f"{self.name}@{self.version}"

    def proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        counts = make_vectorizer(self.meta["vectorizer"]).transform(texts)
        z = np.asarray(tfidf_rows(counts, self.idf) @ self.weights, dtype=np.float64).ravel()
        if self.parts:
            words = segment(texts)
            for part in self.parts:
                x = tfidf_rows(make_vectorizer(part.spec).transform(words), part.idf)
                z = z + np.asarray(x @ part.weights, dtype=np.float64).ravel()
        return 1.0 / (1.0 + np.exp(-(z + self.bias)))

    def top_features(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The n-grams of ``text`` (characters, and words for a head with word parts) that
        pushed its score up most (for the evidence)."""
        sources = [(text, self.meta["vectorizer"], self.idf, self.weights)]
        if self.parts:
            words = segment([text])[0]
            sources += [(words, p.spec, p.idf, p.weights) for p in self.parts]
        best: dict[str, float] = {}
        for source, spec, idf, weights in sources:
            grams = sorted(set(make_vectorizer(spec).build_analyzer()(source)))
            if not grams:
                continue
            for gram, col in zip(grams, gram_columns(grams, spec)):
                best[gram] = max(best.get(gram, -np.inf), float(weights[col] * idf[col]))
        scored = list(best.items())
        scored.sort(key=lambda gw: -gw[1])
        return [(g, round(w, 3)) for g, w in scored[:k] if w > 0]


def save_head(
    head_dir: Path,
    name: str,
    meta: dict[str, Any],
    idf: np.ndarray,
    weights: np.ndarray,
    bias: float,
    parts: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> Path:
    """Write ``NAME.npz`` (float16 arrays) and ``NAME.json`` (the rest, with the npz hash).
    ``parts`` maps a word part's name (listed in ``meta["parts"]``) to its (idf, weights)."""
    npz = head_dir / f"{name}.npz"
    extra = {}
    for part, (part_idf, part_weights) in (parts or {}).items():
        extra[f"{part}_idf"] = part_idf.astype(np.float16)
        extra[f"{part}_weights"] = part_weights.astype(np.float16)
    np.savez_compressed(
        npz,
        idf=idf.astype(np.float16),
        weights=weights.astype(np.float16),
        bias=np.array([bias], dtype=np.float64),
        **extra,
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
        parts=tuple(
            HeadPart(
                part["name"],
                part["vectorizer"],
                arrays[f"{part['name']}_idf"].astype(np.float64),
                arrays[f"{part['name']}_weights"].astype(np.float64),
            )
            for part in meta.get("parts", [])
        ),
    )
