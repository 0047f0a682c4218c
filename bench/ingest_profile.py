"""Where an ingest's CPU goes: per-stage CPU and wall seconds over a real `heard ingest` run.

    .venv/bin/python bench/ingest_profile.py --posts 15000 [--cprofile out.prof]
        # → bench/results/ingest_profile_<posts>.json

The run is the one `heard ingest` makes (``open_run`` → ``Run.ingest_files``, default settings,
batches of 512) on the ingest benchmark's posts (``bench/corpus.py``). Every stage's ``process``,
each operator's ``persist``/``finish``, the store's batch write, its duplicate probes and the
search index build are wrapped in timers that record wall seconds and the calling thread's CPU
seconds (``time.thread_time``): the machine is shared, so CPU seconds are the figure to compare
between runs; wall seconds move with the load. The embedder runs on its own threads (onnxruntime),
which ``thread_time`` of the calling thread does not see: ``process_cpu_s`` is the whole process
(every thread), so ``process_cpu_s − embed`` is roughly what the rest costs.
``--rss`` also samples the process RSS every 50 ms and records, for every timed step (and the
steps inside a topic consolidation), the largest rise over one call: from its start to the
highest sample while it ran. ``--cprofile`` profiles the main thread (the stages after the
embedder, the writes, the end of run) with cProfile on the thread's CPU clock (waits cost
nothing in it); it slows the run.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import os
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SHARED, write_jsonl  # noqa: E402

TIMES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
RISE: dict[str, float] = defaultdict(float)
"""With ``--rss``: the largest rise of the process RSS (MB) over one call of each timed step,
from its start to the highest sample taken while it ran."""
_ACTIVE: dict[int, list[float]] = {}
"""Calls running now (``--rss``): id → [name, RSS at entry, highest RSS seen]."""
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 1e6


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE_MB


def sample_rss(stop: threading.Event, every: float = 0.05) -> None:
    """Every ``every`` seconds, lift the highest RSS of each running call (``--rss``)."""
    while not stop.wait(every):
        now = rss_mb()
        with _LOCK:
            for call in _ACTIVE.values():
                call[2] = max(call[2], now)


EACH: dict[str, list[float]] = defaultdict(list)
"""Each call's CPU seconds, for the calls whose spread matters (commits)."""
_LOCK = threading.Lock()
TRACK_RSS = False


def _timed(name: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        call = None
        if TRACK_RSS:
            entry = rss_mb()
            call = [name, entry, entry]
            with _LOCK:
                _ACTIVE[id(call)] = call
        w0, c0 = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            w, c = time.perf_counter() - w0, time.thread_time() - c0
            with _LOCK:
                if call is not None:
                    del _ACTIVE[id(call)]
                    RISE[name] = max(RISE[name], max(call[2], rss_mb()) - call[1])
                t = TIMES[name]
                t[0] += w
                t[1] += c
                t[2] += 1
                if name == "store.commit":
                    EACH[name].append(round(c, 4))

    return wrapper


class _TimedConnection:
    """The store's DuckDB connection with its ``COMMIT`` statements timed (``store.commit``):
    a commit writes the WAL and, past DuckDB's ``checkpoint_threshold``, checkpoints."""

    def __init__(self, con: Any):
        self._con = con
        self._commit = _timed("store.commit", con.execute)

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        if sql == "COMMIT":
            return self._commit(sql, *args, **kwargs)
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def instrument(run: Any) -> None:
    for stage in run.pipeline.stages:
        stage.process = _timed(f"stage.{stage.name}", stage.process)
        for hook in ("persist", "finish"):
            if hasattr(stage, hook):
                setattr(stage, hook, _timed(f"{hook}.{stage.name}", getattr(stage, hook)))
    store = run.store
    store.con = _TimedConnection(store.con)
    for method in (
        "write_batch",
        "existing_ids",
        "known_text_hashes",
        "rebuild_search_index",
        "record_run",
    ):
        setattr(store, method, _timed(f"store.{method}", getattr(store, method)))


def instrument_topics() -> None:
    """With ``--rss``: the steps inside a topic consolidation, timed and tracked too."""
    from heard.listen.analysis import clustering
    from heard.listen.topics import stage
    from heard.store.repos import topics as topic_repo

    clustering.merge_topics = _timed("topics.merge", clustering.merge_topics)
    clustering.split_topics = _timed("topics.split", clustering.split_topics)
    cls = clustering.StreamingClusterer
    cls.consolidate = _timed("topics.consolidate", cls.consolidate)  # type: ignore[method-assign]
    cls._vote = _timed("topics.vote", cls._vote)  # type: ignore[method-assign]
    topic_repo.Topics.members = _timed("topics.members_read", topic_repo.Topics.members)  # type: ignore[method-assign]
    stage.refresh_representation = _timed("topics.represent", stage.refresh_representation)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=15_000)
    parser.add_argument("--corpus", type=Path, help="reuse a JSONL written by an earlier run")
    parser.add_argument("--db", type=Path, help="DuckDB file (default: a fresh temporary one)")
    parser.add_argument("--cprofile", type=Path, help="write a cProfile of the main thread")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--rss", action="store_true", help="also record each step's largest RSS rise (MB)"
    )
    args = parser.parse_args()
    global TRACK_RSS
    TRACK_RSS = args.rss
    if args.rss:
        instrument_topics()

    from heard.cli.app import settings_from
    from heard.pipeline.assemble import open_run

    work = Path(tempfile.mkdtemp(prefix="heard-prof-"))
    corpus = args.corpus
    if corpus is None:
        if not SHARED.is_dir():
            raise SystemExit(f"needs the shared datasets at {SHARED}")
        corpus = work / f"real_{args.posts}.jsonl"
        write_jsonl(corpus, args.posts)
    db = args.db or work / "prof.duckdb"
    load_before = list(os.getloadavg())
    settings = settings_from(None, db=db)
    with open_run(settings) as run:
        instrument(run)
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(stop,), daemon=True)
        if args.rss:
            sampler.start()
        profiler = cProfile.Profile(time.thread_time) if args.cprofile else None
        cpu0, wall0 = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        summary = run.ingest_files([corpus], source="bench", last=True)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        stop.set()
    stages = {
        name: {"wall_s": round(w, 3), "cpu_s": round(c, 3), "calls": n}
        for name, (w, c, n) in sorted(TIMES.items(), key=lambda kv: -kv[1][1])
    }
    result = {
        "benchmark": "ingest_profile",
        "label": args.label,
        "posts": args.posts,
        "stored": summary.stored,
        "wall_s": round(wall, 2),
        "posts_per_s": round(summary.stored / wall, 1) if wall else 0.0,
        "process_cpu_s": round(cpu, 2),
        "stages": stages,
        "non_embed_cpu_s_timed": round(
            sum(c for name, (_w, c, _n) in TIMES.items() if name != "stage.embed"), 3
        ),
        "rss_rise_mb": {k: round(v) for k, v in sorted(RISE.items(), key=lambda kv: -kv[1])},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "slowest_commits_cpu_s": sorted(EACH["store.commit"], reverse=True)[:8],
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
    }
    out = args.out or HERE / "results" / f"ingest_profile_{args.posts}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
