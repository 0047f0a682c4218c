"""Benchmark: end-to-end ingest throughput vs the embedder alone, and peak RSS.

    .venv/bin/python bench/ingest_throughput.py --posts 60000          # (a) throughput ratio
    .venv/bin/python bench/ingest_throughput.py --posts 200000 --skip-embedder   # (b) peak RSS

Both sides run in the same invocation, each in a fresh subprocess, on the same real texts
(bench/corpus.py). "embedder alone" = the default embedder's ``encode`` (what ingest uses,
``use-int8`` unless ``HEARD_EMBEDDER`` says otherwise) over the texts in batches of the
ingest batch size; "end to end" = `heard ingest` (read JSONL → map → normalise → langid →
tokens → embed → sentiment → DuckDB, plus the full-text index). Throughput excludes model
loading on both sides; peak RSS is the ingest child's maximum resident set size, and
``rss_timeline`` samples it every 0.5 s (when in the run the memory went).
Prints JSON and writes bench/results/ingest_<posts>.json; ``--keep`` keeps the DuckDB file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SHARED, write_jsonl  # noqa: E402


def embed_alone(path: Path, batch: int) -> dict:
    """Child process: embed every text of ``path`` in batches; report texts/s."""
    from heard.models import make_embedder
    from heard.settings import load_settings

    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]
    settings = load_settings()
    model = make_embedder(settings.embedder, threads=settings.threads)
    model.encode(texts[:8])
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.encode(texts[i : i + batch])
    seconds = time.perf_counter() - start
    return {
        "texts": len(texts),
        "seconds": round(seconds, 2),
        "texts_per_s": round(len(texts) / seconds, 1),
        "embedder": model.name,
    }


_WRAPPER = r"""
import json, resource, subprocess, sys, threading, time
p = subprocess.Popen(sys.argv[1:])
start, samples = time.perf_counter(), []
def sample():
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
            samples.append((round(time.perf_counter() - start, 1), kb // 1024))
        except (OSError, StopIteration):
            pass
        time.sleep(0.5)
threading.Thread(target=sample, daemon=True).start()
p.wait()
sys.stderr.write("PEAK_RSS_KB=%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write("RSS_SAMPLES=%s\n" % json.dumps(samples))
sys.exit(p.returncode)
"""
"""Runs one child, samples its resident memory every 0.5 s, reports its peak (getrusage) and the
samples."""


def rss_timeline(samples: list[list[float]], points: int = 20) -> dict:
    """Where in the run the memory went: the sampled peak and its time, and ~``points`` evenly
    spaced samples."""
    if not samples:
        return {}
    peak_t, peak_mb = max(samples, key=lambda s: s[1])
    step = max(1, len(samples) // points)
    return {
        "sampled_peak_mb": peak_mb,
        "sampled_peak_at_s": peak_t,
        "end_s": samples[-1][0],
        "seconds_mb": [[t, mb] for t, mb in samples[::step]],
    }


def run_child(args: list[str]) -> tuple[dict, float, int, dict]:
    """Run a child through a one-child wrapper; return (its JSON stdout, wall seconds, its peak RSS
    in MB,
    its RSS timeline)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "dumb"},
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child failed: {' '.join(args)}")
    peak_kb = int(proc.stderr.rsplit("PEAK_RSS_KB=", 1)[1].split()[0])
    samples = json.loads(proc.stderr.rsplit("RSS_SAMPLES=", 1)[1].splitlines()[0])
    return json.loads(proc.stdout), wall, peak_kb // 1024, rss_timeline(samples)


def ingest_into_postgres(heard: str, corpus: Path, batch: int) -> dict:
    """``heard ingest`` of ``corpus`` into a fresh database on a throwaway PostgreSQL server."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from pg import PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("--postgres needs the PostgreSQL binaries (make test installs them)")
    server = PgServer(bindir).start()
    try:
        url = server.create_database()
        summary, wall, rss, _ = run_child(
            [heard, "ingest", str(corpus), "--db", url, "--json", "--batch-size", str(batch),
             "--source", "bench"]
        )  # fmt: skip
    finally:
        server.stop()
    return {
        "stored": summary["stored"],
        "seconds_excluding_model_load": round(summary["seconds"], 2),
        "posts_per_s": summary["posts_per_second"],
        "wall_seconds_including_start": round(wall, 2),
        "peak_rss_mb": rss,
        "server": "PostgreSQL from the Debian binaries, on this machine, default configuration",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=60_000)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument(
        "--skip-embedder", action="store_true", help="only the end-to-end run (RSS)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the corpus and the DuckDB file (path printed)"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also ingest the same corpus into a throwaway PostgreSQL database (Debian binaries, "
        "started and stopped here) and report it beside DuckDB",
    )
    parser.add_argument("--child-embed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_embed:
        print(json.dumps(embed_alone(args.child_embed, args.batch)))
        return
    if not SHARED.is_dir():
        raise SystemExit(f"needs the shared datasets at {SHARED}")
    work = Path(tempfile.mkdtemp(prefix="heard-bench-"))
    corpus = work / f"real_{args.posts}.jsonl"
    origins = write_jsonl(corpus, args.posts)
    result: dict = {
        "benchmark": "ingest_throughput",
        "posts": args.posts,
        "origins": origins,
        "batch_size": args.batch,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "command": " ".join(["bench/ingest_throughput.py", *sys.argv[1:]]),
        "load_average_before": list(os.getloadavg()),
    }
    if not args.skip_embedder:
        emb, _, emb_rss, _ = run_child(
            [sys.executable, __file__, "--child-embed", str(corpus), "--batch", str(args.batch)]
        )
        result["embedder_alone"] = {**emb, "peak_rss_mb": emb_rss}
    heard = str(Path(sys.executable).with_name("heard"))
    db = work / "bench.duckdb"
    summary, wall, rss, timeline = run_child(
        [
            heard,
            "ingest",
            str(corpus),
            "--db",
            str(db),
            "--json",
            "--batch-size",
            str(args.batch),
            "--source",
            "bench",
        ]
    )
    result["end_to_end"] = {
        "stored": summary["stored"],
        "quarantined": summary["quarantined"],
        "seconds_excluding_model_load": round(summary["seconds"], 2),
        "posts_per_s": summary["posts_per_second"],
        "wall_seconds_including_start": round(wall, 2),
        "peak_rss_mb": rss,
        "rss_timeline": timeline,
        "models": summary["models"],
    }
    if "embedder_alone" in result:
        result["ratio_end_to_end_vs_embedder"] = round(
            summary["posts_per_second"] / result["embedder_alone"]["texts_per_s"], 3
        )
    if args.postgres:
        result["end_to_end_postgresql"] = ingest_into_postgres(heard, corpus, args.batch)
        result["postgresql_vs_duckdb"] = round(
            result["end_to_end_postgresql"]["posts_per_s"] / summary["posts_per_second"], 3
        )
    out = HERE / "results" / f"ingest_{args.posts}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.keep:
        print(f"kept: {db}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
