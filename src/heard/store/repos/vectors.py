"""Embeddings as the repositories return them: Arrow list columns made float32 arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

Vectors = tuple[list[str], np.ndarray]
"""Post ids and their embeddings, row for row."""


def vectors_of(table: pa.Table, column: str, dim: int | None = None) -> np.ndarray:
    """An Arrow list column of floats as an (n, dim) float32 array."""
    col = table.column(column)
    col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    n = len(col)
    if n == 0:
        return np.zeros((0, dim or 0), dtype=np.float32)
    flat = col.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    result: np.ndarray = flat.reshape(n, -1)
    return result
