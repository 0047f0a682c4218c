"""Posts arriving a few at a time (issue 17): about 50 files of 1–5 posts each (53 with seed 1; the
keys say ``_50``), through ``heard ingest`` (one run per file) and through the API's
``POST /api/v1/ingest`` (one JSON upload per file), after
the first 463 posts of the demo corpus went in at once; against one ``heard ingest`` of the same
150 posts as one file. For each store: posts and ``heard stats`` counts (posts, by source, by
day's sum, quarantine), whether search finds every post (``heard.read.posts.search`` with two
words of its own search text), and the topics of all 613 posts against the one-file store (ARI,
external ids; posts outside every topic counted as one label), topics with ≥ k authors.

    .venv/bin/python bench/small_ingests.py --seed 1   (→ bench/results/small_ingests.json)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}
BASE = 463


def heard(*args: str) -> str:
    done = subprocess.run(HEARD + list(args), env=ENV, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def chunks(lines: list[str], rng: random.Random) -> list[list[str]]:
    out, i = [], 0
    while i < len(lines):
        n = min(rng.randint(1, 5), len(lines) - i)
        out.append(lines[i : i + n])
        i += n
    return out


def via_api(db: Path, parts: list[list[str]]) -> None:
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings

    heard("users", "add", "ana", "--role", "analyst", "--password", "pw-123456789", "--db", str(db))
    token = json.loads(heard("users", "token", "ana", "--db", str(db), "--json"))["token"]
    with TestClient(create_app(Settings(db=db))) as client:
        for part in parts:
            got = client.post(
                "/api/v1/ingest",
                json=[json.loads(line) for line in part],
                headers={"Authorization": f"Bearer {token}"},
            )
            assert got.status_code == 200, got.text


def measure(db: Path, reference: dict[str, int] | None) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from heard.read import stats as stats_q
    from heard.read.posts import PostFilter, search
    from heard.store import open_store

    stats = json.loads(heard("stats", "--db", str(db), "--json"))
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT p.id, p.external_id, p.search_text, t.topic_id FROM posts p "
            "LEFT JOIN post_topics t ON t.post_id = p.id ORDER BY p.external_id"
        )
        missed = []
        for r in rows:
            words = [w for w in (r["search_text"] or "").split() if len(w) > 1][:2]
            found = search(store, PostFilter(q=" ".join(words)), limit=10_000)["posts"]
            if r["id"] not in {p["id"] for p in found}:
                missed.append(r["external_id"])
        big = store.scalar("SELECT count(*) FROM topics WHERE status = 'active' AND n_authors >= 5")
        quarantine = stats_q.stats(store)["quarantine"]["total"]
    topics = {r["external_id"]: r["topic_id"] or -1 for r in rows}
    out = {
        "posts": len(rows),
        "stats_posts": stats["posts"],
        "stats_by_source_sum": sum(stats["by_source"].values()),
        "stats_by_day_sum": sum(stats["by_day"].values()),
        "quarantine": quarantine,
        "search_missed": missed,
        "topics_k5": big,
        "unassigned": sum(1 for t in topics.values() if t == -1),
    }
    if reference is not None:
        ids = sorted(reference)
        out["ari_vs_one_file"] = round(
            adjusted_rand_score([reference[i] for i in ids], [topics.get(i, -2) for i in ids]), 4
        )
    out["_topics"] = topics
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "small_ingests.json")
    args = ap.parse_args()
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    parts = chunks(lines[BASE:], random.Random(args.seed))
    result: dict = {"command": " ".join(["bench/small_ingests.py", *sys.argv[1:]])}
    result["files"] = len(parts)
    result["posts_per_file"] = [len(p) for p in parts]
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="small_ingests_") as tmp:
        d = Path(tmp)
        base = d / "cityboard.jsonl"
        base.write_text("\n".join(lines[:BASE]) + "\n", encoding="utf-8")
        rest = d / "rest" / "cityboard.jsonl"  # the same source name: the same post ids
        rest.parent.mkdir()
        rest.write_text("\n".join(lines[BASE:]) + "\n", encoding="utf-8")
        small = []
        for i, part in enumerate(parts):
            f = d / f"s{i}" / "cityboard.jsonl"
            f.parent.mkdir()
            f.write_text("\n".join(part) + "\n", encoding="utf-8")
            small.append(f)
        dbs = {k: d / f"{k}.duckdb" for k in ("one_file", "cli_50", "api_50")}
        for db in dbs.values():
            heard("ingest", str(base), "--db", str(db))
        heard("ingest", str(rest), "--db", str(dbs["one_file"]))
        for f in small:
            heard("ingest", str(f), "--db", str(dbs["cli_50"]))
        via_api(dbs["api_50"], parts)
        ref = measure(dbs["one_file"], None)
        result["one_file"] = ref
        for k in ("cli_50", "api_50"):
            result[k] = measure(dbs[k], ref["_topics"])
    for k in ("one_file", "cli_50", "api_50"):
        result[k].pop("_topics")
    result["seconds"] = round(time.time() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
