"""The taxonomy examples a flagged post is closest to, for the moderator (RIGHTS.md §5).

A flag says which rule fired; the nearest written examples — positive *and* negative — show the
moderator what the label means next to this post, and whether it sits nearer to a legitimate
near-miss (a scam warning, a film review) than to a harm. Similarity is the cosine of hashed
character 1–3-gram TF vectors: cheap, language-agnostic, and computed only for flagged posts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from heard.protect.taxonomy import Example, load_taxonomy


def _vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char", ngram_range=(1, 3), n_features=2**18, alternate_sign=False, norm="l2"
    )


@lru_cache(maxsize=1)
def _index() -> tuple[list[Example], Any]:
    examples = list(load_taxonomy().examples)
    return examples, _vectorizer().transform([e.text for e in examples])


def nearest_examples(text: str, label: str, k: int = 2) -> dict[str, list[dict[str, Any]]]:
    """The ``k`` most similar positive and negative examples of ``label``."""
    examples, matrix = _index()
    sims = np.asarray((matrix @ _vectorizer().transform([text]).T).todense()).ravel()
    out: dict[str, list[dict[str, Any]]] = {"positive": [], "negative": []}
    for i in np.argsort(-sims):
        e = examples[i]
        if e.label != label or len(out[e.polarity]) >= k:
            continue
        out[e.polarity].append(
            {"id": e.id, "kind": e.kind, "similarity": round(float(sims[i]), 3), "text": e.text}
        )
        if all(len(v) >= k for v in out.values()):
            break
    return out
