"""Language-neutral merging on bilingual streams: what it joins, and what it must not.

The labelled sets are each in one language, where the language-neutral merge view does nothing
(a stream in one language has no language direction). To see what it does on a bilingual stream,
this bench mixes the Chinese Teddy Cup titles (7 labels) with each English set, in a seeded random
arrival order, and clusters the mix with the view on and off. Chinese and English labels are
disjoint by construction, so every topic that holds both languages in quantity is a wrong merge:

* ``nmi`` on the mix (Chinese and English labels kept apart), on and off;
* ``mixed_topic_posts``: posts in topics where the smaller language has at least 10 % of the
  posts (and at least 5 of them) — all of them errors here;
* ``neutral_merges``: merges that only the language-neutral view allowed.

Languages are those of the sets (zh / en), not detected. Embeddings come from the cache that
bench/topics_quality.py fills (``$HEARD_BENCH_CACHE``).

    .venv/bin/python bench/topics_crosslingual.py [--seed 0] [--english Tweet GoogleNews ...]

Prints JSON and writes bench/results/topics_crosslingual.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import normalized_mutual_info_score
from topics_data import load
from topics_quality import embed_cached, singletons, use_encoder

from heard.analysis.clustering import ClusterParams, cluster_array

RESULTS = Path(__file__).resolve().parent / "results"
ENGLISH = ("Tweet", "GoogleNews", "SearchSnippets", "StackOverflow", "AGNews")


def mixed(english: str, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Teddy Cup titles + one English set, shuffled: vectors, gold labels (disjoint), languages."""
    zh_vecs, _ = embed_cached("TeddyCup", "use", use_encoder)
    en_vecs, _ = embed_cached(english, "use", use_encoder)
    _, zh_gold = load("TeddyCup")
    _, en_gold = load(english)
    vecs = np.vstack([zh_vecs, en_vecs])
    gold = np.concatenate([zh_gold, en_gold + zh_gold.max() + 1])
    langs = np.array(["zh"] * len(zh_vecs) + ["en"] * len(en_vecs))
    order = np.random.default_rng(seed).permutation(len(vecs))
    return vecs[order], gold[order], langs[order].tolist()


def mixed_topic_posts(labels: np.ndarray, langs: list[str]) -> int:
    is_zh = np.asarray(langs) == "zh"
    total = 0
    for tid in np.unique(labels[labels >= 0]):
        members = labels == tid
        zh, en = int((members & is_zh).sum()), int((members & ~is_zh).sum())
        if min(zh, en) >= 5 and min(zh, en) >= 0.1 * (zh + en):
            total += zh + en
    return total


def run(english: str, seed: int) -> dict:
    vecs, gold, langs = mixed(english, seed)
    out: dict = {"english": english, "posts": len(vecs), "zh_posts": langs.count("zh")}
    for name, neutral in (("off", False), ("on", True)):
        start = time.perf_counter()
        labels, clusterer = cluster_array(vecs, ClusterParams(language_neutral=neutral), langs=langs)
        events = [e for e in clusterer.events if e.kind == "merged"]
        out[name] = {
            "nmi": round(float(normalized_mutual_info_score(gold, singletons(labels))), 4),
            "topics": clusterer.n_topics,
            "mixed_topic_posts": mixed_topic_posts(labels, langs),
            "merges": len(events),
            "neutral_merges": sum(1 for e in events if e.detail.get("language_neutral")),
            "seconds": round(time.perf_counter() - start, 2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--english", nargs="+", default=list(ENGLISH), choices=ENGLISH)
    args = parser.parse_args()
    rows = [run(name, args.seed) for name in args.english]
    summary = {
        "bench": "topics_crosslingual",
        "command": f"python bench/topics_crosslingual.py --seed {args.seed} --english {' '.join(args.english)}",
        "machine": platform.processor() or platform.machine(),
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "topics_crosslingual.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
