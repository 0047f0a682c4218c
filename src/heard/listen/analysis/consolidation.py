"""The two structural steps of a consolidation of ``StreamingClusterer``: merging topics that
are the same subject (centroids close and members mixed) and splitting incoherent ones. Pure: numpy
only; they change the clusterer they are given and record an event for every change."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from heard.listen.analysis.merge_evidence import mixing
from heard.listen.analysis.neighbours import most_similar
from heard.listen.analysis.topic_records import (
    Assignment,
    Members,
    TopicEvent,
    _resolve_chains,
    _two_means,
    _unit,
)

if TYPE_CHECKING:
    from heard.listen.analysis.clustering import StreamingClusterer


def merge_topics(
    c: StreamingClusterer, merged: dict[int, int], sample: Members | None = None
) -> dict[int, int]:
    """Merge topic pairs whose centroids are at least ``merge`` close; on a stream with several
    languages, a pair of topics in different languages also when their language-neutral
    centroids are. Given ``sample`` (a topic's keys, all of them, and the vectors of the
    members ``merge_evidence.spread`` keeps, as ``spread`` would pick them from all), a pair
    merges only when its members are mixed too
    (``merge_evidence.mixing`` of the smaller topic at least ``merge_mixing``), and the merge
    event keeps the absorbed topic's posts (so it can be undone) and the evidence. The older id
    survives. Fills ``merged`` (absorbed → survivor) and returns it."""
    if len(c.ids) < 2:
        return merged
    view = c.language_view()

    def language(row: int) -> int:
        return view.language(c.sums[row] / max(int(c.sizes[row]), 1)) if view else 0

    languages = [language(i) for i in range(len(c.ids))]
    views = [c.centroids()] + ([] if view is None else [view.neutral(c.sums)])
    k = min(len(c.ids), 8)
    best: dict[tuple[int, int], float] = {}
    for n, cents in enumerate(views):
        sims, nbrs = most_similar(cents, cents, k)
        for i in range(len(c.ids)):
            for j in range(k):
                other = int(nbrs[i, j])
                two_languages = languages[i] != languages[other]
                if other > i and sims[i, j] >= c.params.merge and (n == 0 or two_languages):
                    pair = (c.ids[i], c.ids[other])
                    best[pair] = max(best.get(pair, -1.0), float(sims[i, j]))
    pairs = sorted((-sim, a, b) for (a, b), sim in best.items())
    alive = np.ones(len(c.ids), dtype=bool)
    for _, a, b in pairs:
        ra, rb = c._row[a], c._row[b]
        if not (alive[ra] and alive[rb]):
            continue
        sim = float(_unit(c.sums[ra]) @ _unit(c.sums[rb]))
        neutral_sim = -1.0
        if view is not None and language(ra) != language(rb):
            neutral_sim = float(view.neutral(c.sums[ra]) @ view.neutral(c.sums[rb]))
        across = sim < c.params.merge <= neutral_sim  # only the neutral view joins them
        sim = max(sim, neutral_sim)
        if sim < c.params.merge:  # centroids moved since the search
            continue
        keep, gone = (ra, rb) if a < b else (rb, ra)
        survivor, absorbed = c.ids[keep], c.ids[gone]
        evidence: dict[str, Any] = {}
        absorbed_keys: list[Hashable] | None = None
        if sample is not None:
            absorbed_keys, gone_vecs = sample(absorbed)
            keep_keys, keep_vecs = sample(survivor)
            n_keep, n_gone = len(keep_keys), len(absorbed_keys)
            gone_vecs, keep_vecs = c.transform(gone_vecs), c.transform(keep_vecs)
            if view is not None and language(ra) != language(rb):
                gone_vecs, keep_vecs = view.neutral(gone_vecs), view.neutral(keep_vecs)
            mix_keep, mix_gone = mixing(keep_vecs, gone_vecs)
            small = mix_gone if n_gone <= n_keep else mix_keep
            evidence = {
                "mixing": round(small, 3),
                "mixing_each": [round(mix_keep, 3), round(mix_gone, 3)],
                "members": [n_keep, n_gone],
            }
            if small < c.params.merge_mixing:
                continue
        c.sums[keep] += c.sums[gone]
        c.sizes[keep] += c.sizes[gone]
        alive[gone] = False
        merged[absorbed] = survivor
        c.events.append(
            TopicEvent(
                "merged",
                absorbed,
                survivor,
                {
                    "similarity": round(sim, 4),
                    "step": c.step,
                    "size": int(c.sizes[gone]),
                    **evidence,
                    **({"language_neutral": True} if across else {}),
                },
                members=absorbed_keys,
            )
        )
    _resolve_chains(merged)
    c._keep_topics(np.flatnonzero(alive))
    return merged


SPLIT_SAMPLE = 20_000
"""A topic tried for a split with more members than this is first tried on this many of them,
evenly spread; only when that sample splits are all its members read and the split decided on
them all, as for a smaller topic. On a long stream the largest topic is tried at every
consolidation and rarely splits: reading all of it each time (64,398 posts of a 200,000-post
ingest) was the largest memory rise of a consolidation."""


class _Halves(NamedTuple):
    big: np.ndarray
    small: np.ndarray
    big_sum: np.ndarray
    small_sum: np.ndarray
    coherence: tuple[float, float, float]
    """before, big half, small half"""


def _halves(c: StreamingClusterer, vecs: np.ndarray, tid: int) -> _Halves | None:
    """The two halves of a topic's (transformed) vectors when both are clearly more coherent
    than the whole, else None."""
    p = c.params
    parts = _two_means(vecs, np.random.default_rng([p.seed_rng, tid]))
    if parts is None:
        return None
    a, b = parts
    big, small = (a, b) if len(a) >= len(b) else (b, a)
    if len(small) < p.min_topic_size:
        return None
    # float64 sums straight from the float32 members (no float64 copy of a large topic)
    in_big = np.zeros((len(vecs), 1), dtype=bool)
    in_big[big] = True
    big_sum = np.sum(vecs, axis=0, dtype=np.float64, where=in_big)
    small_sum = np.sum(vecs, axis=0, dtype=np.float64, where=~in_big)
    whole = float(np.linalg.norm(vecs.sum(axis=0, dtype=np.float64)) / len(vecs))
    coh_big = float(np.linalg.norm(big_sum) / len(big))
    coh_small = float(np.linalg.norm(small_sum) / len(small))
    if min(coh_big, coh_small) < whole + p.split_gain:
        return None
    return _Halves(big, small, big_sum, small_sum, (whole, coh_big, coh_small))


def split_topics(
    c: StreamingClusterer,
    members: Members,
    merged: dict[int, int],
    preview: Callable[[int], np.ndarray] | None = None,
) -> list[Assignment]:
    """Split incoherent topics in two (deterministic 2-means) when both halves are clearly
    more coherent; the larger half keeps the id. Returns the moved posts. ``preview(tid)``: the
    vectors of ``SPLIT_SAMPLE`` of a topic's members, evenly spread (see ``SPLIT_SAMPLE``)."""
    p = c.params
    coh = c.coherence()
    candidates = [
        c.ids[i] for i in np.flatnonzero((coh < p.split_below) & (c.sizes >= p.min_split_size))
    ]
    moved: list[Assignment] = []
    for tid in candidates:
        if preview is not None and c.sizes[c._row[tid]] > SPLIT_SAMPLE:
            if _halves(c, c.transform(preview(tid)), tid) is None:
                continue  # its sample does not split: the whole topic is not read
        keys, vecs = members(tid)
        if len(keys) < p.min_split_size:
            continue
        vecs = c.transform(vecs)
        halves = _halves(c, vecs, tid)
        if halves is None:
            continue
        big, small, big_sum, small_sum, (whole, coh_big, coh_small) = halves
        row = c._row[tid]
        c.sums[row] = big_sum
        c.sizes[row] = len(big)
        child = c._new_topic(small_sum, len(small), {"from": "split", "parent": tid})
        c.events.append(
            TopicEvent(
                "split",
                tid,
                child,
                {
                    "step": c.step,
                    "parent_size": int(len(big)),
                    "child_size": int(len(small)),
                    "coherence_before": round(whole, 4),
                    "coherence_after": [round(coh_big, 4), round(coh_small, 4)],
                },
            )
        )
        sims = vecs[small] @ _unit(small_sum)
        moved.extend(Assignment(keys[i], child, float(s)) for i, s in zip(small, sims))
    return moved
