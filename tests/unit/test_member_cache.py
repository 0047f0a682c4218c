"""heard.listen.analysis.member_cache: a consolidation's member reads, kept within a budget."""

from __future__ import annotations

import numpy as np

from heard.listen.analysis.member_cache import MemberCache


def _source(sizes: dict[int, int], calls: list[int]):
    def members(tid: int):
        calls.append(tid)
        n = sizes[tid]
        return [f"{tid}-{i}" for i in range(n)], np.full((n, 4), tid, dtype=np.float32)

    return members


def test_a_topic_read_twice_is_read_from_the_store_once():
    calls: list[int] = []
    cache = MemberCache(_source({1: 10, 2: 10}, calls), budget=10_000)
    first = cache(1)
    cache(2)
    again = cache(1)
    assert calls == [1, 2] and again[0] == first[0]
    assert np.array_equal(again[1], first[1])


def test_the_budget_evicts_the_least_recently_used_topic():
    calls: list[int] = []
    row = 4 * 4  # bytes per member vector
    cache = MemberCache(_source({1: 10, 2: 10, 3: 10}, calls), budget=25 * row)
    cache(1), cache(2), cache(1)  # 1 is now the most recent
    cache(3)  # 30 rows > 25: 2 goes
    assert cache.kept_bytes <= 25 * row
    cache(1)
    cache(2)
    assert calls == [1, 2, 3, 2]


def test_a_topic_over_the_budget_is_returned_but_not_kept():
    calls: list[int] = []
    cache = MemberCache(_source({1: 100}, calls), budget=64)
    keys, vecs = cache(1)
    assert len(keys) == 100 and vecs.shape == (100, 4)
    assert cache.kept_bytes == 0
    cache(1)
    assert calls == [1, 1]
