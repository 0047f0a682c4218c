"""Benchmark: `heard ingest` throughput with protect on (harm stage + flags stored) vs off.

    PYTHONPATH=src .venv/bin/python bench/protect_ingest.py [--posts 3000] [--rounds 2]
    # → bench/results/protect_ingest.json

The same real texts (bench/corpus.py: Weibo, COLD, 附件, TweetEval, SMS) go through the whole
`heard ingest` (map → stages → DuckDB → topics → full-text index) in fresh subprocesses and fresh
database files, rounds alternating off/on so that load on the shared cores hits both alike.
Throughput is the run's own ``posts_per_second`` (model loading excluded). The ratio of the best
"on" to the best "off" is the share kept with protect on (issue 19 target: ≥ 0.85).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_jsonl  # noqa: E402


def ingest(corpus: Path, db: Path, protect: bool) -> dict:
    env = {**os.environ, "HEARD_PROTECT": "true" if protect else "false", "TERM": "dumb"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from heard.cli import main; main()",
            "ingest",
            str(corpus),
            "--db",
            str(db),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    text = out.stdout
    try:  # the summary is the JSON object that starts a line; anything printed before is skipped
        return json.loads(text[text.index("\n{") + 1 :] if not text.startswith("{") else text)
    except ValueError:
        raise SystemExit(f"ingest printed no JSON summary:\n{text[:2000]}\n{out.stderr[-2000:]}")


def flag_counts(db: Path) -> dict:
    from heard.store import open_store

    with open_store(db, read_only=True) as store:
        return {
            "flags": store.scalar("SELECT count(*) FROM flags"),
            "by_label": {
                r["label"]: r["n"]
                for r in store.rows(
                    "SELECT label, count(*) AS n FROM flags GROUP BY label ORDER BY n DESC"
                )
            },
            "automated_decisions": store.scalar(
                "SELECT count(*) FROM decisions WHERE automated_decision"
            ),
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="heard-protect-bench-"))
    try:
        corpus = work / "posts.jsonl"
        origins = write_jsonl(corpus, args.posts)
        runs: dict[str, list[float]] = {"off": [], "on": []}
        flags = {}
        for r in range(args.rounds):
            for protect in (False, True) if r % 2 == 0 else (True, False):  # order alternates
                db = work / f"r{r}_{int(protect)}.duckdb"
                summary = ingest(corpus, db, protect)
                runs["on" if protect else "off"].append(summary["posts_per_second"])
                if protect and not flags:
                    flags = flag_counts(db)
                db.unlink()
        best_off, best_on = max(runs["off"]), max(runs["on"])
        med_off, med_on = statistics.median(runs["off"]), statistics.median(runs["on"])
        result = {
            "posts": args.posts,
            "origins": origins,
            "rounds": args.rounds,
            "posts_per_second": runs,
            "best_off": best_off,
            "best_on": best_on,
            "ratio_on_to_off": round(best_on / best_off, 3),
            "median_off": med_off,
            "median_on": med_on,
            "median_ratio_on_to_off": round(med_on / med_off, 3),
            "flags_with_protect_on": flags,
            "load_average": os.getloadavg(),
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        out = HERE / "results" / "protect_ingest.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
