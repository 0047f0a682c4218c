"""Which embedders made the stored vectors (``embeddings.model``)."""

from __future__ import annotations

from typing import Any


def other_embedder(db: Any, model: str) -> tuple[str, int] | None:
    """The embedder other than ``model`` that made the most stored vectors, with how many; None
    when every stored vector is ``model``'s (or none is stored)."""
    rows = db.rows(
        "SELECT model, count(*) AS n FROM embeddings WHERE model <> ? "
        "GROUP BY model ORDER BY n DESC, model LIMIT 1",
        [model],
    )
    return (str(rows[0]["model"]), int(rows[0]["n"])) if rows else None


def stored_embedder(db: Any) -> str | None:
    """The embedder that made the most stored vectors (None when none is stored)."""
    rows = db.rows(
        "SELECT model, count(*) AS n FROM embeddings GROUP BY model ORDER BY n DESC, model LIMIT 1"
    )
    return str(rows[0]["model"]) if rows else None
