"""Teddy Cup 附件4 imported as answered cases: time, per-department record, and the check that the
record equals a direct computation from the file.

    .venv/bin/python bench/cases_attachment4.py [--router DIR] [--out
    bench/results/cases_attachment4.json]

Ingests the file with ``--preset teddycup-replies`` into a temporary store (the full pipeline:
language, tokens, embeddings, sentiment, intent, topics, then routing and cases), reads
``heard accountability --json``, and recomputes each department's count, median and p90 from the
file's own times with the departments the store assigned; and counts the replies whose stored
timeliness says "within 15 working days" against the same count on the file's own (Beijing) dates.
``--router`` routes with a trained router (e.g. one trained on 附件2 titles: evaluation data,
never shipped) instead of zero-shot.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEADLINE = 15  # working days: every Teddy Cup preset department's default deadline (and triage's)
FILE = (
    REPO.parent
    / "shared"
    / "data"
    / "teddycup2020_c"
    / "attachment4_messages_with_official_replies.csv"
)


def _parse(s: str) -> datetime:
    s = s.strip().replace("-", "/")
    return datetime.strptime(s, "%Y/%m/%d %H:%M:%S" if ":" in s else "%Y/%m/%d")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=FILE)
    parser.add_argument("--router", type=Path, default=None)
    parser.add_argument(
        "--out", type=Path, default=REPO / "bench" / "results" / "cases_attachment4.json"
    )
    args = parser.parse_args()

    from heard.cli import run
    from heard.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "a4.duckdb"
        if args.router is not None:
            os.environ["HEARD_ROUTER_MODEL"] = str(args.router)
        started = time.perf_counter()
        ingested = io.StringIO()
        with redirect_stdout(ingested):
            assert (
                run(
                    [
                        "ingest",
                        str(args.file),
                        "--preset",
                        "teddycup-replies",
                        "--db",
                        str(db),
                        "--json",
                    ]
                )
                == 0
            )
        seconds = time.perf_counter() - started
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            assert run(["accountability", "--db", str(db), "--json"]) == 0
        record = json.loads(buffer.getvalue())
        with open_store(db, read_only=True) as store:
            department = {
                r["post_id"].split(":", 1)[1]: r["department"]
                for r in store.rows("SELECT post_id, department FROM cases")
            }
            working_days = [
                json.loads(r["reply_scores"])["timeliness"]["evidence"]["working_days"]
                for r in store.rows("SELECT reply_scores FROM cases WHERE reply_scores IS NOT NULL")
            ]
    with open(args.file, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    direct: dict[str, list[float]] = {}
    for r in rows:
        days = (_parse(r["答复时间"]) - _parse(r["留言时间"])).total_seconds() / 86400
        direct.setdefault(department[r["留言编号"]], []).append(days)
    # the file's times are Beijing time: their own dates are the board's working days
    direct_days = [
        int(
            np.busday_count(
                _parse(r["留言时间"]).date() + timedelta(days=1),
                _parse(r["答复时间"]).date() + timedelta(days=1),
            )
        )
        for r in rows
        if _parse(r["答复时间"]) >= _parse(r["留言时间"])
    ]
    within = {
        "heard": sum(d <= DEADLINE for d in working_days),
        "direct": sum(d <= DEADLINE for d in direct_days),
        "heard_scored": len(working_days),
    }
    got = {d["department"]: d for d in record["departments"]}
    departments, agree = [], True
    for code in sorted(direct):
        valid = np.array([d for d in direct[code] if d >= 0])
        row = got.get(code, {})
        mine = {
            "cases": len(direct[code]),
            "median_days": round(float(np.median(valid)), 4),
            "p90_days": round(float(np.percentile(valid, 90)), 4),
        }
        same = (
            row.get("cases") == mine["cases"]
            and abs(row.get("median_days", -1) - mine["median_days"]) < 1e-3
            and abs(row.get("p90_days", -1) - mine["p90_days"]) < 1e-3
        )
        agree &= same
        departments.append(
            {
                "department": code,
                "name_zh": row.get("name_zh"),
                "heard": {
                    k: row.get(k)
                    for k in (
                        "cases",
                        "answered",
                        "median_days",
                        "p90_days",
                        "negative_excluded",
                        "mean_reply_quality",
                    )
                },
                "direct": mine,
                "agree": same,
            }
        )
    result = {
        "file": str(args.file),
        "messages": len(rows),
        "router": str(args.router or "zero-shot"),
        "ingest_seconds": round(seconds, 1),
        "load_average": os.getloadavg()[0],
        "stored": json.loads(ingested.getvalue())["stored"],
        "total": record["total"],
        "within_15_working_days": within,
        "departments": departments,
        "all_agree": agree and within["heard"] == within["direct"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if result["all_agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
