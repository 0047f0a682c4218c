"""One database, one vector space: a run whose embedder differs from the one that made the stored
vectors is refused before any batch.

Every stored vector is recorded with its embedder's name and version (``embeddings.model``, e.g.
``use-multilingual-v3@0.2.1+sentencepiece-0.2.3+int8-row``). Topics compare new posts with the
stored ones and with centroids summed from them, so vectors of two embedders (or of two versions
of one, such as ``use-int8`` and ``use-int8-row``, whose activations are quantised per call and per
row) must not
meet in one database: the differences would read as topic changes. The refusal names both
embedders and how to keep using the database's own.
"""

from __future__ import annotations

from typing import Any

from heard.errors import InputError
from heard.store.queries.embedders import other_embedder

SUFFIX_SPECS = (("+int8-row", "use-int8-row"), ("+int8", "use-int8"), ("+onnx", "use"))
"""The end of a USE model name → the ``embedder`` setting that makes it."""


def embedder_spec(model: str) -> str | None:
    """The ``embedder`` setting that makes vectors named ``model``, when Heard knows it."""
    if model.startswith("st:"):
        return f"st:/path/to/{model[3:].rsplit('@', 1)[0]}"
    if not model.startswith("use-multilingual-v3@"):
        return None
    for suffix, spec in SUFFIX_SPECS:
        if model.endswith(suffix):
            return spec
    return "use"


def check_embedder(store: Any, embed_model: str | None) -> None:
    """Raise ``InputError`` when ``store`` holds vectors made by another embedder than
    ``embed_model`` (this run's ``embed`` stage model; None when the run embeds nothing)."""
    if embed_model is None:
        return
    other = other_embedder(store, embed_model)
    if other is None:
        return
    model, n = other
    spec = embedder_spec(model)
    keep = (
        f"set embedder = {spec!r} (heard.toml or HEARD_EMBEDDER) to keep adding to it"
        if spec
        else "run with the embedder that made them"
    )
    raise InputError(
        f"this database holds {n:,} vectors made by {model}, and this run embeds with "
        f"{embed_model}: topics would compare vectors of two embedders",
        f"{keep}, or ingest into a new database with this one",
    )
