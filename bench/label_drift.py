"""Topic labels under many small ingests (issue 17): the demo corpus through ``heard ingest`` as
one file and as ``--files`` files (the posts in order, equal parts), then each topic of the
many-files store matched to the one-file topic that holds most of its posts. Reported: topics,
matched topics (Jaccard of their posts ≥ 0.5), the share of matched topics whose label differs,
and the same among the pairs whose posts are nearly the same (Jaccard ≥ 0.9: a label that
differs there drifted, the members did not); and how many times the runs of the many-files store
changed a topic's label (its ``labelled`` events after the first), with each topic's labels.

    .venv/bin/python bench/label_drift.py [--files 20]   (→ bench/results/label_drift.json)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}


def heard(*args: str) -> None:
    done = subprocess.run(HEARD + list(args), env=ENV, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]


def ingest(db: Path, lines: list[str], parts: int, tmp: Path) -> None:
    size = -(-len(lines) // parts)
    for n, at in enumerate(range(0, len(lines), size)):
        part = tmp / f"{db.stem}_{n:03d}.jsonl"
        part.write_text("".join(lines[at : at + size]), encoding="utf-8")
        heard("ingest", str(part), "--db", str(db))


def topics(db: Path) -> dict[int, tuple[str, frozenset[str]]]:
    """Active topics: label and member post ids."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        labels = dict(
            con.execute("SELECT topic_id, label FROM topics WHERE status = 'active'").fetchall()
        )
        members: dict[int, set[str]] = {t: set() for t in labels}
        for post, tid in con.execute("SELECT post_id, topic_id FROM post_topics").fetchall():
            if tid in members:  # the id less the file's name (one_000:d0002 → d0002)
                members[tid].add(post.split(":", 1)[-1])
    finally:
        con.close()
    return {t: (labels[t] or "", frozenset(members[t])) for t in labels}


def label_changes(db: Path) -> dict[str, Any]:
    """How often the runs changed a topic's label (its ``labelled`` events after the first),
    and each topic's labels in turn."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT topic_id, detail FROM topic_events WHERE kind = 'labelled' "
            "ORDER BY topic_id, event_id"
        ).fetchall()
    finally:
        con.close()
    seen: dict[int, list[str]] = {}
    for tid, detail in rows:
        seen.setdefault(int(tid), []).append(json.loads(detail)["label"])
    return {
        "changes": sum(len(labels) - 1 for labels in seen.values()),
        "topics": len(seen),
        "labels": {str(t): " → ".join(labels) for t, labels in sorted(seen.items())},
    }


def compare(one: dict, many: dict) -> dict:
    pairs = []
    for tid, (label, posts) in many.items():
        if not posts:
            continue
        best = max(one.items(), key=lambda kv: len(kv[1][1] & posts), default=None)
        if best is None:
            continue
        other_label, other = best[1]
        jaccard = len(other & posts) / len(other | posts)
        pairs.append(
            {
                "jaccard": round(jaccard, 3),
                "label": label,
                "one_file": other_label,
                "posts": len(posts),
            }
        )
    matched = [p for p in pairs if p["jaccard"] >= 0.5]
    same = [p for p in pairs if p["jaccard"] >= 0.9]
    differ = lambda ps: sum(p["label"] != p["one_file"] for p in ps)  # noqa: E731
    return {
        "topics_one_file": len(one),
        "topics_many_files": len(many),
        "matched": len(matched),
        "labels_differ_matched": differ(matched),
        "share_differ_matched": round(differ(matched) / max(len(matched), 1), 3),
        "nearly_same_members": len(same),
        "labels_differ_nearly_same": differ(same),
        "pairs": sorted(matched, key=lambda p: -p["posts"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "label_drift.json"))
    parser.add_argument("--keep", help="copy the two stores into this folder")
    args = parser.parse_args()
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        one_db, many_db = tmp / "one.duckdb", tmp / "many.duckdb"
        ingest(one_db, lines, 1, tmp)
        ingest(many_db, lines, args.files, tmp)
        result = {"files": args.files, **compare(topics(one_db), topics(many_db))}
        result["label_changes_many_files"] = label_changes(many_db)
        result["label_changes_one_file"] = label_changes(one_db)["changes"]
        if args.keep:
            for db in (one_db, many_db):
                shutil.copy(db, Path(args.keep) / db.name)
    result["seconds"] = round(time.time() - started, 1)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "pairs"}, ensure_ascii=False))
    for p in result["pairs"]:
        mark = " " if p["label"] == p["one_file"] else "≠"
        print(f"{mark} {p['jaccard']:.2f} {p['posts']:4d}  {p['label']}  |  {p['one_file']}")


if __name__ == "__main__":
    main()
