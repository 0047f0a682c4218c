"""Benchmark: the two store backends on the same posts — write_batch throughput, search-index
build, and search latency.

    PYTHONPATH=src .venv/bin/python bench/store_backends.py --posts 20000

Same 20k real posts (bench/corpus.py: zh + en, segmented by the tokens stage as ingest does) with
512-d float32 vectors (random unit vectors: the embedder is not what is measured), written in
batches of 512 through ``write_batch`` (posts + enrichments + embeddings + checkpoint, one
transaction each) to a DuckDB file and to a PostgreSQL database on a throwaway local server
(tests/pg.py, durable defaults: fsync on). On PostgreSQL both batch-insert paths are timed:
COPY (the default) and ``executemany``. Search: ``--queries`` queries of one or two words taken
from stored posts; one page = the ranking query for the top 21 (the store's ``search_ranked``, one
implementation per backend) plus fetching those posts by id, as
``heard.read.posts._best_match`` does. Last, ``--ingest-posts`` real posts through the runner
end to end on both (``ingest_both``). Prints JSON and writes bench/results/store_backends.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from corpus import real_texts, write_jsonl  # noqa: E402

MODELS = {"langid": "bench", "sentiment": "bench", "embed": "bench-512"}


def make_batches(
    n: int, batch: int, dim: int
) -> tuple[list[tuple[list[Any], dict[str, Any]]], float]:
    from datetime import datetime, timedelta, timezone

    from heard.read.posts import search_terms
    from heard.records import Post

    texts = real_texts()
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    out = []
    for start in range(0, n, batch):
        posts = [
            Post(
                id=f"b:{i}",
                source="bench",
                external_id=str(i),
                text=texts[i % len(texts)][1],
                created_at=t0 + timedelta(seconds=i),
                author_key=f"a{i % 997}",
                raw={"text": texts[i % len(texts)][1]},
                file="bench.jsonl",
                position=i + 1,
            )
            for i in range(start, min(n, start + batch))
        ]
        vec = rng.standard_normal((len(posts), dim)).astype(np.float32)
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
        out.append(
            (
                posts,
                {
                    "lang": [
                        "zh" if texts[i % len(texts)][0] in ("weibo", "cold", "teddycup") else "en"
                        for i in range(start, start + len(posts))
                    ],
                    "search_text": [search_terms(p.text) for p in posts],
                    "sentiment_score": [0.1] * len(posts),
                    "sentiment_label": ["neutral"] * len(posts),
                    "entities": [None] * len(posts),
                    "embedding": vec,
                },
            )
        )
    return out, time.perf_counter() - started


def write_all(store: Any, batches: list[tuple[list[Any], dict[str, Any]]]) -> dict[str, Any]:
    per_batch = []
    started = time.perf_counter()
    for i, (posts, columns) in enumerate(batches):
        t = time.perf_counter()
        store.write_batch(posts, columns, MODELS, (), "bench", ("bench", "bench.jsonl", i))
        per_batch.append(time.perf_counter() - t)
    seconds = time.perf_counter() - started
    n = sum(len(p) for p, _ in batches)
    return {
        "posts": n,
        "seconds": round(seconds, 2),
        "posts_per_s": round(n / seconds),
        "batch_ms_p50": round(1000 * statistics.median(per_batch), 1),
        "batch_ms_max": round(1000 * max(per_batch), 1),
    }


def pick_queries(batches: list[tuple[list[Any], dict[str, Any]]], k: int) -> list[str]:
    rng = random.Random(3)
    texts = [t for _, c in batches for t in c["search_text"] if t and len(t.split()) >= 2]
    out = []
    while len(out) < k:
        words = [w for w in rng.choice(texts).split() if len(w) > 1 and w.isalnum()]
        if words:
            out.append(" ".join(rng.sample(words, min(len(words), rng.choice((1, 2))))))
    return out


def latency(page: Any, queries: list[str]) -> dict[str, Any]:
    page(queries[0])  # warm
    times, hits = [], 0
    for q in queries:
        t = time.perf_counter()
        hits += len(page(q))
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    return {
        "queries": len(queries),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))], 2),
        "mean_hits_per_page": round(hits / len(queries), 1),
    }


def duckdb_side(batches: list[Any], queries: list[str], tmp: Path) -> dict[str, Any]:
    from heard.read.stats import POST_COLUMNS
    from heard.store.duckdb.view import ReadView
    from heard.store.backends import open_store

    store = open_store(tmp / "bench.duckdb")
    with store:
        writes = write_all(store, batches)
        t = time.perf_counter()
        store.rebuild_search_index()
        index_s = time.perf_counter() - t
        db = ReadView(store)

        def page(q: str) -> list[Any]:
            top = db.search_ranked(q, 21)
            if not top:
                return []
            return db.rows(
                f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id IN ({', '.join('?' * len(top))})",
                [r["name"] for r in top],
            )

        out = {
            "write": writes,
            "index_build_s": round(index_s, 2),
            "search": latency(page, queries),
        }
    out["file_mb"] = round(sum(f.stat().st_size for f in tmp.glob("bench.duckdb*")) / 1e6, 1)
    return out


def postgres_side(batches: list[Any], queries: list[str], mode: str) -> dict[str, Any]:
    from pg import PgServer, find_bindir

    from heard.read.stats import POST_COLUMNS
    from heard.store.postgres import open_store

    bindir = find_bindir()
    if bindir is None:
        return {"skipped": "no PostgreSQL binaries (scripts/install-postgres.sh)"}
    with PgServer(bindir, durable=True) as server:
        url = server.create_database()
        with open_store(url, batch_insert=mode) as store:
            writes = write_all(store, batches)
            out: dict[str, Any] = {"write": writes, "server": store.scalar("SHOW server_version")}
            if mode != "copy":
                return out
            t = time.perf_counter()
            store.rebuild_search_index()
            out["index_build_s"] = round(time.perf_counter() - t, 2)

            def page(q: str) -> list[Any]:
                top = store.search_ranked(q, 21)
                if not top:
                    return []
                return store.rows(
                    f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id = ANY(?)",
                    [[r["name"] for r in top]],
                )

            out["search"] = latency(page, queries)
            out["db_mb"] = round(
                store.scalar("SELECT pg_database_size(current_database())") / 1e6, 1
            )
            return out


def ingest_both(n: int, tmp: Path) -> dict[str, Any]:
    """The runner end to end (``ingest_paths``: read JSONL → map → normalise → langid → tokens →
    embed → sentiment → store → search index) on both backends, the same file and the same loaded
    stages. The topics operator is left out on both: its SQL is DuckDB's until its repository
    has a PostgreSQL side."""
    from pg import PgServer, find_bindir

    from heard.connectors.mapping import Mapper, fieldmap_for
    from heard.pipeline.builder import build_pipeline
    from heard.pipeline.runner import ingest_paths
    from heard.settings import Settings
    from heard.stages import default_stages
    from heard.store.backends import open_store

    path = tmp / "ingest.jsonl"
    write_jsonl(path, n)
    stages = [s for s in default_stages(Settings()) if s.name != "topics"]

    def run(target: Any) -> dict[str, Any]:
        with open_store(target) as store:
            summary = ingest_paths(
                store,
                [path],
                build_pipeline(stages),
                batch_size=512,
                make_mapper=lambda src: Mapper(
                    fieldmap_for(None), source=src, tz="Asia/Shanghai", salt="b"
                ),
            )
        return {
            "stored": summary.stored,
            "seconds": round(summary.seconds, 2),
            "posts_per_s": round(summary.stored / summary.seconds),
        }

    out = {"posts": n, "stages": [s.name for s in stages], "duckdb": run(tmp / "ingest.duckdb")}
    bindir = find_bindir()
    if bindir is not None:
        with PgServer(bindir, durable=True) as server:
            out["postgres"] = run(server.create_database())
    out["duckdb_again"] = run(tmp / "ingest2.duckdb")  # order effects (warm caches) show here
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument(
        "--executemany-posts",
        type=int,
        default=5_000,
        help="posts for the executemany comparison (0: skip)",
    )
    ap.add_argument(
        "--ingest-posts",
        type=int,
        default=5_000,
        help="posts for the end-to-end ingest comparison (0: skip)",
    )
    ap.add_argument("--out", type=Path, default=HERE / "results" / "store_backends.json")
    args = ap.parse_args()

    batches, prep_s = make_batches(args.posts, args.batch, args.dim)
    queries = pick_queries(batches, args.queries)
    result: dict[str, Any] = {
        "posts": args.posts,
        "batch": args.batch,
        "dim": args.dim,
        "prepare_s": round(prep_s, 1),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_avg_1m_at_start": round(os.getloadavg()[0], 1),
        },
        "command": "PYTHONPATH=src .venv/bin/python bench/store_backends.py "
        + " ".join(sys.argv[1:]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        result["duckdb"] = duckdb_side(batches, queries, Path(tmp))
    result["postgres_copy"] = postgres_side(batches, queries, "copy")
    if args.executemany_posts:
        few = [b for i, b in enumerate(batches) if i * args.batch < args.executemany_posts]
        with tempfile.TemporaryDirectory() as tmp:
            result["duckdb_same_subset"] = {"write": write_all_duck(few, Path(tmp))}
        result["postgres_copy_same_subset"] = postgres_side(few, queries, "copy")["write"]
        result["postgres_executemany_same_subset"] = postgres_side(few, queries, "executemany")[
            "write"
        ]
    if args.ingest_posts:
        with tempfile.TemporaryDirectory() as tmp:
            result["ingest_no_topics"] = ingest_both(args.ingest_posts, Path(tmp))
    result["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 1)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


def write_all_duck(batches: list[Any], tmp: Path) -> dict[str, Any]:
    from heard.store.backends import open_store

    with open_store(tmp / "few.duckdb") as store:
        return write_all(store, batches)


if __name__ == "__main__":
    main()
