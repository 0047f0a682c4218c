"""kill -9 a real ``heard ingest`` at seeded random points, rerun it, and check the store.

Each trial ingests the demo corpus (613 posts, batches of 64: ten commits) into a fresh store
and dies with SIGKILL at a random moment; a second ``heard ingest`` of the same file follows.
After the rerun the store must hold every post of the file exactly once (0 lost, 0 duplicated;
embeddings and topic assignments once per post), owe no end-of-run work, have its search index
(``heard posts --query`` answers), and every active topic must carry a label and its aggregates.

Where the kills land: a reference run (never killed) records the time of each crash point
(``HEARD_TEST_MARKS``, heard.testing) — ``ingest_start`` (models loaded, first batch next),
``finish_start`` (end-of-run work begins) — and its exit. A "run" trial dies at
``ingest_start + U(0, exit - ingest_start)``; an "end" trial at ``finish_start + U(0, exit -
finish_start)``, inside the end-of-run phase (topic consolidation, labels, search index, run
record). The timer is armed in the process at that point (``HEARD_TEST_KILL_AT=POINT+SECONDS``),
so model loading's variable time under load does not move the kill. A draw that comes after the
process has already exited (rc 0: not killed) is redrawn in ``[0, previous delay)``, at most
five times; every draw is in the JSON.

    .venv/bin/python bench/kill_ingest.py --trials 20 --end-trials 6 --seed 1
    (→ bench/results/kill_ingest.json)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}
for name in ("HEARD_TEST_KILL_AT", "HEARD_TEST_MARKS"):
    ENV.pop(name, None)


def ingest(
    src: Path, db: Path, batch: int, **extra: str
) -> tuple[subprocess.CompletedProcess, float]:
    env = {**ENV, **extra}
    cmd = HEARD + ["ingest", str(src), "--db", str(db), "--batch-size", str(batch), "--json"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    return done, time.monotonic()


def check(db: Path, reference: dict | None) -> dict:
    """What the store holds, and whether it is whole against the reference run."""
    code = """
import json, sys
from heard.store import open_store
with open_store(sys.argv[1], read_only=True) as s:
    one = lambda q: s.scalar(q)
    out = {
        "posts": one("SELECT count(*) FROM posts"),
        "distinct_external_ids": one("SELECT count(DISTINCT external_id) FROM posts"),
        "ids": sorted(r["external_id"] for r in s.rows("SELECT external_id FROM posts")),
        "embeddings": one("SELECT count(*) FROM embeddings"),
        "embeddings_distinct": one("SELECT count(DISTINCT post_id) FROM embeddings"),
        "assigned": one("SELECT count(*) FROM post_topics"),
        "assigned_distinct": one("SELECT count(DISTINCT post_id) FROM post_topics"),
        "flags": one("SELECT count(*) FROM flags"),
        "flags_distinct": one("SELECT count(DISTINCT (post_id, label)) FROM flags"),
        "pending": sorted(s.pending_work()),
        "index": bool(s.has_search_index()),
        "topics": one("SELECT count(*) FROM topics WHERE status = 'active'"),
        "unlabelled": one(
            "SELECT count(*) FROM topics WHERE status = 'active' "
            "AND (label IS NULL OR label = '' OR n_authors IS NULL)"
        ),
        "topics_rows": sorted(
            [r["topic_id"], r["label"], r["size"]]
            for r in s.rows("SELECT topic_id, label, size FROM topics WHERE status = 'active'")
        ),
    }
