"""Do topics depend on how the stream is cut into batches? The demo corpus at several batch sizes.

``heard watch`` feeds the topic stage small batches (64 posts, fewer on a slow stream); ``heard
ingest`` feeds 512. On a one-city stream the first topics of a small-batch run used to gather
every nearby complaint before the specific topics could seed, then merged into one catch-all.
This bench ingests ``data/demo/posts.jsonl`` once through the real pipeline (to get the default
embedder's vectors and the detected languages), then clusters those vectors in file order at
each batch size, with the default parameters and with those of before 2026-11-30 (no
``join_margin``). Reported per run: the largest topics, and the topic
holding most of the planted incident's posts (the water-main burst: posts matching
``heard.cli.demo.INCIDENT``).

    .venv/bin/python bench/topics_batch_size.py [--batch-sizes 8 64 512]

Prints JSON and writes bench/results/topics_batch_size.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from heard.listen.analysis.clustering import ClusterParams, cluster_array
from heard.cli.demo import INCIDENT
from heard.store import open_store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
RESULTS = REPO / "bench" / "results" / "topics_batch_size.json"


def demo_vectors(db: Path) -> tuple[np.ndarray, list[str | None], np.ndarray]:
    """Ingest the demo corpus (default settings) and read back vectors, languages and which posts
    are about the incident, in file order."""
    subprocess.run(
        [str(Path(sys.executable).parent / "heard"), "ingest", str(CORPUS), "--db", str(db)],
        check=True,
        capture_output=True,
    )
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT e.vec, p.lang, p.text FROM posts p JOIN embeddings e ON e.post_id = p.id "
            "ORDER BY p.file, p.position"
        )
    vecs = np.asarray([r["vec"] for r in rows], dtype=np.float32)
    incident = np.asarray([bool(INCIDENT.search(r["text"])) for r in rows])
    return vecs, [r["lang"] for r in rows], incident


BEFORE = ClusterParams(join_margin=None)
"""The defaults before 2026-11-30."""


def one_run(vecs, langs, incident, batch_size: int, params: ClusterParams, name: str) -> dict:
    labels, clusterer = cluster_array(vecs, params, batch_size=batch_size, langs=langs)
    ids, sizes = np.unique(labels[labels >= 0], return_counts=True)
    held = {int(t): int(np.sum(incident & (labels == t))) for t in ids}
    home = max(held, key=held.get)
    return {
        "params": name,
        "describe": params.describe(),
        "batch_size": batch_size,
        "topics": clusterer.n_topics,
        "largest_topics": sorted(sizes.tolist(), reverse=True)[:5],
        "largest_share": round(float(sizes.max() / len(labels)), 3),
        "unassigned": int(np.sum(labels < 0)),
        "incident_topic_size": int(np.sum(labels == home)),
        "incident_posts_in_it": held[home],
        "incident_posts": int(incident.sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 64, 512])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vecs, langs, incident = demo_vectors(Path(tmp) / "demo.duckdb")
    runs = [
        one_run(vecs, langs, incident, bs, params, name)
        for name, params in (("default", ClusterParams()), ("before", BEFORE))
        for bs in args.batch_sizes
    ]
    result = {
        "bench": "topics_batch_size",
        "command": "python bench/topics_batch_size.py --batch-sizes "
        + " ".join(map(str, args.batch_sizes)),
        "posts": len(vecs),
        "runs": runs,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
