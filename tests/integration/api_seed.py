"""A real DuckDB store for the API, role and browser tests: bilingual posts with authors, two
topics (one below k = 5 authors) represented by Heard's own code, quarantined rows, and three
accounts with API tokens.

Built with the store's own writer and the tokens stage's ``search_terms`` (the segmentation the
ingest pipeline stores), without loading the embedder, so it takes well under a second.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from heard.auth import Accounts, Role
from heard.records import Post, Quarantined
from heard.store import open_store
from heard.listen.topics.represent import refresh_representation
from heard.models.use_int8 import model_name

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
PASSWORD = "correct-horse-9"
DEFAULT_EMBEDDER = model_name()
"""The seed's vectors are made up, but recorded as the default embedder's, so that an upload
into the seeded store (dashboard, API) embeds into the same space rather than being refused."""
CASE_TOKEN = "seed-case-token-0123456789"
"""The public token of the closed water case (``CLOSED_CASE``), as its filer keeps it."""
WATER = [
    "东湖路水管爆裂，整条街停水了",
    "东湖路停水一整天，什么时候恢复供水？",
    "我们小区也停水了，东湖路附近",
    "停水没有通知，老人用水很困难",
    "东湖路抢修进度呢？停水太久",
    "Water main burst on Donghu Road, no water since morning",
    "Still no water on Donghu Road, when will it be fixed?",
]
BUS = [
    "Bus 12 is late again this morning",
    "The number 12 bus skipped our stop",
    "12路公交车又晚点了",
    "公交12路今天等了四十分钟",
]


def _unit_vector(seed: int, dim: int = 512) -> list[float]:
    """A stand-in topic centroid (the seed has no embedder), so uploads can extend these topics."""
    vec = np.random.default_rng(seed).normal(size=dim)
    return (vec / np.linalg.norm(vec)).astype(np.float32).tolist()


def _near(centroid: list[float], rng: np.random.Generator, noise: float = 0.02) -> np.ndarray:
    vec = np.asarray(centroid) + rng.normal(scale=noise, size=len(centroid))
    return vec / np.linalg.norm(vec)


def build(path: Path) -> dict[str, str]:
    """Create the store at ``path``; return the API tokens by role name."""
    from heard.stages.tokens import search_terms

    posts: list[Post] = []
    langs, topic_of = [], []
    for i in range(35):
        text = WATER[i % len(WATER)] + f" #{i}"
        if i == 3:
            text += " 联系电话13812345678"
        if i == 4:
            text += " 我家在东湖路88号3栋2单元401室"
        if i == 6:
            text += " @东湖小王 你家也停了吗"
        posts.append(
            Post(
                id=f"seed:w{i}",
                source="seed",
                external_id=f"w{i}",
                text=text,
                created_at=T0 + timedelta(days=1, hours=i % 12, minutes=i),
                author_key=f"authorkey-w{i % 9}",
                likes=i,
            )
        )
        langs.append("en" if text[0].isascii() else "zh")
        topic_of.append(1)
    for i in range(12):
        text = BUS[i % len(BUS)] + f" #{i}"
        posts.append(
            Post(
                id=f"seed:b{i}",
                source="seed2",
                external_id=f"b{i}",
                text=text,
                created_at=T0 + timedelta(hours=i),
                author_key=f"authorkey-b{i % 3}",
            )
        )
        langs.append("en" if text[0].isascii() else "zh")
        topic_of.append(2)
    scores = [-0.6 if t == 1 else 0.1 for t in topic_of]
    rng = np.random.default_rng(0)
    columns = {
        "embedding": np.stack([_near(_unit_vector(t), rng) for t in topic_of]).astype(np.float32),
        "lang": langs,
        "search_text": [search_terms(p.text) for p in posts],
        "sentiment_score": scores,
        "sentiment_label": ["negative" if s < 0 else "neutral" for s in scores],
    }
    bad = [
        Quarantined("upload.jsonl", 7, "malformed_json", "line 7 is not JSON", '{"text": "broken'),
        Quarantined("upload.jsonl", 9, "text_too_long", "over 100000 chars", "x" * 50),
    ]
    tokens: dict[str, str] = {}
    with open_store(path) as store:
        store.write_batch(
            posts, columns, {"langid": "test@0", "embed": DEFAULT_EMBEDDER}, bad, source="seed"
        )
        now = datetime(2026, 11, 4)
        for tid, label, kws, n_authors in [
            (1, "东湖路 停水", ["停水", "东湖路", "water"], 9),
            (2, "12路 公交 晚点", ["公交", "bus", "晚点"], 3),
        ]:
            store.con.execute(
                "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, "
                "first_seen, last_seen, "
                "sentiment_mean, representative, status, created_at, updated_at, centroid, "
                "coherence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, 0.8)",
                [
                    tid,
                    label,
                    json.dumps([{"term": w, "weight": 1.0} for w in kws], ensure_ascii=False),
                    json.dumps([["东湖路", 5]], ensure_ascii=False),
                    topic_of.count(tid),
                    n_authors,
                    T0.replace(tzinfo=None),
                    now,
                    -0.6 if tid == 1 else 0.1,
                    json.dumps([p.id for p, t in zip(posts, topic_of) if t == tid][:3]),
                    now,
                    now,
                    _unit_vector(tid),
                ],
            )
        store.con.executemany(
            "INSERT INTO post_topics VALUES (?, ?, 0.9, ?)",
            [[p.id, t, now] for p, t in zip(posts, topic_of)],
        )
        refresh_representation(store, None, now)  # the real one: keywords, series, places …
        store.rebuild_search_index(finished=True)  # a finished run: no end-of-run work owed
        CLOSED_CASE.update(_seed_cases(store))
        accounts = Accounts(store)
        for role in Role:
            accounts.add_user(
                role.name, PASSWORD, role, "transport" if role == Role.responder else None
            )
            tokens[role.name] = accounts.create_token(role.name, "tests")[1]
    return tokens


CLOSED_CASE: dict[str, str] = {}
"""Filled by ``build``: the id of the water case that is closed with a reply."""


def _seed_cases(store) -> dict[str, str]:
    """Two departments and two cases: water's (the post with a phone number) answered and
    closed, its token ``CASE_TOKEN``; transport's (a bus post) open and past its deadline."""
    from heard.answer import cases as workflow
    from heard.answer.departments import parse_departments

    departments = parse_departments(
        [
            {"code": "water", "name_zh": "供水", "name_en": "Water supply",
             "description_en": "mains, supply cuts, water quality", "keywords": ["停水", "water"]},
            {"code": "transport", "name_zh": "交通运输", "name_en": "Transport",
             "description_en": "buses, roads, parking", "keywords": ["公交", "bus"]},
        ]
    )  # fmt: skip
    store.cases.save_departments([d.to_dict() for d in departments])
    opened_at = T0 + timedelta(days=1, hours=3, minutes=3)
    water, water_event = workflow.new_case(
        "seed:w3", opened_at, "water", deadline_days=5, confidence=0.91,
        routed_by="seed", explanation=None, at=opened_at,
    )  # fmt: skip
    water["public_token_hash"] = workflow.hash_token(CASE_TOKEN)
    bus, bus_event = workflow.new_case(
        "seed:b0", T0, "transport", deadline_days=1, confidence=0.8,
        routed_by="seed", explanation=None, at=T0,
    )  # fmt: skip
    store.cases.open_cases([water, bus], [water_event, bus_event])
    replied = workflow.reply(
        water, "抢修已完成，东湖路已恢复供水。如仍有问题请拨打供水热线。", "water",
        opened_at + timedelta(days=1), role="responder", actor="responder", close_as="fixed",
    )  # fmt: skip
    workflow.apply(store, replied)
    return {"water": water["case_id"], "transport": bus["case_id"]}


