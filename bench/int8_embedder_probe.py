"""The default ``use-int8`` embedder against the float32 ``use``: speed, vectors, Heard's topics.

    .venv/bin/python bench/int8_embedder_probe.py [--sets Tweet,...] [--n-speed 6000] [--repeats 3]

``--sets ""`` measures the speed alone.

``use-int8`` (``heard.models.use_int8``) is the same USE model with its seven per-token matrix
products in int8 on onnxruntime (the input projection on the embedding table's stored bytes).
Reports, side by side on the same texts: texts/s of ``UseEmbedder`` (float32), ``use-int8-row``
(activations quantised per row, opt-in) and ``use-int8`` (activations quantised per graph call,
the default), all on two threads, best of 3 alternating runs; the cosine
of each int8 variant's vectors to the float32 ones; Heard's NMI on each labelled set from each
(default parameters, seed 0), and the int8 path's embedding + clustering seconds. Writes
``bench/results/int8_embedder_probe.json``.
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
from topics_data import CACHE, DATASETS, load  # noqa: E402
from topics_quality import singletons  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "int8_embedder_probe.json"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sets", default=",".join(DATASETS))
    ap.add_argument("--n-speed", type=int, default=6000)
    ap.add_argument("--repeats", type=int, default=3, help="alternating timed runs per embedder")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    from sklearn.metrics import normalized_mutual_info_score

    from heard.listen.analysis.clustering import cluster_array
    from heard.models.embedders import UseEmbedder
    from heard.models.use_int8 import UseInt8Embedder

    fp32, int8 = UseEmbedder(threads=2), UseInt8Embedder(threads=2)
    int8_call = UseInt8Embedder(threads=2, quantise="call")
    encoders = (("float32", fp32), ("int8", int8), ("int8_call", int8_call))
    report: dict = {
        "bench": "int8_embedder_probe",
        "command": "python bench/int8_embedder_probe.py " + " ".join(sys.argv[1:]),
        "conditions": {
            "machine": platform.platform(),
            "cpus": os.cpu_count(),
            "load_avg_before": [round(x, 2) for x in os.getloadavg()],
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
        "sets": {},
    }
    speed_docs = []
    for name in DATASETS:
        speed_docs += load(name)[0][: args.n_speed // len(DATASETS)]
    for _, enc in encoders:
        enc.encode(speed_docs[:300])
    seconds: dict[str, list[float]] = {label: [] for label, _ in encoders}
    for _ in range(args.repeats):
        for label, enc in encoders:
            start = time.perf_counter()
            enc.encode(speed_docs)
            seconds[label].append(round(time.perf_counter() - start, 3))
    report["speed"] = {
        "texts": len(speed_docs),
        "seconds": seconds,
        "texts_per_s_best": {k: round(len(speed_docs) / min(v)) for k, v in seconds.items()},
        "texts_per_s_median": {
            k: round(len(speed_docs) / float(np.median(v))) for k, v in seconds.items()
        },
        "speedup": round(min(seconds["float32"]) / min(seconds["int8"]), 2),
        "speedup_call": round(min(seconds["float32"]) / min(seconds["int8_call"]), 2),
    }

    for name in filter(None, args.sets.split(",")):
        docs, gold = load(name)
        cached = CACHE / f"{name}.use.npy"
        ref = np.load(cached) if cached.exists() else fp32.encode(docs)
        start = time.perf_counter()
        q = int8.encode(docs)
        embed_s = time.perf_counter() - start
        q_call = int8_call.encode(docs)
        row: dict = {"docs": len(docs), "int8_embed_s": round(embed_s, 2)}
        for label, vecs in (("", q), ("_call", q_call)):
            cos = np.einsum("ij,ij->i", ref, vecs)
            row[f"cosine_to_float32{label}"] = {
                "min": round(float(cos.min()), 5),
                "p1": round(float(np.percentile(cos, 1)), 5),
                "median": round(float(np.median(cos)), 5),
            }
        for label, vecs in (("float32", ref), ("int8", q), ("int8_call", q_call)):
            start = time.perf_counter()
            labels, _ = cluster_array(vecs)
            row[f"{label}_cluster_s"] = round(time.perf_counter() - start, 2)
            row[f"nmi_{label}"] = round(
                float(normalized_mutual_info_score(gold, singletons(labels))), 4
            )
        row["int8_end_to_end_s"] = round(row["int8_embed_s"] + row["int8_cluster_s"], 2)
        report["sets"][name] = row
        print(name, json.dumps(row), file=sys.stderr, flush=True)
    report["conditions"]["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
