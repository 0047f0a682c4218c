"""Models: embedders (``make_embedder`` picks one by name) and the small heads Heard trains and
ships with model cards (``heads/``). Nothing here downloads weights at run time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heard.errors import InputError

if TYPE_CHECKING:
    from heard.models.embedders import Embedder


def make_embedder(spec: str = "use-int8", threads: int = 2) -> Embedder:
    """``"use-int8"`` (the default) → UseInt8Embedder (USE with int8 token layers, ~2× faster,
    activations quantised per call); ``"use-int8-row"``: the same with activations quantised per
    row, so that a text's vector never depends on the texts beside it (opt-in: see the module);
    ``"use"`` → UseEmbedder (the same model in float32); ``"st:/local/path"`` →
    SentenceTransformerEmbedder."""
    if spec == "use":
        from heard.models.embedders import UseEmbedder

        return UseEmbedder(threads=threads)
    if spec in ("use-int8", "use-int8-row"):
        from heard.models.use_int8 import UseInt8Embedder

        quantise = "row" if spec == "use-int8-row" else "call"
        return UseInt8Embedder(threads=threads, quantise=quantise)
    if spec.startswith("st:"):
        from heard.models.embedders import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec[3:])
    raise InputError(
        f"unknown embedder {spec!r}",
        "use 'use', 'use-int8', 'use-int8-row' or 'st:/path/to/local/model'",
    )
