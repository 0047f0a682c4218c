"""The streaming clusterer's parameters and the records it returns: assignments, topic events,
consolidation results, and the language view used to merge one subject told in two languages.
Pure: numpy only (see ``heard.listen.analysis.clustering``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

Members = Callable[[int], tuple[list[Hashable], np.ndarray]]
"""``members(topic_id) -> (keys, vectors)``: the posts now in a topic and their embeddings."""


@runtime_checkable
class MemberSource(Protocol):
    """Where a consolidation reads topics' members (the store, or an array): every member with
    its vector, or the keys alone and then the vectors of chosen keys (the merge step compares
    samples of two topics and reads only those). ``keys(t)`` lists exactly the keys that
    ``source(t)`` returns, in the same order."""

    def __call__(self, topic_id: int) -> tuple[list[Hashable], np.ndarray]: ...

    def keys(self, topic_id: int) -> list[Hashable]: ...

    def vectors(self, keys: Sequence[Hashable]) -> np.ndarray: ...


class WholeMembers:
    """A ``MemberSource`` over a plain ``members`` function (tests, small in-memory uses): keys
    are read through it, and the vectors of keys come from the topics read so far."""

    def __init__(self, members: Members) -> None:
        self.members = members
        self._seen: dict[Hashable, np.ndarray] = {}

    def __call__(self, topic_id: int) -> tuple[list[Hashable], np.ndarray]:
        return self.members(topic_id)

    def keys(self, topic_id: int) -> list[Hashable]:
        keys, vecs = self.members(topic_id)
        self._seen.update(zip(keys, np.asarray(vecs, dtype=np.float32)))
        return list(keys)

    def vectors(self, keys: Sequence[Hashable]) -> np.ndarray:
        return np.array([self._seen[k] for k in keys], dtype=np.float32)


@dataclass(frozen=True)
class ClusterParams:
    """Thresholds are cosine similarities between L2-normalised embeddings."""

    join: float = 0.5
    """A post joins the nearest topic when its centroid is at least this close …"""
    join_margin: float | None = 0.2
    """… and no more than this below the topic's coherence (its members' mean similarity to its
    centroid): a loose post does not join a tight topic. None: ``join`` alone. Without it, the
    first topics of a one-city stream fed in small batches (``heard watch``) gather every nearby
    complaint before the specific topics can seed, and merge into one catch-all."""
    seed: float = 0.55
    """Pooled posts this close to one another can seed a topic together."""
    seed_every: int = 512
    """While more posts are waiting behind a batch (``Batch.more_waiting``: a file read in small
    batches, a busy feed), the pool's seeding rounds (and its bound) come every ``seed_every``
    posts; a batch with nothing behind it settles at once, and every consolidation runs a round.
    So ``heard watch`` in batches of 64 seeds as ``heard ingest`` in batches of 512 does, and a
    slow feed still gets its topics batch by batch (see BENCHMARKS.md)."""
    min_topic_size: int = 4
    """Posts needed to seed a topic (and the smallest part a split may leave)."""
    pool_max: int = 2000
    """Most posts waiting in the pool; the oldest leave unassigned beyond it."""
    attach: float = 0.3
    """At the end of a run, pooled posts at least this close to a topic join it."""
    merge: float = 0.7
    """Topics whose centroids are at least this close are merged …"""
    merge_mixing: float = 0.05
    """… when the members of the smaller one are at least this mixed with the other's
    (``heard.listen.analysis.merge_evidence``; judged when the caller gives members)."""
    split_below: float = 0.5
    """Topics with coherence below this (and ``min_split_size`` posts) are tried for a split."""
    split_gain: float = 0.05
    """A split is kept only when both parts are this much more coherent than the whole."""
    min_split_size: int = 20
    vote_k: int = 10
    """Neighbours consulted by the neighbour vote at each consolidation (0: no vote)."""
    vote_voters: int = 5000
    """Posts of the window kept after a vote: they vote again (but do not move) at the next one, so
    a vote after a small run sees neighbours about as dense as one vote over all posts would."""
    vote_keeps_pool: bool = False
    """The vote shows the pooled posts it places in their topic provisionally (kept in the pool,
    not counted) instead of taking them out of the pool for good (``vote_window.VoteWindow``).
    With ``consolidate_min_posts`` 2,000 it brings the 10-file gaps within 0.02 but lowers
    ``heard watch`` vs ``heard ingest`` (BENCHMARKS.md, "Topics under any arrival pattern")."""

    consolidate_min_posts: int = 4000
    """Posts since the last consolidation needed before the next one merges, splits and votes,
    unless they are every post (a first run); until then they wait, across runs (``_waits``)."""
    consolidate_every: int = 20_000
    """Posts between periodic consolidations (``due()`` says when one is due)."""
    seed_rng: int = 0
    """Seed for the random choices of a split (sampling the members of a very large topic)."""
    language_neutral: bool = True
    """Merge also in the language-neutral view when the stream has two or more languages (point 4
    of the module docstring); False: compare raw centroids only."""
    language_min_posts: int = 100
    """Posts a language needs before its mean embedding counts for the language-neutral view."""
    center: bool = False
    """Subtract the mean embedding of the first batch (frozen) before comparing. Posts from one
    domain (e.g. a city message board, long texts) share a large common direction that makes big
    topics swallow everything; centering removes it. Use with a first batch of a few hundred posts
    or more (``rebuild_topics`` uses the first 2,000 stored posts). The mean is saved with the
    topics, and later runs on the same store keep subtracting it."""

    # The defaults were chosen with a small grid (about ten settings) on the labelled sets of
    # bench/topics_quality.py, one setting for all of them; ``join_margin`` on the demo corpus at
    # several batch sizes (bench/topics_batch_size.py), checked on those sets: see BENCHMARKS.md.

    def describe(self) -> str:
        return (
            f"join={self.join}"
            + (f"(-{self.join_margin} of coherence)" if self.join_margin is not None else "")
            + f",seed={self.seed},min={self.min_topic_size},attach={self.attach},"
            f"merge={self.merge},split<{self.split_below},vote={self.vote_k}"
            + (",center" if self.center else "")
        )


class Assignment(NamedTuple):
    key: Hashable
    topic_id: int | None  # None: the post waits in the pool
    similarity: float


@dataclass
class TopicEvent:
    kind: str  # "created" | "merged" | "split" | "moved"
    topic_id: int  # created: the new id; merged: the id that was absorbed; split: the parent id;
    # moved: the topic posts left by neighbour vote
    other_id: int | None = (
        None  # merged: the survivor; split: the new child; moved: where they went
    )
    detail: dict[str, Any] = field(default_factory=dict)
    members: list[Hashable] | None = None
    """merged: the absorbed topic's posts at the merge (kept apart from ``detail``, so that it
    can be undone without the history carrying thousands of ids)."""


@dataclass
class ConsolidationResult:
    merged: dict[int, int]
    """absorbed id → surviving id (chains resolved): relabel these posts."""
    moved: list[Assignment]
    """posts moved by splits (to the child topic) or by the neighbour vote, or taken out of the
    pool (apply after relabelling ``merged``)."""
    voted: bool = True
    """Whether it ran (and emptied its window); False: it waits for more posts, the window is
    kept."""


def _unit(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    result: np.ndarray = (v / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return result  # (no second copy of a large topic's vectors when they are float32 already)


@dataclass(frozen=True)
class LanguageView:
    """The directions that separate the stream's languages, and where each language sits on them."""

    languages: list[str]
    axes: np.ndarray
    """Orthonormal rows spanning the differences between the languages' mean vectors."""
    anchors: np.ndarray
    """Each language's mean vector in ``axes`` coordinates."""

    def neutral(self, vecs: np.ndarray) -> np.ndarray:
        """``vecs`` with the language axes projected out, re-normalised."""
        vecs = np.asarray(vecs, dtype=np.float64)
        return _unit(vecs - (vecs @ self.axes.T) @ self.axes)

    def language(self, mean: np.ndarray) -> int:
        """Index of the language whose mean is nearest to ``mean`` (a topic's mean vector) along
        the axes."""
        coords = np.asarray(mean, dtype=np.float64) @ self.axes.T
        return int(np.argmin(np.linalg.norm(self.anchors - coords, axis=1)))


