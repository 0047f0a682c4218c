"""A topic's members read whole and read as ids, then chosen vectors by id (what a
consolidation's merge step reads): the same posts in the same order on both backends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_store_contract import DIM, T0, enrich, make_posts

from heard.store.repos import topic_members


def test_member_ids_and_chosen_vectors_match_the_whole_read(
    open_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
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

    chosen = [ids[7], ids[0], ids[3], ids[0], "t:999"]  # any order, repeats kept, unknown left out
    for by_id_limit in (1000, 2):  # bound as an IN list; joined as a registered table
        monkeypatch.setattr(topic_members, "MEMBERS_BY_ID", by_id_limit)
        found, got = store.topics.embeddings_of(chosen, DIM)
        assert found == chosen[:4] and got.dtype == np.float32
        assert np.array_equal(got, np.array([by_id[i] for i in chosen[:4]]))
    found, got = store.topics.embeddings_of([], DIM)
    assert found == [] and got.shape == (0, DIM)


def test_a_large_topic_streams_into_place_with_the_same_members(
    open_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over ``MEMBERS_BY_ID`` posts a topic's vectors stream in batches (unsorted) and land in
    post id order; a post without an embedding is not a member, as in the small-topic read."""
    store = open_target()
    posts = make_posts([f"post {i}" for i in range(25)])
    columns = enrich(posts)
    store.write_batch(posts, columns, {"langid": "l", "sentiment": "s", "embed": "e"})
    store.topics.save_assignments([(p.id, 1, 0.5) for p in posts][::-1], T0)
    small_ids, small_vecs = store.topics.members(1, DIM)
    monkeypatch.setattr(topic_members, "MEMBERS_BY_ID", 4)
    monkeypatch.setattr(topic_members, "MEMBER_BATCH", 3)
    ids, vecs = store.topics.members(1, DIM)
    assert ids == small_ids == store.topics.member_ids(1) and len(ids) == 25
    assert np.array_equal(vecs, small_vecs) and vecs.dtype == np.float32

    store.execute("DELETE FROM embeddings WHERE post_id = ?", [posts[7].id])
    ids, vecs = store.topics.members(1, DIM)
    assert ids == store.topics.member_ids(1) and posts[7].id not in ids and len(ids) == 24
    by_id = {p.id: columns["embedding"][i] for i, p in enumerate(posts)}
    assert np.array_equal(vecs, np.array([by_id[i] for i in ids]))


def test_term_contexts_are_the_characters_around_a_terms_first_use_newest_first(
    open_target: Any,
) -> None:
    """What topic keywords read to tell a piece of a name (景园 of 伊景园滨河苑) from a word: the
    same windows of title and text on both backends, capped per (topic, term)."""
    store = open_target()
    texts = ["伊景园滨河苑捆绑车位", "买车位难，伊景园滨河苑", "景园开头", "无关的帖子"]
    texts.append("伊景园又停水")
    posts = make_posts(texts)
    store.write_batch(posts, enrich(posts), {"langid": "l", "sentiment": "s", "embed": "e"})
    store.topics.save_assignments([(p.id, 1, 0.5) for p in posts], T0)
    got = store.topics.term_contexts([(1, "景园"), (1, "车位"), (2, "景园")], 3, 1, 2)
    # posts 0, 2 and 4 carry a title ("title 0"); the newest first, three at most
    assert got[(1, "景园")] == ["伊景园又停", "\n景园开头", "伊景园滨河"]
    assert got[(1, "车位")] == ["买车位难，", "绑车位"]
    assert (2, "景园") not in got and store.topics.term_contexts([], 3, 1, 2) == {}
