"""Walking the topic list page by page on both stores: every topic comes once while topics grow
between pages, a walk through more topics than a cursor of ids could carry works, and a cursor
this server cannot read asks to start again; a merge between
pages skips no topic that is still there.

The cursor carried the ids of every topic the walk had shown: 15,000 topics of scattered ids
made it longer than ``MAX_CURSOR_CHARS`` (about 14,000 were the most a walk could go), and a
cursor of the (size, id) design before it was a 404 that named no way on."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest

from heard.errors import InputError, NotFoundError
from heard.read.common import MAX_CURSOR_CHARS, encode_cursor
from heard.read.topics import list_topics

T0 = datetime(2026, 11, 1, 8, 0)


def _topics(store: Any, sizes: dict[int, int], now: datetime) -> None:
    """What the topic operator stores for these topics: their sizes, stored at ``now``."""
    ids = sorted(sizes)
    store.topics.upsert_topics(
        ids, np.ones((len(ids), 4), np.float32), [0.5] * len(ids), [sizes[i] for i in ids], "m", now
    )


def _grow(store: Any, topic_id: int, size: int, now: datetime) -> None:
    """Posts join a topic: their assignments, then its new size, as a run stores them."""
    before = int(store.scalar("SELECT size FROM topics WHERE topic_id = ?", [topic_id]))
    rows = [(f"grown:{topic_id}:{n}", topic_id, 0.9) for n in range(before, size)]
    store.topics.save_assignments(rows, now)
    _topics(store, {topic_id: size}, now)


def _walk(store: Any, limit: int, between: Any = None) -> tuple[list[int], list[str]]:
    shown: list[int] = []
    cursors: list[str] = []
    cursor = None
    while True:
        page = list_topics(store, 0, limit=limit, cursor=cursor)
        shown += [int(t["topic_id"]) for t in page["topics"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return shown, cursors
        cursors.append(cursor)
        if between:
            between(len(cursors))


def test_every_topic_comes_once_while_topics_grow_between_pages(open_target: Any) -> None:
    store = open_target()
    sizes = {tid: 200 - tid for tid in range(1, 41)}  # topic 1 the biggest, 40 the smallest
    _topics(store, sizes, T0)

    def between(page: int) -> None:
        now = T0 + timedelta(minutes=page)
        if page == 1:
            _grow(store, 35, 500, now)  # below page 1's cut: then the biggest of all
            _grow(store, 30, 190, now)  # then level with page 1's last (190, 10): after it
        if page == 2:
            _grow(store, 3, 900, now)  # shown on page 1: it does not come again
            _topics(store, {41: 1000}, now)  # a new topic, the biggest: shown in this walk
        if page == 3:
            _grow(store, 20, 180, now)  # shown on page 2: it does not come again

    shown, _ = _walk(store, 10, between)
    assert [t for t, n in Counter(shown).items() if n > 1] == []
    assert set(shown) == set(range(1, 42))
    assert shown.index(35) < 20 and shown.index(30) < 20  # on the page after they grew


def test_a_walk_through_fifteen_thousand_scattered_topics(open_target: Any) -> None:
    store = open_target()
    rng = random.Random(7)
    ids = rng.sample(range(1, 2**31 - 1), 15_000)
    sizes = {tid: rng.randint(1, 3000) for tid in ids}
    _topics(store, sizes, T0)
    shown, cursors = _walk(store, 200)
    assert len(shown) == len(set(shown)) == 15_000
    assert [sizes[t] for t in shown] == sorted(sizes.values(), reverse=True)
    assert max(len(c) for c in cursors) < 200 < MAX_CURSOR_CHARS


@pytest.mark.parametrize(
    "cursor",
    [
        "AAAA",  # forged
        encode_cursor([120, 7]),  # a (size, id) cursor, two designs ago
        "eNpjYmQEAAAMAAU",  # a cursor of shown ids (1, 2, 3), the design before
        encode_cursor(["topics/2", "not a time", 1, 2]),
    ],
)
def test_a_cursor_this_server_cannot_read_says_to_start_again(
    open_target: Any, cursor: str
) -> None:
    store = open_target()
    _topics(store, {1: 10, 2: 9, 3: 8}, T0)
    with pytest.raises(InputError) as raised:
        list_topics(store, 0, limit=1, cursor=cursor)
    assert not isinstance(raised.value, NotFoundError)  # a 400, not a 404
    assert "first page" in str(raised.value.fix)


def _members(store: Any, sizes: dict[int, int], now: datetime) -> None:
    """The posts of these topics, assigned at ``now`` (a merge moves them)."""
    store.topics.save_assignments(
        [(f"p:{tid}:{n}", tid, 0.9) for tid, size in sizes.items() for n in range(size)], now
    )


def _merge(store: Any, absorbed: int, survivor: int, now: datetime) -> None:
    """What a run stores when its consolidation merges ``absorbed`` into ``survivor``: the posts
    relabelled, the absorbed topic marked merged, the survivor's new size, the history."""
    from heard.listen.analysis.topic_records import ConsolidationResult, TopicEvent
    from heard.listen.topics import persist

    before = {
        int(r["topic_id"]): int(r["size"])
        for r in store.rows(
            "SELECT topic_id, size FROM topics WHERE topic_id IN (?, ?)", [absorbed, survivor]
        )
    }
    with store.transaction():
        persist.apply_consolidation(store, ConsolidationResult({absorbed: survivor}, []), now)
        _topics(store, {survivor: before[survivor] + before[absorbed]}, now)
        persist.save_events(store, [TopicEvent("merged", absorbed, survivor, {})], now)


def test_a_merge_between_pages_skips_no_topic_that_is_still_there(open_target: Any) -> None:
    """Topic 15, not shown yet, absorbs topic 22 between pages 1 and 2 and becomes the biggest
    of all: it used to count as shown (its posts came by the merge, not by a new assignment), so
    the walk never listed it."""
    store = open_target()
    sizes = {tid: 200 - tid for tid in range(1, 31)}
    _topics(store, sizes, T0)
    _members(store, sizes, T0)

    def between(page: int) -> None:
        now = T0 + timedelta(minutes=page)
        if page == 1:
            _merge(store, 22, 15, now)  # below the mark, then above it: it comes on page 2
            _merge(store, 18, 4, now)  # shown on page 1 and still above: it does not come again
        if page == 2:
            _merge(store, 29, 26, now)  # both below the mark, 26 still below: it comes once

    shown, _ = _walk(store, 10, between)
    alive = set(range(1, 31)) - {22, 18, 29}
    assert alive - set(shown) == set()  # no topic that is still there is skipped
    assert set(shown) <= alive | {22, 18, 29}
    assert [t for t, n in Counter(shown).items() if n > 1] == []
    assert shown.index(15) < 20  # on the page after it grew


def test_chained_merges_between_pages_skip_no_topic(open_target: Any) -> None:
    """Two runs between pages: 20 absorbs 25, then 12 absorbs 20 (now above the mark)."""
    store = open_target()
    sizes = {tid: 200 - tid for tid in range(1, 31)}
    _topics(store, sizes, T0)
    _members(store, sizes, T0)

    def between(page: int) -> None:
        if page == 1:
            _merge(store, 25, 20, T0 + timedelta(minutes=1))
            _merge(store, 20, 12, T0 + timedelta(minutes=2))

    shown, _ = _walk(store, 10, between)
    assert set(range(1, 31)) - {25, 20} <= set(shown)
    assert [t for t, n in Counter(shown).items() if n > 1] == []