def _survivor(merged: dict[int, int], tid: int) -> int:
    """Where ``tid`` went through a chain of merges (itself when it was not merged)."""
    while tid in merged:
        tid = merged[tid]
    return tid


def _resolve_chains(merged: dict[int, int]) -> None:
    """absorbed → survivor, in place, with chains a → b → c resolved to a → c."""
    for absorbed, survivor in list(merged.items()):
        while survivor in merged:
            survivor = merged[survivor]
        merged[absorbed] = survivor


def _two_means(
    vecs: np.ndarray, rng: np.random.Generator, iters: int = 10, sample: int = 5000
) -> tuple[np.ndarray, np.ndarray] | None:
    """Spherical 2-means with a deterministic farthest-point start; returns the two index sets."""
    pick = vecs if len(vecs) <= sample else vecs[rng.choice(len(vecs), sample, replace=False)]
    centre = _unit(pick.sum(axis=0))
    first = pick[int(np.argmin(pick @ centre))]
    second = pick[int(np.argmin(pick @ first))]
    cents = np.stack([first, second])
    labels = np.zeros(len(vecs), dtype=np.int64)
    for _ in range(iters):
        new = np.argmax(vecs @ cents.T, axis=1)
        if (new == labels).all() and _ > 0:
            break
        labels = new
        if labels.min() == labels.max():
            return None
        # summed in place (no copy of either half); the same sum, bit for bit, as the rows' copy
        cents = np.stack(
            [_unit(np.sum(vecs, axis=0, where=(labels == c)[:, None])) for c in (0, 1)]
        )
    a, b = np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)
    if not len(a) or not len(b):
        return None
    return a, b
