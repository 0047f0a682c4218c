"""Language-neutral merging on bilingual streams: what it joins, and what it must not.

The labelled sets are each in one language, where the language-neutral merge view does nothing
(a stream in one language has no language direction). To see what it does on a bilingual stream,
this bench mixes the Chinese Teddy Cup titles (7 labels) with each English set, in a seeded random
arrival order, and clusters the mix with the view on and off. Chinese and English labels are
disjoint by construction, so every topic that holds both languages in quantity is a wrong merge:

* ``nmi`` on the mix (Chinese and English labels kept apart), on and off;
* ``mixed_topic_posts``: posts in topics where the smaller language has at least 10 % of the
  posts (and at least 5 of them) — all of them errors here;
* ``neutral_merges``: merges that only the language-neutral view allowed;
* ``view_only_joins``: for each of those, the topic it ended in (after later merges), its posts per
  language and its first three titles in each language — to read what was joined.

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
from topics_quality import embed_cached, singletons, use_int8_encoder

from heard.listen.analysis.clustering import ClusterParams, cluster_array

RESULTS = Path(__file__).resolve().parent / "results"
ENGLISH = ("Tweet", "GoogleNews", "SearchSnippets", "StackOverflow", "AGNews")


def mixed(english: str, seed: int) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Teddy Cup titles + one English set, shuffled: vectors, gold labels (disjoint), languages,
    texts."""
    zh_vecs, _ = embed_cached("TeddyCup", "use-int8", use_int8_encoder)
    en_vecs, _ = embed_cached(english, "use-int8", use_int8_encoder)
    zh_docs, zh_gold = load("TeddyCup")
    en_docs, en_gold = load(english)
    docs = list(zh_docs) + list(en_docs)
    vecs = np.vstack([zh_vecs, en_vecs])
    gold = np.concatenate([zh_gold, en_gold + zh_gold.max() + 1])
    langs = np.array(["zh"] * len(zh_vecs) + ["en"] * len(en_vecs))
    order = np.random.default_rng(seed).permutation(len(vecs))
    return vecs[order], gold[order], langs[order].tolist(), [docs[i] for i in order]


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
    vecs, gold, langs, docs = mixed(english, seed)
    out: dict = {"english": english, "posts": len(vecs), "zh_posts": langs.count("zh")}
    for name, neutral in (("off", False), ("on", True)):
        start = time.perf_counter()
        labels, clusterer = cluster_array(
            vecs, ClusterParams(language_neutral=neutral), langs=langs
        )
        events = [e for e in clusterer.events if e.kind == "merged"]
        out[name] = {
            "nmi": round(float(normalized_mutual_info_score(gold, singletons(labels))), 4),
            "topics": clusterer.n_topics,
            "mixed_topic_posts": mixed_topic_posts(labels, langs),
            "merges": len(events),
            "neutral_merges": sum(1 for e in events if e.detail.get("language_neutral")),
            "seconds": round(time.perf_counter() - start, 2),
        }
        if neutral:
            out[name]["view_only_joins"] = [
                joined_topic(labels, langs, docs, final_id(clusterer, e.other_id))
                for e in events
                if e.detail.get("language_neutral")
            ]
    return out


def final_id(clusterer, topic_id: int) -> int:
    """Where a merged-into topic ended up after later merges."""
    survivor = {e.topic_id: e.other_id for e in clusterer.events if e.kind == "merged"}
    while topic_id in survivor:
        topic_id = survivor[topic_id]
    return topic_id


def joined_topic(labels: np.ndarray, langs: list[str], docs: list[str], topic_id: int) -> dict:
    members = np.flatnonzero(labels == topic_id)
    by_lang = {lang: [docs[i] for i in members if langs[i] == lang] for lang in ("zh", "en")}
    return {
        "topic": int(topic_id),
        "posts": {k: len(v) for k, v in by_lang.items()},
        "first_titles": {k: [t[:80] for t in v[:3]] for k, v in by_lang.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--english", nargs="+", default=list(ENGLISH), choices=ENGLISH)
    args = parser.parse_args()
    rows = [run(name, args.seed) for name in args.english]
    summary = {
        "bench": "topics_crosslingual",
        "command": f"python bench/topics_crosslingual.py --seed {args.seed} --english "
        f"{' '.join(args.english)}",
        "machine": platform.processor() or platform.machine(),
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "topics_crosslingual.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    )
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