print(json.dumps(out))
"""
    got = subprocess.run(
        [sys.executable, "-c", code, str(db)], env=ENV, capture_output=True, text=True, timeout=120
    )
    if got.returncode != 0:
        return {"error": got.stderr[-1500:]}
    state = json.loads(got.stdout)
    found = subprocess.run(
        HEARD + ["posts", "--db", str(db), "--query", "公交", "--json", "--limit", "5"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    state["search_rc"] = found.returncode
    state["search_hits"] = len(json.loads(found.stdout)) if found.returncode == 0 else None
    if reference is not None:
        ref_ids, ids = set(reference["ids"]), state["ids"]
        state["lost"] = len(ref_ids - set(ids))
        state["duplicated"] = len(ids) - len(set(ids))
        state["unexpected"] = len(set(ids) - ref_ids)
        state["topics_same_as_reference"] = state["topics_rows"] == reference["topics_rows"]
        state["whole"] = (
            state["lost"] == 0
            and state["duplicated"] == 0
            and state["unexpected"] == 0
            and state["embeddings"] == state["embeddings_distinct"] == state["posts"]
            and state["assigned"] == state["assigned_distinct"]
            and state["flags"] == state["flags_distinct"]
            and not state["pending"]
            and state["index"]
            and state["search_rc"] == 0
            and bool(state["search_hits"])
            and state["topics"] > 0
            and state["unlabelled"] == 0
        )
        del state["ids"]
    return state


def marks(path: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text().splitlines():
        name, at = line.split()
        out.setdefault(name, float(at))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--end-trials", type=int, default=6, help="of them, in the end-of-run phase")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "kill_ingest.json")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="kill_ingest_") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "board.jsonl"
        src.write_text(CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
        ref_db, mark_file = tmpdir / "ref.duckdb", tmpdir / "marks.txt"
        done, exited = ingest(src, ref_db, args.batch_size, HEARD_TEST_MARKS=str(mark_file))
        assert done.returncode == 0, done.stderr[-2000:]
        timeline = marks(mark_file)
        reference = check(ref_db, None)
        ref_ids = reference["ids"]
        run_span = exited - timeline["ingest_start"]
        end_span = exited - timeline["finish_start"]
        print(
            f"reference: {reference['posts']} posts, {reference['topics']} topics; ingest_start "
            f"→ exit {run_span:.2f} s, finish_start → exit {end_span:.2f} s",
            flush=True,
        )
        kinds = ["end"] * args.end_trials + ["run"] * (args.trials - args.end_trials)
        rng.shuffle(kinds)
        trials = []
        for i, kind in enumerate(kinds):
            point, span = (
                ("finish_start", end_span) if kind == "end" else ("ingest_start", run_span)
            )
            db = tmpdir / f"t{i}.duckdb"
            delay, draws = rng.uniform(0, span), []
            for _ in range(6):
                for p in (db, Path(f"{db}.wal")):
                    p.unlink(missing_ok=True)
                killed, _ = ingest(
                    src, db, args.batch_size, HEARD_TEST_KILL_AT=f"{point}+{delay:.4f}"
                )
                draws.append({"delay_s": round(delay, 4), "rc": killed.returncode})
                if killed.returncode == -signal.SIGKILL:
                    break
                assert killed.returncode == 0, killed.stderr[-2000:]
                delay = rng.uniform(0, delay)
            left = check(db, {"ids": ref_ids, "topics_rows": reference["topics_rows"]})
            rerun, _ = ingest(src, db, args.batch_size)
            rerun_stored = json.loads(rerun.stdout)["stored"] if rerun.returncode == 0 else None
            after = check(db, {"ids": ref_ids, "topics_rows": reference["topics_rows"]})
            trial = {
                "trial": i,
                "phase": kind,
                "after_point": point,
                "draws": draws,
                "killed": draws[-1]["rc"] == -signal.SIGKILL,
                "left_by_kill": {
                    k: left.get(k) for k in ("posts", "pending", "index", "unlabelled", "topics")
                },
                "rerun_rc": rerun.returncode,
                "rerun_stored": rerun_stored,
                "rerun_stderr_tail": rerun.stderr[-800:] if rerun.returncode else "",
                "after_rerun": {k: v for k, v in after.items() if k != "topics_rows"},
            }
            trials.append(trial)
            a = after
            print(
                f"trial {i:2d} {kind:3s} +{draws[-1]['delay_s']:.2f}s killed={trial['killed']} "
                f"left={left.get('posts')} posts pending={left.get('pending')} "
                f"index={left.get('index')} → rerun stored {rerun_stored}; "
                f"lost {a.get('lost')} dup {a.get('duplicated')} unlabelled {a.get('unlabelled')} "
                f"index {a.get('index')} search {a.get('search_hits')} whole={a.get('whole')}",
                flush=True,
            )
    killed = [t for t in trials if t["killed"]]
    result = {
        "command": "bench/kill_ingest.py " + " ".join(sys.argv[1:]),
        "corpus": str(CORPUS.relative_to(REPO)),
        "batch_size": args.batch_size,
        "seed": args.seed,
        "machine": f"{os.cpu_count()} cores",
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.time() - started, 1),
        "reference": {
            "posts": reference["posts"],
            "topics": reference["topics"],
            "ingest_start_to_exit_s": round(run_span, 3),
            "finish_start_to_exit_s": round(end_span, 3),
        },
        "trials": len(trials),
        "killed": len(killed),
        "killed_in_end_phase": sum(t["phase"] == "end" for t in killed),
        "killed_before_index": sum(not t["left_by_kill"]["index"] for t in killed),
        "lost": sum(t["after_rerun"].get("lost") or 0 for t in trials),
        "duplicated": sum(t["after_rerun"].get("duplicated") or 0 for t in trials),
        "whole_after_rerun": sum(bool(t["after_rerun"].get("whole")) for t in trials),
        "topics_same_as_reference": sum(
            bool(t["after_rerun"].get("topics_same_as_reference")) for t in trials
        ),
        "runs": trials,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    summary = {k: v for k, v in result.items() if k != "runs"}
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
