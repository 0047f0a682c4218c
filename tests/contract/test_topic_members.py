"""A topic's members read whole and read as ids, then chosen vectors by id (what a
consolidation's merge step reads): the same posts in the same order on both backends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_store_contract import DIM, T0, enrich, make_posts


def test_member_ids_and_chosen_vectors_match_the_whole_read(open_target: Any) -> None:
    store = open_target()
    posts = make_posts([f"post {i}" for i in range(30)])
    columns = enrich(posts)
    store.write_batch(posts, columns, {"langid": "l", "sentiment": "s", "embed": "e"})
    # topic 1 holds every third post, the rest wait in topic 2; written out of id order
    rows = [(p.id, 1 if i % 3 == 0 else 2, 0.5) for i, p in enumerate(posts)][::-1]
    store.topics.save_assignments(rows, T0)

    ids, vecs = store.topics.members(1, DIM)
    assert store.topics.member_ids(1) == ids == sorted(ids) and len(ids) == 10
    by_id = {p.id: columns["embedding"][i] for i, p in enumerate(posts)}
    assert np.array_equal(vecs, np.array([by_id[i] for i in ids]))

    chosen = [ids[7], ids[0], ids[3], ids[0]]  # any order, repeats kept
    got = store.topics.vectors_by_id(chosen, DIM)
    assert got.dtype == np.float32 and np.array_equal(got, np.array([by_id[i] for i in chosen]))
    assert store.topics.vectors_by_id([], DIM).shape == (0, DIM)
    with pytest.raises(KeyError, match="no embedding"):
        store.topics.vectors_by_id(["t:999"], DIM)
