"""Teddy Cup 2020 problem C, task 2: the top-5 hot issues of 附件3, by the product itself.

It runs what a user runs — ``heard ingest 附件3.xlsx --preset teddycup`` into a fresh store (the
issues operator finds issues at the end of the run, ``heard.listen.issues``) — then reads
``heard issues`` and writes the task's tables. Issues with fewer than 5 distinct authors are not
ranked (RIGHTS.md §4).

Writes into ``--out`` (default ``bench/results``): ``teddycup_hot_top5.csv`` (热度排名, 问题ID,
热度指数, 时间范围, 地点/人群, 问题描述), ``teddycup_hot_messages.csv`` (问题ID → 留言编号,
留言主题, 留言时间, 留言详情, 点赞数, 反对数 — never 留言用户, and redacted as every display
is), ``teddycup_hot_message_ids.csv`` (问题ID → 留言编号; the only one committed: the others repeat
the dataset's texts) and ``teddycup_hot.json`` (the top issues with their heat components, the
ingest's and the issues' timings), and prints the table.

    .venv/bin/python bench/teddycup_hot.py [--data ../shared/data/teddycup2020_c/附件3.xlsx]
        [--top 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from heard.clock import local_time, zone_named

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "teddycup2020_c" / "附件3.xlsx"
RESULTS = REPO / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="About 40 s on 2 cores (ingest with every stage, then the issues).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the task's 附件3.xlsx")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the tables (created)")
    parser.add_argument("--top", type=int, default=5, help="how many issues to rank")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"附件3 is not at {args.data}: pass --data PATH")
    from heard.listen.issues.operator import find_issues
    from heard.pipeline.assemble import open_run
    from heard.read.issues import issue_detail, list_issues
    from heard.settings import load_settings
    from heard.store import open_store

    zone = zone_named("Asia/Shanghai")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "a3.duckdb"
        settings = load_settings(None, db=str(db))
        started = time.perf_counter()
        with open_run(settings, preset="teddycup") as run:
            summary = run.ingest_files([args.data])
        ingest_s = time.perf_counter() - started
        with open_store(db) as store:
            t = time.perf_counter()
            found = find_issues(store, settings.issues_posts)
            issues_s = time.perf_counter() - t
            top = list_issues(store, 5, window="all", limit=args.top)["issues"]
            details = [issue_detail(store, i["issue_id"], 5, messages=10_000) for i in top]
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for rank, d in enumerate(details, 1):
        span = (f"{local_time(d['first_seen'], zone, minutes=False)} 至 "
                f"{local_time(d['last_seen'], zone, minutes=False)}")  # fmt: skip
        rows.append([rank, d["issue_id"], f"{d['heat']:.2f}", span, d["place"],
                     f"{d['problem']}：{d['title']}"])  # fmt: skip
    with (out_dir / "teddycup_hot_top5.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"])
        out.writerows(rows)
    with (out_dir / "teddycup_hot_messages.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["问题ID", "留言编号", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"])
        for d in details:
            for p in sorted(d["posts"], key=lambda p: p["created_at"]):
                out.writerow([d["issue_id"], p["external_id"], p["title"], p["created_at"],
                              p["text"], p["likes"], p["dislikes"]])  # fmt: skip
    with (out_dir / "teddycup_hot_message_ids.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["问题ID", "留言编号"]]
            + [
                [d["issue_id"], p["external_id"]]
                for d in details
                for p in sorted(d["posts"], key=lambda p: p["created_at"])
            ]  # fmt: skip
        )
    result = {
        "bench": "teddycup_hot",
        "command": "python bench/teddycup_hot.py " + " ".join(sys.argv[1:]),
        "rows_read": summary.rows_read,
        "stored": summary.stored,
        "issues": len(found),
        "ranked_issues_k5": sum(1 for r in found if r.authors >= 5),
        "ingest_seconds": round(ingest_s, 1),
        "issues_seconds": round(issues_s, 2),
        "top": [
            {
                k: d[k]
                for k in (
                    "issue_id",
                    "place",
                    "problem",
                    "title",
                    "heat",
                    "messages",
                    "distinct_messages",
                    "authors",
                    "first_seen",
                    "last_seen",
                    "bursting",
                    "burst_p",
                    "heat_components",
                )
            }  # fmt: skip
            for d in details
        ],
    }
    (out_dir / "teddycup_hot.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    for r in rows:
        print(" | ".join(map(str, r)))
    print(json.dumps({k: v for k, v in result.items() if k != "top"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
