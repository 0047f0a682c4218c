"""The live path on the demo corpus: ``heard watch data/demo/posts.jsonl --once`` into an empty
store.

A file replayed with ``--once`` arrives in seconds, so the periodic refresh (``--refresh-every``,
120 s) never runs before the end. A real stream is slow: the refresh runs every few batches.
``--refresh-every 0`` refreshes after every batch, the far end of that. Reported for each: the
largest topics, the topic holding most of the planted incident's posts (``heard.cli.demo.INCIDENT``,
the water-main burst), and the alerts (topic, stream time, window, posts). Batches are cut by wall
time too (``--max-wait``), so the result can vary a little from run to run.

    .venv/bin/python bench/watch_demo.py

Prints JSON and writes bench/results/watch_demo.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from heard.cli.demo import INCIDENT
from heard.store import open_store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
RESULTS = REPO / "bench" / "results" / "watch_demo.json"


def one_watch(tmp: Path, refresh_every: float) -> dict:
    db, log = tmp / f"w{refresh_every:g}.duckdb", tmp / f"a{refresh_every:g}.jsonl"
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "heard"),
            "watch",
            str(CORPUS),
            "--once",
            "--db",
            str(db),
            "--refresh-every",
            str(refresh_every),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "HEARD_ALERT_LOG": str(log)},
    )
    seconds = time.perf_counter() - started
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT pt.topic_id, p.text FROM posts p JOIN post_topics pt ON pt.post_id = p.id"
        )
    sizes: dict[int, int] = {}
    held: dict[int, int] = {}
    for r in rows:
        if r["topic_id"] is not None:
            sizes[r["topic_id"]] = sizes.get(r["topic_id"], 0) + 1
            held[r["topic_id"]] = held.get(r["topic_id"], 0) + bool(INCIDENT.search(r["text"]))
    home = max(held, key=held.get)
    alerts = (
        [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        if log.exists()
        else []
    )
    return {
        "refresh_every": refresh_every,
        "wall_s": round(seconds, 1),
        "posts": len(rows),
        "largest_topics": sorted(sizes.values(), reverse=True)[:5],
        "incident_topic": home,
        "incident_topic_size": sizes[home],
        "incident_posts_in_it": held[home],
        "incident_posts": sum(held.values()),
        "alerts": [
            {
                "topic_id": a["topic_id"],
                "label": a["label"],
                "detected_at": a["detected_at"],
                "window_seconds": a["evidence"]["window_seconds"],
                "count": a["evidence"]["count"],
            }
            for a in alerts
        ],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs = [one_watch(Path(tmp), every) for every in (120.0, 0.0)]
    result = {"bench": "watch_demo", "command": "python bench/watch_demo.py", "runs": runs}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
