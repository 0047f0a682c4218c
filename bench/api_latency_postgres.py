"""API latency on PostgreSQL beside DuckDB: the same synthetic store, the same requests, one run.

    .venv/bin/python bench/api_latency_postgres.py [--posts 1000000] [--probe-seconds 0]

1. Builds the synthetic store of ``bench/api_latency.py`` in DuckDB (its ``build_store``: DuckDB
   SQL, no embedder, Heard's own topic representation and search index).
2. Starts a throwaway PostgreSQL server (``tests/pg.py`` ``PgServer``, durable defaults), creates
   a database with Heard's PostgreSQL schema (``open_store`` migrates it) and copies every
   non-empty table of the DuckDB store into it: each table is read from DuckDB as Arrow record
   batches, written as CSV by pyarrow and sent with ``COPY … FROM STDIN (FORMAT csv)`` (the
   tables keep Heard's PostgreSQL indexes; nothing is dropped). Then ``VACUUM ANALYZE`` (what
   autovacuum does by itself within a minute of a bulk load) and the search index built the way
   an ingest's end-of-run work builds it (``store.rebuild_search_index(finished=True)``).
3. Checks the copy: the row count of every table on both sides; the same API answers from both
   servers for the topic list, topic details and the stats; for searches every match with the
   same BM25 score on both stores and, over the API, the same scores in the same order and the
   same ids wherever a score is not tied across the page boundary (the two backends break exactly
   equal scores on their own document numbers, docs/store-backends.md).
4. Measures the same requests on both backends: uncached in process (the read model over a read
   view), then served sequentially by ``heard serve`` (both servers up, endpoint by endpoint,
   DuckDB then PostgreSQL, the same request sequence for both). Optionally (``--probe-seconds``
   > 0) a closed-loop capacity probe and an open-loop load at 90% of it on each.
Writes bench/results/api_latency_postgres.json and prints it. The PostgreSQL server is stopped
and its folder removed at the end (or by ``PgServer``'s watchdog if this process is killed).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

import api_latency as base  # noqa: E402  (the DuckDB bench: build, endpoints, load generator)

SKIP_TABLES = {"schema_version"}
"""Each store has its own (the PostgreSQL one is written by its migrations)."""
BATCH_ROWS = 50_000


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def duck_tables(duck: Any) -> list[str]:
    """The store's own tables (schema ``main``; the search index is rebuilt, not copied)."""
    found = duck.con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in found if r[0] not in SKIP_TABLES]


