"""What HarmStage costs inside the enrichment stages: A/B on the same posts, interleaved.

    PYTHONPATH=src .venv/bin/python bench/protect_stage_cost.py [--posts 2000] [--rounds 3]
    # → bench/results/protect_stage_cost.json

Posts: a mix like bench/ingest_throughput.py's (weibo_senti_100k dev, TweetEval sentiment test,
COLD dev), in batches of 512. A = normalise → langid → tokens → embed → sentiment; B = A + harm.
Rounds alternate A and B so that machine load (shared cores) hits both alike; the ratio of the
best A to the best B is the share of enrichment throughput kept with protect on. Storage and
topics are left out (they would add the same cost to both), so the ratio is a lower bound for
the ingest ratio the issue asks about (≥ 0.85).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "src"))

from heard.pipeline.batch import Batch  # noqa: E402
from heard.protect.stage import HarmStage  # noqa: E402
from heard.records import Post  # noqa: E402


def posts(n: int) -> list[Post]:
    rng = random.Random(7)
    weibo = [
        x.split("\t", 1)[1]
        for x in (DATA / "weibo_senti_100k" / "dev.tsv").read_text(encoding="utf-8").splitlines()
        if "\t" in x
    ]
    tweets = (
        (DATA / "tweeteval" / "datasets" / "sentiment" / "test_text.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    with (DATA / "cold" / "dev.csv").open(encoding="utf-8-sig", newline="") as fh:
        cold = [r["TEXT"] for r in csv.DictReader(fh)]
    texts = (
        rng.sample(weibo, n * 4 // 10)
        + rng.sample(tweets, n * 5 // 10)
        + rng.sample(cold, n - n * 9 // 10)
    )
    rng.shuffle(texts)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    return [
        Post(id=f"b:{i}", source="b", external_id=str(i), text=t, created_at=now)
        for i, t in enumerate(texts)
    ]


def run(stages, items: list[Post], batch_size: int = 512) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(items), batch_size):
        batch = Batch(items[i : i + batch_size])
        for stage in stages:
            batch = stage.process(batch)
    return time.perf_counter() - t0


def main() -> None:
    from heard.models import make_embedder
    from heard.stages import (
        EmbedStage,
        LangIdStage,
        NormaliseStage,
        Segmenter,
        SentimentStage,
        TokensStage,
    )

    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = posts(args.posts)
    embedder = make_embedder("use-int8", threads=2)
    base = [
        NormaliseStage(),
        LangIdStage(),
        TokensStage(Segmenter(None)),
        EmbedStage(embedder),
        SentimentStage(embedder_name=embedder.name),
    ]
    harm = HarmStage()
    run(base + [harm], items[:256])  # warm caches and models
    a, b, h = [], [], []
    for _ in range(args.rounds):
        a.append(run(base, items))
        b.append(run(base + [harm], items))
        h.append(run([harm], items))
    result = {
        "bench": "protect_stage_cost",
        "command": f"bench/protect_stage_cost.py --posts {args.posts} --rounds {args.rounds}",
        "posts": len(items),
        "mean_chars": round(sum(len(p.text) for p in items) / len(items)),
        "seconds_without_harm": [round(x, 2) for x in a],
        "seconds_with_harm": [round(x, 2) for x in b],
        "seconds_harm_alone": [round(x, 2) for x in h],
        "posts_per_s_without": round(len(items) / min(a), 1),
        "posts_per_s_with": round(len(items) / min(b), 1),
        "harm_alone_ms_per_post": round(1000 * min(h) / len(items), 3),
        "throughput_kept": round(min(a) / min(b), 3),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    out = REPO / "bench" / "results" / "protect_stage_cost.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
