"""The overview's SQL before and after 2026-12-06, side by side, on DuckDB and PostgreSQL.

    .venv/bin/python bench/overview_sql_ab.py [--posts N]   # → bench/results/overview_sql_ab.json

Before: ``count(DISTINCT author_key)`` per language, source and sentiment group, and per unit of
the volume series (whose author count the overview never showed). After: (group, author) pairs
counted first, then pairs per group; no author count in the volume series. On the synthetic store
of ``bench/api_latency.py`` (built once in ``--workdir``, then copied into a throwaway
PostgreSQL server as ``bench/api_latency_postgres.py`` does), the two versions alternate for
``--rounds`` rounds on each backend and their answers are compared (groups: every field;
volume: every field but the dropped author count). PostgreSQL is measured with the read-only
connection's ``work_mem`` (``heard.store.postgres.store.READ_WORK_MEM``) and again at the
server's default 4 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests"), str(REPO / "src")]

import api_latency as base  # noqa: E402
import api_latency_postgres as apg  # noqa: E402

from heard.store.queries import overview as q  # noqa: E402

KEYS = {
    "language": "coalesce(p.lang, 'und')",
    "source": "p.source",
    "sentiment": "coalesce(p.sentiment_label, 'none')",
}


def grouped_before(db: Any, by: str) -> list[dict[str, Any]]:
    return db.rows(
        f"SELECT {KEYS[by]} AS key, count(*) AS posts, count(DISTINCT p.author_key) AS authors "
        "FROM posts p GROUP BY 1 ORDER BY 2 DESC, 1"
    )


def volume_before(db: Any, unit: str) -> list[dict[str, Any]]:
    return db.rows(
        f"SELECT date_trunc('{unit}', p.created_at) AS t, count(*) AS posts, "
        "count(DISTINCT p.author_key) AS authors, "
        "count(*) FILTER (WHERE sentiment_label = 'negative') AS negative, "
        "count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral, "
        "count(*) FILTER (WHERE sentiment_label = 'positive') AS positive, "
        "avg(sentiment_score) AS mean FROM posts p GROUP BY 1 ORDER BY 1"
    )


def one_overview(db: Any, grouped: Any, volume: Any) -> tuple[float, dict, list]:
    t = time.perf_counter()
    groups = {by: grouped(db, by) for by in KEYS}
    series = volume(db, "week")
    return time.perf_counter() - t, groups, series


def alternate(db: Any, rounds: int) -> dict[str, Any]:
    versions = {"before": (grouped_before, volume_before), "after": (q.grouped, q.volume)}
    seconds: dict[str, list[float]] = {"before": [], "after": []}
    answers: dict[str, Any] = {}
    for i in range(rounds):
        for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
            s, groups, series = one_overview(db, *versions[name])
            seconds[name].append(round(s, 3))
            answers[name] = (groups, series)
    (gb, vb), (ga, va) = answers["before"], answers["after"]
    median = {k: sorted(v)[len(v) // 2] for k, v in seconds.items()}
    return {
        "seconds": seconds,
        "median_s": median,
        "speedup": round(median["before"] / median["after"], 2),
        "same_groups": all([dict(r) for r in gb[by]] == [dict(r) for r in ga[by]] for by in KEYS),
        "same_volume": [{k: x for k, x in r.items() if k != "authors"} for r in vb]
        == [dict(r) for r in va],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/heard-bench-overview"))
    ap.add_argument("--out", type=Path, default=REPO / "bench/results/overview_sql_ab.json")
    args = ap.parse_args()
    from pg import PgServer, find_bindir

    from heard.store import open_store
    from heard.store.duckdb.view import ReadView
    from heard.store.postgres.store import READ_WORK_MEM

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("needs the PostgreSQL binaries (scripts/install-postgres.sh)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / f"overview-{args.posts}.duckdb"
    if not db.exists():
        base.build_store(db, args.posts)
    out: dict[str, Any] = {
        "bench": "overview_sql_ab",
        "command": " ".join(["python", "bench/overview_sql_ab.py", *sys.argv[1:]]),
        "posts": args.posts,
        "load_start": apg.loadavg(),
    }
    with open_store(db) as store:
        out["duckdb"] = alternate(ReadView(store), args.rounds)
    server = PgServer(bindir, durable=True).start()
    try:
        url = server.create_database("heard_overview")
        apg.copy_to_postgres(db, url)
        with open_store(url, read_only=True) as store:
            view = store.reader()
            try:
                out[f"postgresql_work_mem_{READ_WORK_MEM}"] = alternate(view, args.rounds)
                view._reader().con.execute("SET work_mem = '4MB'")
                out["postgresql_work_mem_4MB"] = alternate(view, args.rounds)
            finally:
                view.close()
    finally:
        server.stop()
    out["load_end"] = apg.loadavg()
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
