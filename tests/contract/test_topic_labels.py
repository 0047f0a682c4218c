"""A topic's labels through time (what ``heard report --at`` shows): a ``labelled`` event each
time a run gives a topic another label, with the board's time then, on both backends."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from test_store_contract import T0, enrich, make_posts

from heard.store.queries.topics import labels_until, topic_events


def _row(topic_id: int, label: str) -> dict[str, Any]:
    return {"topic_id": topic_id, "label": label, "keywords": json.dumps([{"term": label}])}


def test_a_label_is_kept_with_the_board_time_it_was_given_at(open_target: Any) -> None:
    store = open_target()
    now = datetime(2026, 12, 7)
    first = make_posts(["停水 一", "停水 二"])
    store.write_batch(first, enrich(first), {"langid": "l", "sentiment": "s", "embed": "e"})
    store.topics.save_assignments([(p.id, 1, 0.5) for p in first], T0)
    store.execute(
        "INSERT INTO topics (topic_id, size, status, created_at, updated_at) "
        "VALUES (1, 2, 'active', ?, ?)",
        [now, now],
    )
    assert store.topics.record_labels([_row(1, "停水")], now) == 1
    store.execute("UPDATE topics SET label = '停水' WHERE topic_id = 1")
    assert store.topics.record_labels([_row(1, "停水")], now) == 0  # the same label: no event

    later = make_posts(["水压 低", "水压 不足"], start=60)  # an hour on
    store.write_batch(later, enrich(later), {"langid": "l", "sentiment": "s", "embed": "e"})
    assert store.topics.record_labels([_row(1, "水压 · 停水")], now) == 1

    first_end = T0.replace(tzinfo=None) + timedelta(minutes=1)
    assert labels_until(store, first_end - timedelta(seconds=1)) == {}  # none given by then
    assert labels_until(store, first_end)[1] == {"label": "停水", "keywords": [{"term": "停水"}]}
    assert labels_until(store, first_end + timedelta(hours=2))[1]["label"] == "水压 · 停水"
    assert [e["kind"] for e in topic_events(store, 1)] == []  # not in the topic's history


def test_the_labels_topics_bear_now(open_target: Any) -> None:
    """What a refresh keeps a label against (``steady_label``), on both backends."""
    store = open_target()
    now = datetime(2026, 12, 7)
    for tid, label in ((1, "停水 · 水压 · 物业"), (2, None), (3, "公交 · 站台 · 晚点")):
        store.execute(
            "INSERT INTO topics (topic_id, label, size, status, created_at, updated_at) "
            "VALUES (?, ?, 2, 'active', ?, ?)",
            [tid, label, now, now],
        )
    assert store.topics.stored_labels([3, 1, 2, 9]) == {
        1: "停水 · 水压 · 物业",
        3: "公交 · 站台 · 晚点",
    }
    assert store.topics.stored_labels([]) == {}