ISSUES = {"water": 1, "bus": 2}
"""Issue ids written by ``add_issues``."""


def add_issues(path: Path) -> None:
    """Two issues, written with the store's own writer (``store.issues.replace``): 东湖路's
    water cut (every water post, 9 authors: shown) and the number 12 bus (3 authors: below k = 5,
    never shown). The water case of ``build`` is one of the first issue's messages."""
    from heard.listen.issues.measure import IssueRecord

    def record(issue_id, place, problem, title, members, authors):
        start, end = T0.timestamp(), (T0 + timedelta(days=2)).timestamp()
        return IssueRecord(
            place, place, problem, [problem], title, len(members), len(members), authors,
            start, end, 12.5, {"components": {"volume": 1.0}}, 0.01, True, 1, 0.8,
            members, {}, issue_id,
        )  # fmt: skip

    with open_store(path) as store:
        store.issues.replace(
            [
                record(ISSUES["water"], "东湖路", "停水", "东湖路停水一整天，什么时候恢复供水？",
                       [f"seed:w{i}" for i in range(35)], 9),
                record(ISSUES["bus"], "12路", "晚点", "12路公交车又晚点了",
                       [f"seed:b{i}" for i in range(12)], 3),
            ],
            datetime(2026, 11, 4),
        )  # fmt: skip