def copy_to_postgres(duck_path: Path, url: str) -> dict[str, Any]:
    """Every non-empty table of the DuckDB store into the (migrated) PostgreSQL database."""
    import pyarrow.csv as pacsv
    import psycopg

    from heard.store import open_store
    from heard.store.postgres import open_store as open_pg

    out: dict[str, Any] = {"tables": {}}
    with open_pg(url) as pg:  # migrates: Heard's own PostgreSQL schema and indexes
        pg_columns = {t: pg.columns(t) for t in pg.tables()}
    started = time.perf_counter()
    with open_store(duck_path, read_only=True) as duck, psycopg.connect(url) as con:
        for table in duck_tables(duck):
            n = duck.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if not n:
                continue
            if table not in pg_columns:
                raise SystemExit(f"{table} is in the DuckDB store but not in PostgreSQL's schema")
            described = duck.con.execute(f'DESCRIBE "{table}"').fetchall()
            missing = [c for c, *_ in described if c not in pg_columns[table]]
            if missing:
                raise SystemExit(f"{table}: columns {missing} missing on PostgreSQL")
            # list columns (vectors) as PostgreSQL array literals; the rest as they are
            select = ", ".join(
                f"CASE WHEN \"{c}\" IS NULL THEN NULL ELSE '{{' || array_to_string(\"{c}\", ',') "
                f"|| '}}' END AS \"{c}\""
                if kind.endswith("[]")
                else f'"{c}"'
                for c, kind, *_ in described
            )
            names = ", ".join(f'"{c}"' for c, *_ in described)
            t = time.perf_counter()
            reader = duck.con.execute(f'SELECT {select} FROM "{table}"').to_arrow_reader(BATCH_ROWS)
            with con.cursor() as cur:
                with cur.copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT csv)') as copy:
                    for batch in reader:
                        buf = io.BytesIO()
                        pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False))
                        copy.write(buf.getvalue())
            con.commit()
            out["tables"][table] = {"rows": n, "seconds": round(time.perf_counter() - t, 1)}
    out["copy_s"] = round(time.perf_counter() - started, 1)
    t = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM ANALYZE")
    out["vacuum_analyze_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    with open_pg(url) as pg:
        pg.rebuild_search_index(finished=True)
    out["search_index_s"] = round(time.perf_counter() - t, 1)
    return out


def row_counts(duck_path: Path, url: str) -> dict[str, Any]:
    from heard.store import open_store

    counts: dict[str, Any] = {}
    with open_store(duck_path, read_only=True) as duck, open_store(url, read_only=True) as pg:
        for table in duck_tables(duck):
            d = duck.scalar(f'SELECT count(*) FROM "{table}"')
            p = pg.scalar(f'SELECT count(*) FROM "{table}"')
            counts[table] = {"duckdb": d, "postgresql": p}
        counts["fts_main_posts.docs"] = {
            "duckdb": duck.scalar("SELECT count(*) FROM fts_main_posts.docs"),
            "postgresql": pg.scalar("SELECT count(*) FROM fts_main_posts.docs"),
        }
    unequal = [t for t, c in counts.items() if c["duckdb"] != c["postgresql"]]
    return {"equal": not unequal, "unequal": unequal, "counts": counts}


def search_agreement(duck_path: Path, url: str, queries: list[str]) -> dict[str, Any]:
    """Every match of each query on both stores: the same posts with the same scores (to the
    bit); and the best 20 scores in the same order. Only the order among exactly equal scores
    may differ (each backend numbers its own documents)."""
    from heard.read.posts import search_terms
    from heard.store import open_store

    out: dict[str, Any] = {}
    with open_store(duck_path, read_only=True) as duck, open_store(url, read_only=True) as pg:
        for q in queries:
            terms = search_terms(q)
            d = duck.search_ranked(terms, 10_000_000)
            p = pg.search_ranked(terms, 10_000_000)
            out[q] = {
                "matches": len(d),
                "same_posts_same_scores": {r["name"]: r["score"] for r in d}
                == {r["name"]: r["score"] for r in p},
                "top_20_scores_equal": [r["score"] for r in d[:20]] == [r["score"] for r in p[:20]],
                "distinct_scores": len({r["score"] for r in d}),
            }
    out["all_agree"] = all(
        v["same_posts_same_scores"] and v["top_20_scores_equal"] for v in out.values()
    )
    return out


def api_agreement(urls: dict[str, str], token: str) -> dict[str, Any]:
    """The same API requests on both servers: JSON answers compared whole (search: scores)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    paths = ["/api/v1/topics?limit=50", "/api/v1/stats"] + [
        f"/api/v1/topics/{t}" for t in (0, 1, 250, 499)
    ]
    searches = [
        "/api/v1/posts?q=" + base.ZH[0] + base.ZH[1],
        "/api/v1/posts?q=" + base.EN[0] + "+" + base.EN[1],
    ]
    answers: dict[str, dict[str, Any]] = {}
    for name, url in urls.items():
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            got = {}
            for path in paths + searches:
                r = client.get(path)
                got[path] = {"status": r.status_code, "json": r.json()}
            answers[name] = got
    out: dict[str, Any] = {}
    duck, pg = answers["duckdb"], answers["postgresql"]
    for path in paths:
        same = duck[path] == pg[path]
        entry: dict[str, Any] = {"status": duck[path]["status"], "equal": same}
        if not same:
            entry["differs_at"] = first_difference(duck[path]["json"], pg[path]["json"])
        out[path] = entry
    for path in searches:
        dp, pp = duck[path]["json"]["posts"], pg[path]["json"]["posts"]
        # a tie group cut by the page end may hold other ids on each side (search_agreement)
        last = dp[-1]["score"] if duck[path]["json"]["next_cursor"] else None
        out[path] = {
            "status": duck[path]["status"],
            "n": len(dp),
            "scores_equal": [p["score"] for p in dp] == [p["score"] for p in pp],
            "ids_equal_outside_cut_tie": {p["id"] for p in dp if p["score"] != last}
            == {p["id"] for p in pp if p["score"] != last},
            "same_ids_in_order": [p["id"] for p in dp] == [p["id"] for p in pp],
        }
    if "/api/v1/topics?limit=50" in out:
        topics = duck["/api/v1/topics?limit=50"]["json"]["topics"]
        out["topic_list_first_ids_sizes"] = [[t["topic_id"], t["size"]] for t in topics[:5]]
    out["all_agree"] = all(
        v.get("equal", True)
        and v.get("scores_equal", True)
        and v.get("ids_equal_outside_cut_tie", True)
        for v in out.values()
        if isinstance(v, dict)
    )
    return out


def first_difference(a: Any, b: Any, path: str = "$") -> str:
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r:.80} vs {type(b).__name__} {b!r:.80}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r:.80} vs {b!r:.80}"


def measure_uncached(db: Any, repeats: int) -> dict[str, Any]:
    """The read model's queries for each endpoint, in process, no cache (``api_latency``'s)."""
    from heard.read import overview as oq
    from heard.read import posts as pq
    from heard.read import topics as tq

    rng = random.Random(11)
    cases = {
        "topic_list": lambda: tq.list_topics_json(db, 5, limit=50),
        "topic_detail": lambda: tq.topic_detail_json(db, rng.randrange(500), 5),
        "search_zh": lambda: pq.search(
            db, pq.PostFilter(q=rng.choice(base.ZH) + rng.choice(base.ZH)), 20
        ),
        "search_en": lambda: pq.search(
            db, pq.PostFilter(q=rng.choice(base.EN) + " " + rng.choice(base.EN)), 20
        ),
        "overview_stats": lambda: oq.overview(db, 5),
    }
    out = {}
    for name, fn in cases.items():
        rng.seed(11)
        times = []
        for _ in range(repeats if name != "overview_stats" else max(5, repeats // 10)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        out[name] = base.summary(times)
    return out


def uncached_both(duck_path: Path, url: str, repeats: int) -> dict[str, Any]:
    from heard.store import open_store
    from heard.store.duckdb.view import ReadView

    with open_store(duck_path) as store:
        duck = measure_uncached(ReadView(store), repeats)
    with open_store(url, read_only=True) as store:
        view = store.reader()
        try:
            pg = measure_uncached(view, repeats)
        finally:
            view.close()
    return {"duckdb": duck, "postgresql": pg}


def start_server(db: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from heard.cli import main; main()", "serve",
         "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return proc, f"http://127.0.0.1:{port}"


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(1500):
        if proc.poll() is not None:
            raise SystemExit(f"heard serve for {url} exited with {proc.returncode}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"heard serve at {url} did not come up")


def measure_served(urls: dict[str, str], token: str, repeats: int) -> dict[str, Any]:
    """Endpoint by endpoint, each backend in turn with the same request sequence."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    clients = {n: httpx.Client(base_url=u, headers=headers, timeout=120) for n, u in urls.items()}
    out: dict[str, dict[str, Any]] = {n: {} for n in urls}
    try:
        for name in base.endpoints(random.Random(0)):
            for backend, client in clients.items():
                make = base.endpoints(random.Random(7))[name]
                times, first = [], None
                for i in range(repeats):
                    t = time.perf_counter()
                    r = client.get(make())
                    elapsed = time.perf_counter() - t
                    assert r.status_code == 200, (backend, name, r.status_code, r.text[:300])
                    first = elapsed if i == 0 else first
                    times.append(elapsed)
                out[backend][name] = {**base.summary(times), "first_ms": round(1000 * first, 1)}
    finally:
        for client in clients.values():
            client.close()
    return out


