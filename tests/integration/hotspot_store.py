"""A real DuckDB store holding topic-assigned posts with a planted burst (shared by tests)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from heard.records import Post
from heard.store import open_store

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)
BURST_AT = T0 + timedelta(days=3, hours=10)
NOW = datetime(2026, 3, 6, 6, 0)


def _post(i: int, at: datetime, author: str, text: str, likes: int = 0) -> Post:
    return Post(
        id=f"t:{i}",
        source="t",
        external_id=str(i),
        text=text,
        created_at=at,
        author_key=author,
        likes=likes,
    )


def build(path: Path, burst_authors: int = 30) -> Path:
    """Topic 1: a steady trickle (one post every 2 h, many authors) for four days.
    Topic 2: a few posts, then 30 posts in 5 minutes from ``burst_authors`` authors (a water main
    burst). Topic 3: 30 posts in 5 minutes from 3 authors only (below k = 5)."""
    posts, topics = [], []
    i = 0
    for h in range(0, 4 * 24, 2):
        posts.append(
            _post(
                i,
                T0 + timedelta(hours=h, minutes=7),
                f"author-key-a{h % 17}",
                f"公交12路晚点 第{h}小时",
            )
        )
        topics.append(1)
        i += 1
    for d in range(3):
        posts.append(_post(i, T0 + timedelta(days=d, hours=15), f"author-key-w{d}", "水压有点低"))
        topics.append(2)
        i += 1
    for k in range(30):
        text = (
            "东湖路水管爆裂，整条街停水了，电话13812345678没人接"
            if k == 0
            else f"东湖路停水第{k}条 <b>急</b>"
        )
        posts.append(
            _post(
                i,
                BURST_AT + timedelta(seconds=10 * k),
                f"author-key-b{k % burst_authors}",
                text,
                likes=100 if k == 0 else k,
            )
        )
        topics.append(2)
        i += 1
    for k in range(30):
        posts.append(
            _post(
                i,
                BURST_AT + timedelta(hours=5, seconds=10 * k),
                f"author-key-c{k % 3}",
                f"同一群人刷屏{k}",
            )
        )
        topics.append(3)
        i += 1
    scores = [(-0.6 if t == 2 else 0.1) for t in topics]
    with open_store(path) as store:
        store.write_batch(
            posts,
            {
                "sentiment_score": scores,
                "sentiment_label": ["negative" if s < 0 else "neutral" for s in scores],
            },
            {},
        )
        now = datetime(2026, 3, 6)
        for tid, label in [(1, "公交 12路 晚点"), (2, "停水 水管 爆裂"), (3, "刷屏")]:
            store.con.execute(
                "INSERT INTO topics (topic_id, label, keywords, places, size, status, created_at, "
                "updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'active', ?, ?)",
                [
                    tid,
                    label,
                    json.dumps(
                        [{"term": w, "weight": 1.0} for w in label.split()], ensure_ascii=False
                    ),
                    json.dumps([["东湖路", 5]], ensure_ascii=False),
                    topics.count(tid),
                    now,
                    now,
                ],
            )
        store.con.executemany(
            "INSERT INTO post_topics VALUES (?, ?, 0.9, ?)",
            [[p.id, t, now] for p, t in zip(posts, topics)],
        )
    return path
