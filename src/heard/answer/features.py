"""The router's features: three views of a text side by side in one sparse row.

- ``char``: TF-IDF of character 1–3-grams (Chinese needs no segmentation for these, and they
  survive typos and unseen place names);
- ``word``: TF-IDF of words (jieba segmentation via ``heard.stages.tokens.Segmenter``);
- ``embed``: the sentence embedding (multilingual USE by default), which carries meaning across
  wordings and languages.

Each block is scaled by its weight (tuned on the Teddy Cup dev split, bench/routing_eval.py).
Everything needed to rebuild the transform is plain data: vocabularies (JSON) and IDF weights
(arrays), so a saved router holds no pickled objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from heard.errors import ModelError

if TYPE_CHECKING:  # scikit-learn loads when a router is fitted or read, not with every command
    from sklearn.feature_extraction.text import TfidfVectorizer


@lru_cache(maxsize=1)
def _segmenter():
    from heard.stages.tokens import Segmenter

    return Segmenter()


def words(text: str) -> list[str]:
    """The word analyzer: lowercased words (jieba for Chinese), punctuation dropped."""
    result: list[str] = _segmenter().words(text)
    return result


@dataclass
class FeatureConfig:
    char_ngrams: tuple[int, int] = (1, 3)
    char_weight: float = 1.0
    word_weight: float = 1.0
    embed_weight: float = 0.5
    min_df: int = 1

    def to_dict(self) -> dict:
        return {
            "char_ngrams": list(self.char_ngrams),
            "char_weight": self.char_weight,
            "word_weight": self.word_weight,
            "embed_weight": self.embed_weight,
            "min_df": self.min_df,
        }

    @classmethod
    def from_dict(cls, d: dict) -> FeatureConfig:
        return cls(
            tuple(d["char_ngrams"]),
            float(d["char_weight"]),
            float(d["word_weight"]),
            float(d["embed_weight"]),
            int(d.get("min_df", 1)),
        )


@dataclass
class RouterFeatures:
    """Fitted feature space: ``transform(texts, embeddings)`` → (n, n_features) CSR matrix."""

    config: FeatureConfig = field(default_factory=FeatureConfig)
    char: TfidfVectorizer | None = None
    word: TfidfVectorizer | None = None
    embed_dim: int = 0
    _names: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)

    def fit(self, texts: list[str], embed_dim: int) -> RouterFeatures:
        from sklearn.feature_extraction.text import TfidfVectorizer

        c = self.config
        min_df = c.min_df if len(texts) >= 20 * c.min_df else 1
        self.char = TfidfVectorizer(
            analyzer="char",
            ngram_range=c.char_ngrams,
            sublinear_tf=True,
            lowercase=True,
            min_df=min_df,
            dtype=np.float32,
        )
        self.word = TfidfVectorizer(
            analyzer=words, sublinear_tf=True, min_df=min_df, dtype=np.float32
        )
        self.char.fit(texts)
        try:
            self.word.fit(texts)
        except ValueError:  # no text has a single word (e.g. only punctuation): keep an empty block
            self.word = _empty_word_block()
        self.embed_dim = embed_dim
        self._names = None
        return self

    def transform(self, texts: list[str], embeddings: np.ndarray) -> sp.csr_matrix:
        if self.char is None or self.word is None:
            raise ModelError(
                "router features are not fitted", "train the router first: heard train router"
            )
        c = self.config
        blocks = [
            self.char.transform(texts) * c.char_weight,
            self.word.transform(texts) * c.word_weight,
        ]
        if self.embed_dim:
            blocks.append(sp.csr_matrix(np.asarray(embeddings, dtype=np.float32) * c.embed_weight))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    @property
    def block_sizes(self) -> dict[str, int]:
        return {
            "char": len(self.char.vocabulary_),
            "word": len(self.word.vocabulary_),
            "embed": self.embed_dim,
        }

    def feature_names(self) -> list[tuple[str, str]]:
        """(block, term) per column; the embedding's columns are ('embed', 'dim_i'). Built once:
        explaining a batch must not rebuild a list of 100,000 names."""
        if self._names is None:
            out = [("char", t) for t in self.char.get_feature_names_out()]
            out += [("word", t) for t in self.word.get_feature_names_out()]
            out += [("embed", f"dim_{i}") for i in range(self.embed_dim)]
            self._names = out
        return self._names

    # ------------------------------------------------------------ plain-data persistence
    def vocab_json(self) -> dict:
        return {
            "char": self.char.get_feature_names_out().tolist(),
            "word": self.word.get_feature_names_out().tolist(),
        }

    def idf_arrays(self) -> dict[str, np.ndarray]:
        return {
            "char_idf": self.char.idf_.astype(np.float64),
            "word_idf": self.word.idf_.astype(np.float64),
        }

    @classmethod
    def from_saved(
        cls, config: FeatureConfig, vocab: dict, idf: dict[str, np.ndarray], embed_dim: int
    ) -> RouterFeatures:
        from sklearn.feature_extraction.text import TfidfVectorizer

        c = config
        if len(vocab["char"]) != len(idf["char_idf"]) or len(vocab["word"]) != len(idf["word_idf"]):
            raise ModelError(
                "router vocabulary and IDF arrays differ in length", "retrain: heard train router"
            )
        char = TfidfVectorizer(
            analyzer="char",
            ngram_range=c.char_ngrams,
            sublinear_tf=True,
            lowercase=True,
            vocabulary=vocab["char"],
            dtype=np.float32,
        )
        char.idf_ = np.asarray(idf["char_idf"], dtype=np.float64)
        word = TfidfVectorizer(
            analyzer=words,
            sublinear_tf=True,
            vocabulary=vocab["word"] or ["\x00"],
            dtype=np.float32,
        )
        word.idf_ = np.asarray(idf["word_idf"], dtype=np.float64) if vocab["word"] else np.ones(1)
        return cls(config, char, word, embed_dim)


def _empty_word_block() -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=words, vocabulary=["\x00"], dtype=np.float32)
    vec.idf_ = np.ones(1)
    return vec