def load_both(urls: dict[str, str], token: str, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for backend, url in urls.items():
        probe = asyncio.run(base._load(url, token, args.probe_seconds, args.concurrency, None))
        rate = max(1.0, 0.9 * probe["req_per_s"])
        sustained = asyncio.run(
            base._load(url, token, args.load_seconds, args.concurrency * 4, rate)
        )
        out[backend] = {
            "capacity_probe_closed_loop": {**probe, "concurrency": args.concurrency},
            "sustained_open_loop": {**sustained, "target_req_per_s": round(rate, 1)},
            "zero_5xx": sustained["5xx"] == 0 and sustained["errors"] == 0,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument(
        "--probe-seconds", type=float, default=0, help="capacity probe per backend (0: none)"
    )
    ap.add_argument("--load-seconds", type=float, default=30)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/heard-bench-api"))
    args = ap.parse_args()
    # a TERM runs the cleanup below (servers stopped, the PostgreSQL folder removed)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from pg import PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("needs the PostgreSQL binaries (scripts/install-postgres.sh)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    load: dict[str, list[float]] = {"start": loadavg()}
    db = args.workdir / f"api-pg-{args.posts}.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    built = base.build_store(db, args.posts)
    duck_build = {"seconds": round(time.perf_counter() - t, 1)}
    duck_build.update({k: v for k, v in built.items() if k != "token"})
    load["after_duckdb_build"] = loadavg()
    result: dict[str, Any] = {
        "bench": "api_latency_postgres",
        "command": " ".join(["python", "bench/api_latency_postgres.py", *sys.argv[1:]]),
        "posts": args.posts,
    }
    server = PgServer(bindir, durable=True).start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        url = server.create_database("heard_api")
        t = time.perf_counter()
        copied = copy_to_postgres(db, url)
        pg_build = {"seconds": round(time.perf_counter() - t, 1), **copied}
        load["after_postgres_build"] = loadavg()
        from heard.store.postgres import open_store as open_pg

        with open_pg(url, read_only=True) as pg:
            pg_server = {
                "version": pg.scalar("SHOW server_version"),
                "shared_buffers": pg.scalar("SHOW shared_buffers"),
                "db_mb": round(pg.scalar("SELECT pg_database_size(current_database())") / 1e6),
            }
        consistency = {
            "row_counts": row_counts(db, url),
            "search_all_matches": search_agreement(
                db, url, [base.ZH[0] + base.ZH[1], base.ZH[5] + base.ZH[9], "water bus", "rent"]
            ),
        }
        uncached = uncached_both(db, url, args.repeats)
        load["after_uncached"] = loadavg()
        urls = {}
        for backend, target in (("duckdb", str(db)), ("postgresql", url)):
            proc, urls[backend] = start_server(target)
            procs.append(proc)
        for u, proc in zip(urls.values(), procs):
            wait_up(u, proc)
        consistency["api"] = api_agreement(urls, built["token"])
        served = measure_served(urls, built["token"], args.repeats)
        load["after_served"] = loadavg()
        loaded = load_both(urls, built["token"], args) if args.probe_seconds > 0 else None
        if loaded:
            load["after_load"] = loadavg()
    finally:
        for proc in procs:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        server.stop()
    result.update(
        {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_avg_1m_5m_15m": load,
            },
            "postgresql_server": {
                **pg_server,
                "how": "tests/pg.py PgServer(durable=True): Debian binaries, defaults but "
                "shared_buffers=128MB, max_connections=50, on this machine",
            },
            "build": {"duckdb": duck_build, "postgresql_copy_from_duckdb": pg_build},
            "consistency": consistency,
            "uncached_in_process": uncached,
            "served_sequential": served,
            "capacity_and_sustained": loaded or "not run (--probe-seconds 0)",
        }
    )
    out = REPO / "bench" / "results" / "api_latency_postgres.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
