"""heard.listen.analysis.topic_records._two_means sums each half in place (no copy of either);
its halves must be what summing copies of the rows gave, bit for bit, or topics would move."""

from __future__ import annotations

import numpy as np

from heard.listen.analysis.topic_records import _two_means, _unit


def _two_means_on_copies(vecs, rng, iters=10, sample=5000):
    # the version before: each half's rows copied, then summed
    pick = vecs if len(vecs) <= sample else vecs[rng.choice(len(vecs), sample, replace=False)]
    centre = _unit(pick.sum(axis=0))
    first = pick[int(np.argmin(pick @ centre))]
    second = pick[int(np.argmin(pick @ first))]
    cents = np.stack([first, second])
    labels = np.zeros(len(vecs), dtype=np.int64)
    for step in range(iters):
        new = np.argmax(vecs @ cents.T, axis=1)
        if (new == labels).all() and step > 0:
            break
        labels = new
        if labels.min() == labels.max():
            return None
        cents = np.stack([_unit(vecs[labels == c].sum(axis=0)) for c in (0, 1)])
    return np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)


def test_the_halves_are_those_of_summing_copies_bit_for_bit():
    data = np.random.default_rng(3)
    for rows, dim in ((50, 16), (3_000, 64), (12_000, 96)):
        # overlapping groups: several iterations, and rows near the boundary
        centres = data.standard_normal((3, dim))
        vecs = centres[data.integers(0, 3, rows)] + 1.2 * data.standard_normal((rows, dim))
        vecs = _unit(vecs.astype(np.float32))
        got = _two_means(vecs, np.random.default_rng([0, rows]))
        want = _two_means_on_copies(vecs, np.random.default_rng([0, rows]))
        assert got is not None and want is not None
        assert all(np.array_equal(g, w) for g, w in zip(got, want))


def test_a_masked_sum_adds_the_same_rows_in_the_same_order_as_a_copy():
    # what the halves rest on: rounding too is unchanged (a label flip needs a tie to show it)
    data = np.random.default_rng(7)
    for rows in (3, 1_000, 20_001):
        v = data.standard_normal((rows, 96)).astype(np.float32)
        mask = data.random(rows) < 0.3
        assert np.array_equal(np.sum(v, axis=0, where=mask[:, None]), v[mask].sum(axis=0))
