"""Labelled short-text clustering sets from ``../shared/data`` and a cache of their embeddings.

Used by ``bench/topics_quality.py`` (both the product venv and the BERTopic venv import it, so it
needs only the standard library and numpy). Embeddings are cached as ``.npy`` files under
``$HEARD_BENCH_CACHE`` (default ``/tmp/heard-bench-cache``) so a re-run does not recompute them.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
CACHE = Path(os.environ.get("HEARD_BENCH_CACHE", "/tmp/heard-bench-cache"))


def _lines(path: Path) -> list[str]:
    return [line.strip().lstrip("\ufeff") for line in path.read_text(encoding="utf-8").splitlines()]


def _pair(texts: Path, labels: Path) -> tuple[list[str], list[str]]:
    docs, gold = _lines(texts), _lines(labels)
    if len(docs) != len(gold):
        raise ValueError(f"{texts} has {len(docs)} lines but {labels} has {len(gold)}")
    return docs, gold


def load(name: str) -> tuple[list[str], np.ndarray]:
    """Texts and integer gold labels of one set (see ``DATASETS``)."""
    sttm, stc2 = SHARED / "short_text_clustering_sttm", SHARED / "short_text_clustering_stc2_raw"
    if name == "Tweet":
        docs, gold = _pair(sttm / "Tweet.txt", sttm / "Tweet_LABEL.txt")
    elif name == "GoogleNews":
        docs, gold = _pair(sttm / "GoogleNews.txt", sttm / "GoogleNews_LABEL.txt")
    elif name == "SearchSnippets":
        docs, gold = _pair(stc2 / "SearchSnippets.txt", stc2 / "SearchSnippets_gnd.txt")
    elif name == "StackOverflow":
        docs, gold = _pair(stc2 / "StackOverflow.txt", stc2 / "StackOverflow_gnd.txt")
    elif name == "AGNews":
        with open(SHARED / "ag_news_test" / "test.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        docs = [f"{r['title']}. {r['description']}".replace("\\", " ") for r in rows]
        gold = [r["label"] for r in rows]
    elif name == "TeddyCup":
        path = SHARED / "teddycup2020_c" / "messages_titles_labels_all9210.csv"
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        docs = [r["留言主题"] for r in rows]
        gold = [r["label_id"] for r in rows]
    else:
        raise KeyError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    _, codes = np.unique(np.asarray(gold), return_inverse=True)
    return docs, codes.astype(np.int64)


DATASETS = ("Tweet", "GoogleNews", "SearchSnippets", "StackOverflow", "AGNews", "TeddyCup")
"""Tweet/GoogleNews: STTM files; SearchSnippets/StackOverflow: STC² raw text; AG News test (title
+ description); Teddy Cup 2020 C titles with their 7 first-level labels."""


def cached_embeddings(name: str, model: str, encode) -> np.ndarray:
    """Embeddings of set ``name`` by ``model`` (a file-name-safe tag), computed once with
    ``encode``."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.{model}.npy"
    if path.exists():
        return np.load(path)
    docs, _ = load(name)
    vecs = np.asarray(encode(docs), dtype=np.float32)
    np.save(path, vecs)
    return vecs
