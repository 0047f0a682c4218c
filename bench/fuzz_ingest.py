"""Fuzz benchmark: mutated JSONL/CSV files through connectors + mapping, and through the full
pipeline (real models, a real DuckDB store), counting the uncaught exceptions (target: 0).

The inputs and the property are in tests/fuzz/fuzz_targets.py (the test suite runs a short,
derandomised version of the same). Here every exception is counted, by type and message, with up
to three inputs that raised it, instead of stopping at the first.

    .venv/bin/python bench/fuzz_ingest.py [--examples 20000] [--pipeline-examples 500] [--seed 0]

Prints JSON and writes bench/results/fuzz_ingest.json.
"""

from __future__ import annotations

import argparse
import json
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
    read_and_map,
    through_pipeline,
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from heard.store import open_store  # noqa: E402


def run(examples: int, seed: int, target, *extra) -> Recorder:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--examples", type=int, default=20_000, help="inputs through connectors + mapping"
    )
    ap.add_argument(
        "--pipeline-examples", type=int, default=500, help="inputs through the full pipeline"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "fuzz_ingest.json")
    args = ap.parse_args()
    random.seed(args.seed)
    work = new_workdir()
    result: dict = {"seed": args.seed, "python": platform.python_version()}
    try:
        t0 = time.perf_counter()
        mapping = run(args.examples, args.seed, read_and_map, work)
        result["connectors_mapping"] = {
            "examples": mapping.examples,
            "uncaught": sum(mapping.uncaught.values()),
            "by_error": mapping.uncaught,
            "samples": mapping.samples,
            "seconds": round(time.perf_counter() - t0, 1),
        }
        if args.pipeline_examples:
            t0 = time.perf_counter()
            with open_store(work / "fuzz.duckdb") as store:
                pipeline = pipeline_for(store)
                full = run(
                    args.pipeline_examples, args.seed, through_pipeline, work, store, pipeline
                )
                posts = store.scalar("SELECT count(*) FROM posts")
                quarantined = store.scalar("SELECT count(*) FROM quarantine")
            result["full_pipeline"] = {
                "examples": full.examples,
                "uncaught": sum(full.uncaught.values()),
                "by_error": full.uncaught,
                "samples": full.samples,
                "posts_stored": posts,
                "rows_quarantined": quarantined,
                "seconds": round(time.perf_counter() - t0, 1),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
