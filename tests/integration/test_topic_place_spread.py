"""Within a level, a topic's places are ranked by how much they belong to it: a road every topic
names (五一大道) comes after a place this topic has to itself (幸福家园小区), on a real DuckDB
store, whether every topic is refreshed or one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np

from heard.listen.topics.represent import refresh_representation
from heard.models.use_int8 import model_name
from heard.records import Post
from heard.store import open_store

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
TOPICS = {
    1: ["五一大道停水了，幸福家园小区也没水"] * 2 + ["五一大道停水了，什么时候恢复"] * 2,
    2: ["五一大道的公交车又晚点了"] * 3 + ["芙蓉路的公交车又晚点了"] * 3,
    3: ["五一大道的公交车太挤了"] * 2 + ["雨花亭街道施工噪音扰民"] * 3,
}


def _unit(seed: int) -> np.ndarray:
    vec = np.random.default_rng(seed).normal(size=512)
    return vec / np.linalg.norm(vec)


def _build(path) -> None:
    from heard.stages.tokens import search_terms

    posts, topic_of = [], []
    for tid, texts in TOPICS.items():
        for i, text in enumerate(texts):
            posts.append(
                Post(
                    id=f"t{tid}:{i}",
                    source="seed",
                    external_id=f"{tid}-{i}",
                    text=f"{text} #{i}",  # distinct texts: exact duplicates are folded
                    created_at=T0 + timedelta(hours=i),
                    author_key=f"author-{tid}-{i}",
                )
            )
            topic_of.append(tid)
    rng = np.random.default_rng(0)
    vectors = [_unit(t) + rng.normal(scale=0.01, size=512) for t in topic_of]
    columns = {
        "embedding": np.stack([v / np.linalg.norm(v) for v in vectors]).astype(np.float32),
        "lang": ["zh"] * len(posts),
        "search_text": [search_terms(p.text) for p in posts],
        "sentiment_score": [-0.5] * len(posts),
        "sentiment_label": ["negative"] * len(posts),
    }
    now = datetime(2026, 11, 4)
    with open_store(path) as store:
        store.write_batch(posts, columns, {"embed": model_name()}, [], source="seed")
        for tid in TOPICS:
            store.con.execute(
                "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, "
                "first_seen, last_seen, sentiment_mean, representative, status, created_at, "
                "updated_at, centroid, coherence) "
                "VALUES (?, '', '[]', '[]', ?, ?, ?, ?, -0.5, '[]', 'active', ?, ?, ?, 0.8)",
                [
                    tid,
                    topic_of.count(tid),
                    topic_of.count(tid),
                    T0.replace(tzinfo=None),
                    now,
                    now,
                    now,
                    _unit(tid).astype(np.float32).tolist(),
                ],
            )
        store.con.executemany(
            "INSERT INTO post_topics VALUES (?, ?, 0.9, ?)",
            [[p.id, t, now] for p, t in zip(posts, topic_of)],
        )


def _places(store, tid: int) -> list[str]:
    raw = store.rows(f"SELECT places FROM topics WHERE topic_id = {tid}")[0]["places"]
    return [name for name, _count in json.loads(raw)]


def test_a_place_every_topic_names_ranks_below_this_topics_own(tmp_path):
    db = tmp_path / "places.duckdb"
    _build(db)
    now = datetime(2026, 11, 4)
    with open_store(db) as store:
        assert refresh_representation(store, None, now) == 3
        water = _places(store, 1)
        # 五一大道 is named 4 times here, 幸福家园小区 twice; but every topic names 五一大道
        assert water[:2] == ["幸福家园小区", "五一大道"], water
        assert _places(store, 2)[:2] == ["芙蓉路", "五一大道"]
        # one topic refreshed alone weighs the others' stored places the same way
        store.con.execute("UPDATE topics SET places = '[]' WHERE topic_id = 1")
        assert refresh_representation(store, [1], now) == 1
        assert _places(store, 1) == water
