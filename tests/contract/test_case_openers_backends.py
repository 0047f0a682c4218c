"""Which stored posts the cases operator opens cases for, on DuckDB and PostgreSQL alike:
``posts_without_case`` keeps to the sources asked for and leaves out a post an automated
decision actioned (spam or a scam); ``automated_spam`` names those posts, and only them."""

from __future__ import annotations

import json
from datetime import datetime

from heard.records import Post

NOW = datetime(2026, 3, 2, 9, 0)


def _decision(post_id: str, decision: str, automated: bool) -> dict:
    return {
        "decision_id": f"d-{post_id}",
        "post_id": post_id,
        "flag_ids": json.dumps([]),
        "decision": decision,
        "label": "scam_fraud",
        "automated_detection": True,
        "automated_decision": automated,
        "moderator": None if automated else "mod",
        "facts": "test",
        "ground": "terms_of_service",
        "created_at": NOW,
        "statement": "{}",
    }


def test_posts_without_case_and_automated_spam(open_target):
    store = open_target()
    posts = [
        Post(id=f"{source}:{n}", source=source, external_id=str(n), text=f"站牌坏了 {n}",
             created_at=NOW)
        for source, n in (("board", 1), ("board", 2), ("board", 3), ("weibo", 4))
    ]  # fmt: skip
    store.write_batch(posts, {}, {})
    store.protect.insert_decision(_decision("board:2", "limit_visibility", automated=True))
    store.protect.insert_decision(_decision("board:3", "remove", automated=False))

    ids = [p.id for p in posts]
    assert store.cases.automated_spam(ids) == {"board:2"}
    assert store.cases.automated_spam([]) == set()
    every = [r["id"] for r in store.cases.posts_without_case(10)]
    assert every == ["board:1", "board:3", "weibo:4"]
    board = [r["id"] for r in store.cases.posts_without_case(10, ["board"])]
    assert board == ["board:1", "board:3"]
