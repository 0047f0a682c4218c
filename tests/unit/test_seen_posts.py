"""SeenPosts: the alert engine's memory of the posts already fed, compacted to 64-bit hashes."""

from __future__ import annotations

import tracemalloc

from heard.listen.hotspots.alerts import SeenPosts


def test_ids_are_remembered_across_compactions():
    seen = SeenPosts(compact_at=50)
    first = [f"feed.jsonl:{i}" for i in range(120)]
    assert seen.unseen(first[:3]) == [True, True, True]
    for pid in first:
        seen.add(pid)
    assert len(seen) == 120
    assert seen._hashes.size == 100 and len(seen._recent) == 20  # two compactions so far
    later = ["feed.jsonl:5", "feed.jsonl:119", "feed.jsonl:120", "other:5"]
    assert seen.unseen(later) == [False, False, True, True]  # compacted, recent, new, new
    for pid in first[:60]:  # adding known ids again does not grow the compacted part
        seen.add(pid)
    seen._compact()
    assert seen._hashes.size == 120 and len(seen) == 120
    assert list(seen._hashes) == sorted(seen._hashes)


def test_many_ids_take_a_fraction_of_a_set_of_strings():
    ids = [f"feed.jsonl:{i:012d}" for i in range(200_000)]
    tracemalloc.start()
    plain = set(ids)
    as_set = tracemalloc.get_traced_memory()[0]
    del plain
    tracemalloc.stop()
    tracemalloc.start()
    seen = SeenPosts()
    for pid in ids:
        seen.add(pid)
    compacted = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert seen.unseen(ids[:2] + ["feed.jsonl:x"]) == [False, False, True]
    assert compacted < as_set / 3
