"""Benchmark: how a batch's rows reach PostgreSQL — binary COPY vs text COPY vs executemany.

    PYTHONPATH=src .venv/bin/python bench/pg_copy_formats.py

Two measurements on a throwaway local server (tests/pg.py, fsync on), batches of 512 in one
transaction each, every variant run ``--reps`` times, alternated, each into a fresh database:
- vectors: 5,120 random 512-d float32 rows into ``embeddings (post_id, model, vec REAL[])`` by
  binary COPY (``batch.embeddings_copy_data``, what the store does), text COPY of Python lists,
  and ``executemany``;
- posts: 10,240 real posts through ``write_batch`` without vectors, ``batch_insert`` = ``copy``
  (staging table + INSERT … ON CONFLICT) and ``executemany`` (psycopg pipelines it).
Prints JSON (rows/s per run) and writes bench/results/pg_copy_formats.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]


def vectors(server: Any, mode: str, n: int) -> float:
    from heard.store.postgres import open_store
    from heard.store.postgres.batch import embeddings_copy_data

    vecs = np.random.default_rng(0).standard_normal((n, 512)).astype(np.float32)
    ids = [f"p{i}" for i in range(n)]
    with open_store(server.create_database()) as store:
        con = store.con
        started = time.perf_counter()
        for a in range(0, n, 512):
            part = range(a, min(n, a + 512))
            with con.transaction(), con.cursor() as cur:
                if mode == "binary_copy":
                    sql = "COPY embeddings (post_id, model, vec) FROM STDIN (FORMAT BINARY)"
                    with cur.copy(sql) as copy:
                        copy.write(embeddings_copy_data(ids[a : a + 512], "m", vecs[a : a + 512]))
                elif mode == "text_copy":
                    with cur.copy("COPY embeddings (post_id, model, vec) FROM STDIN") as copy:
                        for i in part:
                            copy.write_row((ids[i], "m", vecs[i].tolist()))
                else:
                    cur.executemany(
                        "INSERT INTO embeddings VALUES (%s, %s, %s::REAL[])",
                        [(ids[i], "m", vecs[i].tolist()) for i in part],
                    )
        seconds = time.perf_counter() - started
        assert store.scalar("SELECT count(*) FROM embeddings") == n
    return n / seconds


def posts(server: Any, mode: str, batches: list[Any]) -> float:
    from store_backends import MODELS

    from heard.store.postgres import open_store

    with open_store(server.create_database(), batch_insert=mode) as store:
        started = time.perf_counter()
        for chunk, columns in batches:
            store.write_batch(chunk, columns, MODELS)
        seconds = time.perf_counter() - started
    return sum(len(c) for c, _ in batches) / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "pg_copy_formats.json")
    args = ap.parse_args()
    from pg import PgServer, find_bindir
    from store_backends import make_batches

    batches, _ = make_batches(10_240, 512, 8)
    batches = [(p, {k: v for k, v in c.items() if k != "embedding"}) for p, c in batches]
    out: dict[str, Any] = {"load_avg_1m_at_start": round(os.getloadavg()[0], 1)}
    with PgServer(find_bindir(), durable=True) as server:  # type: ignore[arg-type]
        for _ in range(args.reps):
            for mode in ("binary_copy", "text_copy", "executemany"):
                rate = vectors(server, mode, 5_120)
                out.setdefault(f"vectors_{mode}_per_s", []).append(round(rate))
            for mode in ("copy", "executemany"):
                rate = posts(server, mode, batches)
                out.setdefault(f"posts_no_vectors_{mode}_per_s", []).append(round(rate))
    out["load_avg_1m_at_end"] = round(os.getloadavg()[0], 1)
    text = json.dumps(out, indent=2)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
