"""kill -9 a real ``heard watch FILE`` while the file grows, restart it, and check the store.

Each trial: a fresh store; a writer appends the demo corpus (613 posts) with two poison lines
among them (not JSON; no text) to ``feed.jsonl`` a few lines at a time, sometimes a line in two
writes (a half-written line waits), while ``heard watch feed.jsonl --batch-size 8`` follows it.
The watch dies with SIGKILL at a seeded random moment U(0, --kill-within) seconds after the
writer starts (the writer takes about 24 s on a loaded 2-core machine): while reading,
embedding, inside a batch's transaction, between its commit and the topics' write. When the
writer has finished, ``heard watch feed.jsonl --once`` resumes. The store must then hold every
post exactly once (0 lost, 0 duplicated; one embedding and one topic assignment per post), the
two poison lines exactly once each in the quarantine with their line numbers, and owe no
end-of-run work.

    .venv/bin/python bench/kill_watch.py --trials 8 --seed 1  (→ bench/results/kill_watch.json)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}
for name in ("HEARD_TEST_KILL_AT", "HEARD_TEST_MARKS"):
    ENV.pop(name, None)
POISON = {120: b"{not json", 400: b'{"id": "empty", "text": ""}'}
"""Line index in the corpus → a poison line written before it."""


def feed_lines() -> list[bytes]:
    out: list[bytes] = []
    for i, line in enumerate(CORPUS.read_bytes().splitlines()):
        if i in POISON:
            out.append(POISON[i])
        out.append(line)
    return out


def write_slowly(path: Path, lines: list[bytes], rng: random.Random, pause: float) -> None:
    i = 0
    while i < len(lines):
        n = rng.randint(1, 5)
        data = b"".join(line + b"\n" for line in lines[i : i + n])
        cut = rng.randint(1, len(data) - 1) if rng.random() < 0.3 else len(data)
        with path.open("ab") as fh:
            fh.write(data[:cut])
        if cut < len(data):
            time.sleep(pause)
            with path.open("ab") as fh:
                fh.write(data[cut:])
        i += n
        time.sleep(pause)


def check(db: Path, expected: list[str]) -> dict:
    code = """
import json, sys
from heard.store import open_store
with open_store(sys.argv[1], read_only=True) as s:
    one = lambda q: s.scalar(q)
    print(json.dumps({
        "ids": [r["external_id"] for r in s.rows("SELECT external_id FROM posts")],
        "embeddings": one("SELECT count(*) FROM embeddings"),
        "embeddings_distinct": one("SELECT count(DISTINCT post_id) FROM embeddings"),
        "assigned": one("SELECT count(*) FROM post_topics"),
        "assigned_distinct": one("SELECT count(DISTINCT post_id) FROM post_topics"),
        "quarantine": sorted([r["position"], r["reason"]] for r in s.rows(
            "SELECT position, reason FROM quarantine")),
        "pending": sorted(s.pending_work()),
    }))
"""
    got = subprocess.run(
        [sys.executable, "-c", code, str(db)], env=ENV, capture_output=True, text=True, timeout=300
    )
    if got.returncode != 0:
        return {"error": got.stderr[-1500:]}
    state = json.loads(got.stdout)
    ids = state.pop("ids")
    state["posts"] = len(ids)
    state["lost"] = len(set(expected) - set(ids))
    state["duplicated"] = len(ids) - len(set(ids))
    state["whole"] = (
        state["lost"] == 0
        and state["duplicated"] == 0
        and state["posts"] == len(expected)
        and state["embeddings"] == state["embeddings_distinct"] == state["posts"]
        and state["assigned"] == state["assigned_distinct"] == state["posts"]
        and state["quarantine"] == [[121, "malformed_json"], [402, "missing_text"]]
        and not state["pending"]
    )
    return state


def trial(tmp: Path, i: int, rng: random.Random, pause: float, kill_within: float) -> dict:
    feed, db = tmp / f"feed{i}.jsonl", tmp / f"t{i}.duckdb"
    feed.write_bytes(b"")
    lines = feed_lines()
    expected = [json.loads(x)["id"] for x in lines if b'"id": "empty"' not in x and x[:2] != b"{n"]
    watch = HEARD + ["watch", str(feed), "--db", str(db), "--batch-size", "8", "--max-wait", "0.2"]
    err = (tmp / f"t{i}.err").open("wb")
    proc = subprocess.Popen(watch, env=ENV, stdout=subprocess.DEVNULL, stderr=err, cwd=tmp)
    deadline = time.monotonic() + 300
    while b"watching" not in (tmp / f"t{i}.err").read_bytes():
        assert proc.poll() is None and time.monotonic() < deadline, (tmp / f"t{i}.err").read_text()
        time.sleep(0.1)
    writer = threading.Thread(target=write_slowly, args=(feed, lines, random.Random(i), pause))
    started = time.monotonic()
    writer.start()
    delay = rng.uniform(0, kill_within)
    time.sleep(delay)
    proc.kill()
    proc.wait()
    writer.join()
    resumed = subprocess.run(
        watch + ["--once"], env=ENV, capture_output=True, text=True, timeout=600, cwd=tmp
    )
    state = check(db, expected)
    return {
        "trial": i,
        "killed_after_s": round(delay, 2),
        "writer_s": round(time.monotonic() - started, 2),
        "resume_rc": resumed.returncode,
        "resume_summary": resumed.stderr.strip().splitlines()[-1:],
        **state,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pause", type=float, default=0.02, help="seconds between the writer's writes")
    ap.add_argument(
        "--kill-within", type=float, default=20.0, help="the kill comes U(0, this) s after start"
    )
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "kill_watch.json")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    trials = []
    with tempfile.TemporaryDirectory(prefix="kill_watch_") as tmp:
        for i in range(args.trials):
            t = trial(Path(tmp), i, rng, args.pause, args.kill_within)
            trials.append(t)
            print(json.dumps(t), flush=True)
    result = {
        "command": " ".join(["bench/kill_watch.py", *sys.argv[1:]]),
        "trials": trials,
        "whole": sum(bool(t.get("whole")) for t in trials),
        "lost": sum(t.get("lost", 0) for t in trials),
        "duplicated": sum(t.get("duplicated", 0) for t in trials),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "trials"}))


if __name__ == "__main__":
    main()
