"""Whether two topics' member posts are mixed: the evidence a merge needs besides close centroids.

Two centroids at cosine 0.7 can belong to one subject cut in two by the order posts arrived in,
or to two subjects that lean the same way (in a one-city store every centroid leans towards
"complaint about the neighbourhood"; a topic that loosely gathers posts drifts towards that
direction). Centroids cannot tell these apart; the members can. Take the posts of both topics and
find each post's ``k`` nearest posts among them: if the two topics are one subject, a post's
neighbours fall in the other topic about as often as that topic's share of the posts; if they are
two subjects, hardly ever. The *mixing* of a topic is that share observed over the share expected
(1: indistinguishable, 0: separate). It depends on the members only, not on when or in how many
runs they came. Pure numpy, deterministic (a large topic is sampled at evenly spaced rows).
"""

from __future__ import annotations

import numpy as np

SAMPLE = 200
"""Members of each topic compared (evenly spaced rows of a larger topic)."""
K = 5
"""Nearest posts looked at for each post."""


def spread_rows(count: int, n: int = SAMPLE) -> np.ndarray:
    """The rows ``spread`` keeps of ``count`` rows: all, or ``n`` evenly spaced."""
    if count <= n:
        return np.arange(count, dtype=np.int64)
    return np.linspace(0, count - 1, n).round().astype(np.int64)


def spread(vecs: np.ndarray, n: int = SAMPLE) -> np.ndarray:
    """At most ``n`` rows of ``vecs``, evenly spaced (deterministic)."""
    if len(vecs) <= n:
        return vecs
    return vecs[spread_rows(len(vecs), n)]


def mixing(a: np.ndarray, b: np.ndarray, k: int = K, sample: int = SAMPLE) -> tuple[float, float]:
    """``(mixing of a's posts with b, mixing of b's posts with a)``: for the posts of each topic,
    the share of their ``k`` nearest posts (among both topics' members, unit vectors) that are in
    the other topic, divided by the share a random draw would give. (1.0, 1.0) when a side has no
    posts to judge by (nothing argues against the centroids then)."""
    a, b = spread(np.asarray(a, np.float32), sample), spread(np.asarray(b, np.float32), sample)
    n = len(a) + len(b)
    if not len(a) or not len(b) or n < 3:
        return 1.0, 1.0
    k = min(k, n - 1)
    both = np.vstack([a, b])
    sims = both @ both.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    in_b = nearest >= len(a)
    cross_a = float(in_b[: len(a)].mean())
    cross_b = float((~in_b[len(a) :]).mean())
    return cross_a / (len(b) / (n - 1)), cross_b / (len(a) / (n - 1))
