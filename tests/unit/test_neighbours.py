"""The neighbour vote: exact neighbours within the probed lists, strict majorities only, and the
clusterer's bookkeeping when posts move."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from heard.listen.analysis import neighbours
from heard.listen.analysis.clustering import ClusterParams, cluster_array
from heard.listen.analysis.neighbours import majority_vote, most_similar, nearest_posts


def unit_rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_most_similar_is_an_exact_sorted_top_k_over_several_blocks():
    queries, base = unit_rows(50, seed=2), unit_rows(40, seed=3)
    sims = queries @ base.T
    for k in (1, 3, 40, 60):  # k at and beyond the base size gives every row, best first
        got_sims, got = most_similar(queries, base, k, block=16)
        want = np.argsort(-sims, axis=1, kind="stable")[:, : min(k, 40)]
        assert got.shape == want.shape == got_sims.shape
        assert (got == want).all()
        assert np.allclose(got_sims, np.take_along_axis(sims, want, 1), atol=1e-6)
    ties = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    assert most_similar(ties[:1], ties, 2)[1].tolist() == [
        [0, 1]
    ]  # equal similarity: lower index first


def test_nearest_posts_is_exact_when_every_list_is_probed(monkeypatch):
    monkeypatch.setattr(neighbours, "CHUNK", 16)  # several chunks per list
    vecs, cents = unit_rows(300), unit_rows(6, seed=1)
    got = nearest_posts(vecs, cents, k=5, probes=6)
    sims = vecs @ vecs.T
    want = np.argsort(-sims, axis=1, kind="stable")[:, :6]
    assert (got[:, 0] == np.arange(300)).all()  # each post is its own nearest
    assert np.allclose(
        np.take_along_axis(sims, got, 1), np.take_along_axis(sims, want, 1), atol=1e-6
    )


def test_majority_vote_needs_a_strict_majority_and_ignores_unassigned():
    labels = np.array([1, 1, 1, 2, -1, -1, -1])
    neighbours = np.array(
        [
            [3, 0, 1],  # post 0: votes 2, 1, 1 → stays in 1
            [1, 0, 2],
            [2, 0, 1],
            [3, 0, 1],  # post 3 (topic 2) among two of topic 1 → moves to 1
            [4, 5, 6],  # only unassigned: stays unassigned
            [5, 0, 4],  # one vote for 1 of three: no majority
            [6, 0, 1],  # two of three for topic 1: joins it
        ]
    )
    assert majority_vote(labels, neighbours, rounds=1).tolist() == [1, 1, 1, 1, -1, -1, 1]


def reaching_groups(dim: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """A broad group around ``a`` and a compact group strung from ``b`` halfway towards ``a``: its
    far
    end is nearer to the broad group's centroid than to its own, but its neighbours are its own."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=dim)
    a /= np.linalg.norm(a)
    b = rng.normal(size=dim)
    b -= (b @ a) * a
    b /= np.linalg.norm(b)
    rng = np.random.default_rng(1)
    broad = a + 0.8 * rng.normal(size=(200, dim)) / np.sqrt(dim)
    t = np.linspace(0, 0.5, 150)[:, None]
    strung = (1 - t) * b + t * a + 0.05 * rng.normal(size=(150, dim)) / np.sqrt(dim)
    vecs = np.vstack([broad, strung])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    gold = np.repeat([0, 1], [200, 150])
    order = rng.permutation(len(vecs))
    return vecs[order].astype(np.float32), gold[order]


def test_vote_pulls_posts_back_to_their_neighbours_records_it_and_keeps_sums_exact():
    vecs, gold = reaching_groups()
    plain, _ = cluster_array(vecs, ClusterParams(vote_k=0), batch_size=50)
    voted, clusterer = cluster_array(vecs, ClusterParams(vote_k=10), batch_size=50)
    assert adjusted_rand_score(gold, plain) < 0.95  # centroids alone mis-place the far end
    assert adjusted_rand_score(gold, voted) > 0.99
    moves = [e for e in clusterer.events if e.kind == "moved"]
    assert sum(e.detail["posts"] for e in moves) >= 5
    for row, tid in enumerate(clusterer.ids):  # sums and sizes match the members after the moves
        members = vecs[voted == tid]
        assert clusterer.sizes[row] == len(members)
        assert np.allclose(clusterer.sums[row], members.sum(axis=0, dtype=np.float64), atol=1e-4)
    again, _ = cluster_array(vecs, ClusterParams(vote_k=10), batch_size=50)
    assert (voted == again).all()
