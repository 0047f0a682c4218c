"""One rjieba segmenter per process, shared by whoever needs Chinese words.

``rjieba.Jieba()`` loads its dictionary on construction (~0.6 s, ~60 MB resident). The tokens
stage and the ``cold`` protect head's word part both segment with it; two instances would hold
the dictionary twice in an ingest process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def shared_rjieba() -> Any:
    """The process's ``rjieba.Jieba`` (created on first use)."""
    import rjieba

    return rjieba.Jieba()
