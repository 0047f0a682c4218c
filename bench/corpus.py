"""Real posts for benchmarks, read from ../shared/data (never copied into the repo).

``real_posts(n)`` interleaves Chinese and English sources so every batch is mixed:
weibo_senti_100k (zh), COLD (zh), Teddy Cup 附件3/附件4 (zh, long message-board posts),
TweetEval (en tweets), SMS Spam Collection (en). Past the ~125k real texts available, it cycles
through them again under new ids (the texts repeat; the ids do not).
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _weibo() -> Iterator[str]:
    for name in ("test.tsv", "dev.tsv"):
        with open(SHARED / "weibo_senti_100k" / name, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t", 1)
                if len(parts) == 2 and parts[1].strip():
                    yield parts[1]


def _cold() -> Iterator[str]:
    for name in ("train.csv", "dev.csv", "test.csv"):
        with open(SHARED / "cold" / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("TEXT", "").strip():
                    yield row["TEXT"]


def _teddy() -> Iterator[str]:
    for name in (
        "attachment3_hot_issue_messages.csv",
        "attachment4_messages_with_official_replies.csv",
    ):
        with open(SHARED / "teddycup2020_c" / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield (row["留言主题"] + "\n" + row["留言详情"]).strip()


def _tweets() -> Iterator[str]:
    for path in sorted((SHARED / "tweeteval" / "datasets").glob("*/*_text.txt")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield line.strip()


def _sms() -> Iterator[str]:
    with open(SHARED / "sms_spam_collection" / "SMSSpamCollection.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t", 1)
            if len(parts) == 2 and parts[1].strip():
                yield parts[1]


def real_texts() -> list[tuple[str, str]]:
    """All real texts as (origin, text), Chinese and English interleaved."""
    zh = itertools.chain(
        (("weibo", t) for t in _weibo()),
        (("cold", t) for t in _cold()),
        (("teddycup", t) for t in _teddy()),
    )
    en = itertools.chain((("tweeteval", t) for t in _tweets()), (("sms", t) for t in _sms()))
    out: list[tuple[str, str]] = []
    for a, b in itertools.zip_longest(zh, en):
        if a:
            out.append(a)
        if b:
            out.append(b)
    return out


def write_jsonl(path: Path, n: int) -> dict[str, int]:
    """Write ``n`` real posts as JSONL (id, text, created_at, author); return counts by origin."""
    texts = real_texts()
    counts: dict[str, int] = {}
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            origin, text = texts[i % len(texts)]
            counts[origin] = counts.get(origin, 0) + 1
            minute = i % (14 * 24 * 60)
            fh.write(
                json.dumps(
                    {
                        "id": f"{origin}-{i}",
                        "text": text,
                        "created_at": f"2026-10-{26 + minute // 1440 % 6:02d}"
                        f"T{minute // 60 % 24:02d}:{minute % 60:02d}:00+08:00",
                        "author": f"user{i % 5000}",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    counts["distinct_real_texts"] = min(n, len(texts))
    return counts
