"""Threshold grid for Heard's clusterer on two labelled sets the benchmark does not report
(Biomedical, Pascal_Flickr from short_text_clustering_sttm), then the chosen settings on the six
benchmark sets — tuning on held-out data instead of on the sets we report.

    .venv/bin/python bench/topics_dev_grid.py dev  '[{"join": 0.55, "seed": 0.55, "merge": 0.7}]'
    .venv/bin/python bench/topics_dev_grid.py six  '[{}, {"join": 0.55, "seed": 0.55, "merge":
    0.7}]'

Each argument after the mode is a JSON list of ``ClusterParams`` overrides; prints NMI per set.
USE embeddings from the float32 ``use`` embedder (the tuning figures in BENCHMARKS.md were measured
on them, before ``use-int8`` became the default) are cached under $HEARD_BENCH_CACHE (default
/tmp/heard-bench-cache).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_data import CACHE, DATASETS, SHARED, _pair, load  # noqa: E402
from topics_quality import embed_cached, scores, singletons, use_encoder  # noqa: E402

DEV = {"Biomedical": "Biomedical_label.txt", "Pascal_Flickr": "Pascal_Flickr_LABEL.txt"}


def dev_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for name, labels in DEV.items():
        sttm = SHARED / "short_text_clustering_sttm"
        docs, gold = _pair(sttm / f"{name}.txt", sttm / labels)
        path = CACHE / f"dev-{name}.use.npy"
        if not path.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            np.save(path, use_encoder()(docs))
        out[name] = (np.load(path), np.unique(np.asarray(gold), return_inverse=True)[1])
    return out


def main() -> None:
    from heard.listen.analysis.clustering import ClusterParams, cluster_array

    mode, grid = sys.argv[1], json.loads(sys.argv[2])
    sets = (
        dev_sets()
        if mode == "dev"
        else {n: (embed_cached(n, "use", use_encoder)[0], load(n)[1]) for n in DATASETS}
    )
    for overrides in grid:
        nmi = {}
        for name, (vecs, gold) in sets.items():
            labels, _ = cluster_array(vecs, ClusterParams(seed_rng=0, **overrides), batch_size=512)
            nmi[name] = round(scores(gold, singletons(labels))["nmi"], 3)
        print(
            json.dumps(overrides),
            json.dumps(nmi),
            "mean",
            round(float(np.mean(list(nmi.values()))), 3),
            flush=True,
        )


if __name__ == "__main__":
    main()
