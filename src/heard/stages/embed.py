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
        texts = list(batch["text_norm"])
        vectors = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        if vectors.shape != (len(texts), self.embedder.dim):
            raise ModelError(
                f"embedder {self.embedder.name} returned shape {vectors.shape} "
                f"for {len(texts)} texts (expected ({len(texts)}, {self.embedder.dim}))",
                "check the embedder backend; a local model must output one vector per text",
            )
        batch.set("embedding", vectors)
        return batch
