"""Stage ``embed``: one L2-normalised vector per post, from one embedder call per batch.

The embedder (``heard.models.embedders``) is far faster on large batches than small ones, so the
whole batch goes in one call; it splits the work into chunks itself.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from heard.errors import ModelError
from heard.models.embedders import Embedder
from heard.pipeline.batch import Batch
from heard.records import MODEL_TEXT_CHARS


def model_text(post, text: str) -> str:
    """The part of ``text`` the embedder reads (``MODEL_TEXT_CHARS``), noted on the post when
    that is not all of it."""
    if len(text) <= MODEL_TEXT_CHARS:
        return text
    raw = getattr(post, "raw", None)
    if isinstance(raw, dict):
        raw.setdefault("_heard_notes", []).append(
            f"text of {len(text):,} characters: the embedder (topics, sentiment) and language id "
            f"read its first {MODEL_TEXT_CHARS:,}; it is stored and searched whole"
        )
    return text[:MODEL_TEXT_CHARS]


class EmbedStage:
    """``text_norm`` → ``embedding`` (float32, shape (n, dim), rows of unit length)."""

    name: ClassVar[str] = "embed"
    requires: ClassVar[tuple[str, ...]] = ("text_norm",)
    assigns: ClassVar[tuple[str, ...]] = ("embedding",)

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    @property
    def model(self) -> str | None:
        return self.embedder.name

    def process(self, batch: Batch) -> Batch:
        texts = [model_text(post, text) for post, text in zip(batch["post"], batch["text_norm"])]
        vectors = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self.embedder.dim):
            raise ModelError(
                f"embedder {self.embedder.name} returned shape {vectors.shape} "
                f"for {len(texts)} texts (expected ({len(texts)}, {self.embedder.dim}))",
                "check the embedder backend; a local model must output one vector per text",
            )
        batch.set("embedding", vectors)
        return batch
