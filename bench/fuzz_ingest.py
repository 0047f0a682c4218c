"""Fuzz benchmark: mutated JSONL/CSV files through connectors + mapping, and through the full
pipeline (real models, a real DuckDB store), counting the uncaught exceptions (target: 0).

The inputs and the property are in tests/fuzz/fuzz_targets.py (the test suite runs a short,
derandomised version of the same). Here every exception is counted, by type and message, with up
to three inputs that raised it, instead of stopping at the first.

Two engines draw the inputs. ``hypothesis`` (the default) uses the suite's strategies; it costs
about 8 ms per input before the input is even read. ``random`` draws the same kinds of input with
a seeded ``random.Random`` (``random_file``), about 20 times cheaper: it is what makes the
issue's volumes (1,000,000 and 50,000) fit in minutes. ``--jobs N`` splits the inputs over N
processes, each with its own seed (``seed * 1000 + job``) and, for the pipeline, its own store
and models.

    .venv/bin/python bench/fuzz_ingest.py [--examples 20000] [--pipeline-examples 500] [--seed 0]
    .venv/bin/python bench/fuzz_ingest.py --engine random --jobs 2 \\
        --examples 1000000 --pipeline-examples 50000

Prints JSON and writes bench/results/fuzz_ingest.json (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "fuzz"))

from fuzz_targets import (  # noqa: E402
    Recorder,
    fuzzed_files,
    new_workdir,
    pipeline_for,
    random_file,
    read_and_map,
    through_pipeline,
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from heard.store import open_store  # noqa: E402


def run_hypothesis(examples: int, seed: int, target, *extra) -> Recorder:
    recorder = Recorder()

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(fuzzed_files())
    def fuzz(file):
        recorder.run(target, *file, *extra)

    fuzz()
    return recorder


def run_random(examples: int, seed: int, target, *extra) -> Recorder:
    recorder = Recorder()
    rng = random.Random(seed)
    for _ in range(examples):
        recorder.run(target, *random_file(rng), *extra)
    return recorder


def one_job(task: tuple[str, str, int, int]) -> dict:
    """One process's share: ``(stage, engine, examples, seed)`` → its counts."""
    stage, engine, examples, seed = task
    run = run_random if engine == "random" else run_hypothesis
    work = new_workdir()
    t0 = time.perf_counter()
    try:
        if stage == "mapping":
            recorder = run(examples, seed, read_and_map, work)
            stored = quarantined = None
        else:
            with open_store(work / "fuzz.duckdb") as store:
                pipeline = pipeline_for(store)
                recorder = run(examples, seed, through_pipeline, work, store, pipeline)
                stored = store.scalar("SELECT count(*) FROM posts")
                quarantined = store.scalar("SELECT count(*) FROM quarantine")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "examples": recorder.examples,
        "uncaught": recorder.uncaught,
        "samples": recorder.samples,
        "posts_stored": stored,
        "rows_quarantined": quarantined,
        "seed": seed,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def run_stage(stage: str, engine: str, examples: int, seed: int, jobs: int) -> dict:
    """``examples`` inputs through ``stage``, split over ``jobs`` processes, counts merged."""
    shares = [examples // jobs + (1 if j < examples % jobs else 0) for j in range(jobs)]
    tasks = [
        (stage, engine, n, seed if jobs == 1 else seed * 1000 + j) for j, n in enumerate(shares)
    ]
    t0 = time.perf_counter()
    if jobs == 1:
        parts = [one_job(tasks[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            parts = pool.map(one_job, tasks)
    by_error: dict[str, int] = {}
    samples: dict[str, list[str]] = {}
    for part in parts:
        for name, n in part["uncaught"].items():
            by_error[name] = by_error.get(name, 0) + n
            samples.setdefault(name, []).extend(part["samples"][name][: 3 - len(samples[name])])
    out = {
        "examples": sum(p["examples"] for p in parts),
        "uncaught": sum(by_error.values()),
        "by_error": by_error,
        "samples": samples,
        "seconds": round(time.perf_counter() - t0, 1),
        "jobs": [{k: p[k] for k in ("seed", "examples", "seconds")} for p in parts],
    }
    if stage == "pipeline":
        out["posts_stored"] = sum(p["posts_stored"] for p in parts)
        out["rows_quarantined"] = sum(p["rows_quarantined"] for p in parts)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--examples", type=int, default=20_000, help="inputs through connectors + mapping"
    )
    ap.add_argument(
        "--pipeline-examples", type=int, default=500, help="inputs through the full pipeline"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--engine",
        choices=("hypothesis", "random"),
        default="hypothesis",
        help="how inputs are drawn (random: same kinds of input, ~20x cheaper per input)",
    )
    ap.add_argument("--jobs", type=int, default=1, help="processes (each with its own store)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "fuzz_ingest.json")
    args = ap.parse_args()
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    result: dict = {
        "seed": args.seed,
        "engine": args.engine,
        "jobs": args.jobs,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }
    result["connectors_mapping"] = run_stage(
        "mapping", args.engine, args.examples, args.seed, args.jobs
    )
    if args.pipeline_examples:
        result["full_pipeline"] = run_stage(
            "pipeline", args.engine, args.pipeline_examples, args.seed, args.jobs
        )
    result["load_after"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
