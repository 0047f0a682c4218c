"""Neighbour vote: each post moves to the topic that most of its nearest posts are in.

Streaming assignment compares a post with topic *centroids* only, so a post at the edge of a broad
topic stays there even when nearly all the posts most like it sit in another topic. The vote looks
at the posts themselves: for each post, its ``k`` nearest posts (cosine) among a set — in Heard,
the posts that arrived since the last consolidation — and, when a strict majority of those ``k`` and
the post itself share a topic, the post takes that topic. Two rounds let a settled neighbourhood
pull its stragglers. Unassigned neighbours never make a majority.

The search is exact within the ``probes`` centroids nearest to each post (an inverted file whose
lists hold the posts nearest to each centroid, scanned with one matrix product per list), so its
cost grows with topic sizes, not with the square of the number of posts.
Pure numpy, deterministic.
"""

from __future__ import annotations

import numpy as np

PROBES = 3
"""Topics (by centroid) searched for each post's neighbours."""
ROUNDS = 2
CHUNK = 256
"""Posts compared with one list at a time: the similarities and their sort order take about
12 × CHUNK × list size bytes (37 MB for a list of 12,000 posts)."""


def most_similar(
    queries: np.ndarray, base: np.ndarray, k: int, block: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``base`` with the largest inner product with each row of ``queries``:
    ``(similarities, indices)``, both ``(len(queries), k)``, best first (equal similarities: lower
    index first). Exact; ``block`` queries at a time, so memory stays at ``block × len(base)``
    floats. On the sizes Heard searches (a batch against a few hundred centroids) one BLAS
    product is 3–5× faster than faiss's flat index, which it replaced."""
    n, m = len(queries), len(base)
    k = min(k, m)
    sims_out = np.empty((n, k), dtype=np.float32)
    idx_out = np.empty((n, k), dtype=np.int64)
    base_t = np.ascontiguousarray(base, dtype=np.float32).T
    for lo in range(0, n, block):
        sims = np.asarray(queries[lo : lo + block], dtype=np.float32) @ base_t
        if k == 1:
            top = sims.argmax(axis=1)[:, None]
        else:
            top = np.sort(
                np.argpartition(sims, m - k, axis=1)[:, m - k :]
                if k < m
                else np.broadcast_to(np.arange(m), sims.shape),
                axis=1,
            )
            top = np.take_along_axis(
                top,
                np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable"),
                axis=1,
            )
        sims_out[lo : lo + block] = np.take_along_axis(sims, top, axis=1)
        idx_out[lo : lo + block] = top
    return sims_out, idx_out


def nearest_posts(
    vecs: np.ndarray, centroids: np.ndarray, k: int, probes: int = PROBES
) -> np.ndarray:
    """For each row of ``vecs`` (unit vectors), the indices of its ``k + 1`` most similar rows
    (itself included) among the rows whose nearest centroid is one of the ``probes`` centroids
    nearest to it. Rows with fewer candidates repeat themselves."""
    n = len(vecs)
    width = k + 1
    probes = min(probes, len(centroids))
    _, probe = most_similar(vecs, centroids, probes)
    cell = probe[:, 0]
    by_cell = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[by_cell], np.arange(len(centroids) + 1))
    best_sim = np.full((n, probes * width), -np.inf, dtype=np.float32)
    best_idx = np.repeat(np.arange(n)[:, None], probes * width, axis=1)
    for slot in range(probes):
        column = probe[:, slot]
        by_probe = np.argsort(column, kind="stable")
        qbounds = np.searchsorted(column[by_probe], np.arange(len(centroids) + 1))
        for c in range(len(centroids)):
            members = by_cell[bounds[c] : bounds[c + 1]]
            if not len(members):
                continue
            take = min(width, len(members))
            cols = slot * width + np.arange(take)
            member_vecs = vecs[members]
            for lo in range(qbounds[c], qbounds[c + 1], CHUNK):  # bounded memory on a huge topic
                queries = by_probe[lo : min(lo + CHUNK, qbounds[c + 1])]
                sims = vecs[queries] @ member_vecs.T
                top = (
                    np.argpartition(sims, len(members) - take, axis=1)[:, -take:]
                    if take < len(members)
                    else np.broadcast_to(np.arange(len(members)), sims.shape)
                )
                best_sim[queries[:, None], cols] = np.take_along_axis(sims, top, axis=1)
                best_idx[queries[:, None], cols] = members[top]
    order = np.argsort(-best_sim, axis=1, kind="stable")[:, :width]
    return np.take_along_axis(best_idx, order, axis=1)


def majority_vote(labels: np.ndarray, neighbours: np.ndarray, rounds: int = ROUNDS) -> np.ndarray:
    """New labels: a row takes the label held by a strict majority of its neighbour row (which
    includes itself); -1 (unassigned) never counts. Otherwise it keeps its label."""
    labels = np.asarray(labels, dtype=np.int64)
    width = neighbours.shape[1]
    for _ in range(rounds):
        votes = np.sort(labels[neighbours], axis=1)
        winner = np.full(len(labels), -1, dtype=np.int64)
        wins = np.zeros(len(labels), dtype=np.int64)
        run = np.zeros(len(labels), dtype=np.int64)
        for j in range(width):
            run = np.where((j > 0) & (votes[:, j] == votes[:, max(j - 1, 0)]), run + 1, 1)
            better = (run > wins) & (votes[:, j] >= 0)
            winner = np.where(better, votes[:, j], winner)
            wins = np.where(better, run, wins)
        new = np.where(wins > width // 2, winner, labels)
        if (new == labels).all():
            break
        labels = new
    return labels
