"""heard.listen.analysis.topic_records._unit: rows scaled to unit length without full-size
temporaries, and bit for bit what the plain formula gives (topics must not move); the split's
halves summed in place, also bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from heard.listen.analysis.topic_records import NORM_ROWS, _unit


def _plain(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


@pytest.mark.parametrize("rows", [1, 5, NORM_ROWS, NORM_ROWS + 1, 2 * NORM_ROWS + 7])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chunked_norms_give_the_plain_result_bit_for_bit(rows, dtype):
    rng = np.random.default_rng(rows)
    v = (rng.standard_normal((rows, 64)) * rng.uniform(0.01, 5, (rows, 1))).astype(dtype)
    v[0] = 0  # a zero row stays zero, no division by zero
    expected = _plain(v)
    got = _unit(v.copy())
    assert got.dtype == np.float32 and np.array_equal(got, expected)
    assert not np.any(np.isnan(got[0]))
    centred = v - v.mean(axis=0)
    assert np.array_equal(_unit(centred.copy(), scratch=True), _plain(centred))


def test_scratch_scales_float32_rows_in_place_and_leaves_other_input_alone():
    v = np.random.default_rng(0).standard_normal((NORM_ROWS + 3, 8)).astype(np.float32)
    kept = v.copy()
    assert _unit(v) is not v and np.array_equal(v, kept)  # the caller's array is not touched
    out = _unit(v, scratch=True)
    assert out is v and np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)
    w = kept.astype(np.float64)
    assert _unit(w, scratch=True) is not w  # float64 in: a float32 copy, input unchanged
    assert np.array_equal(w, kept.astype(np.float64))


def test_a_single_vector_is_scaled_too():
    v = np.array([3.0, 4.0])
    assert np.allclose(_unit(v), [0.6, 0.8]) and _unit(v).dtype == np.float32


def test_a_masked_row_sum_is_the_sum_of_the_rows_copy_bit_for_bit():
    # _two_means sums each half in place; its centres must not move by a bit
    rng = np.random.default_rng(7)
    for rows in (3, 1000, 20_001):
        v = rng.standard_normal((rows, 96)).astype(np.float32)
        mask = rng.random(rows) < 0.3
        assert np.array_equal(np.sum(v, axis=0, where=mask[:, None]), v[mask].sum(axis=0))
