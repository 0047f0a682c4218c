"""API latency and sustained load on a synthetic 1M-post store.

    .venv/bin/python bench/api_latency.py [--posts 1000000] [--load-seconds 60]

1. Builds a synthetic store fast with DuckDB SQL (no embedder): bilingual texts from word lists,
   segmented ``search_text``, 500 topics (+ post_topics) with their stored representation (Heard's
   ``refresh_representation``), 50k authors, 30 days; then the search index.
2. Starts ``heard serve`` on loopback and measures p50/p99 (sequential requests) of the topic
   list, topic detail, search (zh and en terms) and the overview page — served (the server caches
   aggregates until its data changes) — and the same queries uncached, in process.
3. Finds capacity with a closed-loop load generator (httpx, asyncio) over a request mix, then
   holds an open-loop load at 90% of it for ``--load-seconds`` and counts 5xx.
Writes bench/results/api_latency.json and prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ZH = [
    "停水",
    "东湖路",
    "公交",
    "晚点",
    "噪音",
    "油烟",
    "小区",
    "物业",
    "学校",
    "医院",
    "路灯",
    "垃圾",
    "停车",
    "施工",
    "补贴",
    "房租",
    "菜价",
    "地铁",
    "排水",
    "污染",
]
EN = [
    "water",
    "bus",
    "late",
    "noise",
    "rent",
    "school",
    "hospital",
    "road",
    "light",
    "trash",
    "parking",
    "housing",
    "price",
    "subway",
    "drain",
    "pollution",
    "police",
    "park",
    "tax",
    "permit",
]


def build_store(path: Path, n: int) -> dict:
    from heard.auth import Accounts, Role
    from heard.store import open_store
    from heard.listen.topics.represent import refresh_representation

    started = time.perf_counter()
    with open_store(path) as store:
        con = store.con
        con.execute(
            "CREATE TEMP TABLE zh AS SELECT unnest(?) w, generate_subscripts(?, 1) i", [ZH, ZH]
        )
        con.execute(
            "CREATE TEMP TABLE en AS SELECT unnest(?) w, generate_subscripts(?, 1) i", [EN, EN]
        )
        con.execute(f"""
            INSERT INTO posts
            SELECT 'syn:' || r, 'syn' || (r % 7), r::VARCHAR,
                   'author' || hash(r * 7919) % 50000, NULL, text, md5(text),
                   TIMESTAMP '2026-10-01' + INTERVAL (r * 2592 // {n}) SECOND * 1000,
                   now()::TIMESTAMP, NULL, NULL, NULL, (r % 13)::INT, (r % 5)::INT, 0,
                   (r % 3)::INT, NULL, lang, 'synthetic', NULL, search_text, sent,
                   CASE WHEN sent < -0.2 THEN 'negative' WHEN sent > 0.2 THEN 'positive'
                        ELSE 'neutral' END,
                   'synthetic', NULL, '{{}}', 'synthetic', r, NULL, NULL, NULL, NULL
            FROM (
              SELECT r, lang, ((hash(r) % 2000) / 1000.0 - 1.0)::FLOAT AS sent,
                     CASE WHEN lang = 'zh' THEN w1 || w2 || '，' || w3 || '的问题' || r
                          ELSE 'the ' || w1 || ' and ' || w2 || ' ' || w3 || ' issue ' || r
                     END AS text,
                     w1 || ' ' || w2 || ' ' || w3
                     || CASE WHEN lang = 'zh' THEN ' 的 问题 ' ELSE ' issue ' END || r
                     AS search_text
              FROM (
                SELECT r, CASE WHEN r % 3 = 0 THEN 'en' ELSE 'zh' END AS lang,
                       CASE WHEN r % 3 = 0
                            THEN (SELECT w FROM en WHERE i = 1 + hash(r) % 20)
                            ELSE (SELECT w FROM zh WHERE i = 1 + hash(r) % 20) END w1,
                       CASE WHEN r % 3 = 0
                            THEN (SELECT w FROM en WHERE i = 1 + hash(r + 1) % 20)
                            ELSE (SELECT w FROM zh WHERE i = 1 + hash(r + 1) % 20) END w2,
                       CASE WHEN r % 3 = 0
                            THEN (SELECT w FROM en WHERE i = 1 + hash(r + 2) % 20)
                            ELSE (SELECT w FROM zh WHERE i = 1 + hash(r + 2) % 20) END w3
                FROM range({n}) t(r)))""")
        posts_s = time.perf_counter() - started
        con.execute(
            """INSERT INTO post_topics
               SELECT 'syn:' || r, (hash(r * 31) % 500)::INT, 0.8, now()::TIMESTAMP
               FROM range(?) t(r)""",
            [n],
        )
        con.execute("""
            INSERT INTO topics (topic_id, label, keywords, size, n_authors, first_seen, last_seen,
                                sentiment_mean, places, representative, status, created_at,
                                updated_at)
            SELECT pt.topic_id, 'topic ' || pt.topic_id,
                   '[{"term": "停水", "weight": 1.0}, {"term": "water", "weight": 0.5}]',
                   count(*), count(DISTINCT p.author_key), min(p.created_at), max(p.created_at),
                   avg(p.sentiment_score), '[["东湖路", 3]]',
                   to_json(list(p.id ORDER BY p.id)[1:5])::VARCHAR, 'active', now(), now()
            FROM post_topics pt JOIN posts p ON p.id = pt.post_id GROUP BY pt.topic_id""")
        # the stored representation (series, languages, keywords …) by Heard's own code; the
        # synthetic posts have no embeddings, so the representative posts are then set to each
        # topic's first 5
        t = time.perf_counter()
        refresh_representation(store, None, datetime(2026, 11, 1))
        represent_s = time.perf_counter() - t
        con.execute("""UPDATE topics SET representative = r.ids FROM (
                         SELECT topic_id,
                                to_json(list(post_id ORDER BY post_id)[1:5])::VARCHAR AS ids
                         FROM post_topics GROUP BY topic_id) r
                       WHERE topics.topic_id = r.topic_id""")
        topics_s = time.perf_counter() - started - posts_s - represent_s
        t = time.perf_counter()
        store.rebuild_search_index()
        fts_s = time.perf_counter() - t
        # The synthetic search text is built from word lists (no personal data) by this Heard:
        # recorded as current, as an ingest records it, or `heard serve` would re-segment and
        # reindex every post once at start (heard.read.reindex) before it answers.
        from heard.protect.pii import VERSION
        from heard.read.reindex import KEY, RAW_KEY, RAW_VERSION

        store.deployment.put(KEY, VERSION)
        store.deployment.put(RAW_KEY, RAW_VERSION)
        accounts = Accounts(store)
        accounts.add_user("bench", "bench-password", Role.viewer)
        token = accounts.create_token("bench", "bench")[1]
        con.execute("CHECKPOINT")
    return {
        "token": token,
        "posts_s": round(posts_s, 1),
        "topics_s": round(topics_s, 1),
        "represent_s": round(represent_s, 1),
        "fts_s": round(fts_s, 1),
    }


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(1000 * values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def summary(ms: list[float]) -> dict:
    return {
        "n": len(ms),
        "p50_ms": pct(ms, 0.5),
        "p99_ms": pct(ms, 0.99),
        "max_ms": round(1000 * max(ms), 1),
    }


def endpoints(rng: random.Random) -> dict:
    return {
        "topic_list": lambda: "/api/v1/topics?limit=50",
        "topic_detail": lambda: f"/api/v1/topics/{rng.randrange(500)}",
        "search_zh": lambda: "/api/v1/posts?" + "q=" + rng.choice(ZH) + rng.choice(ZH),
        "search_en": lambda: "/api/v1/posts?q=" + rng.choice(EN) + "+" + rng.choice(EN),
        "overview_page": lambda: "/",
    }


def measure_served(base: str, token: str, repeats: int) -> dict:
    import httpx

    rng = random.Random(7)
    out = {}
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        for name, make in endpoints(rng).items():
            first = None
            times = []
            for i in range(repeats):
                t = time.perf_counter()
                r = client.get(make())
                elapsed = time.perf_counter() - t
                assert r.status_code == 200, (name, r.status_code, r.text[:300])
                if i == 0:
                    first = elapsed
                times.append(elapsed)
            out[name] = {**summary(times), "first_ms": round(1000 * first, 1)}
    return out


def measure_uncached(path: Path, repeats: int) -> dict:
    from heard.store.duckdb.view import ReadView
    from heard.read import overview as oq
    from heard.read import posts as pq
    from heard.read import topics as tq
    from heard.store import open_store

    rng = random.Random(11)
    with open_store(path) as store:
        db = ReadView(store)
        cases = {
            "topic_list": lambda: tq.list_topics_json(db, 5, limit=50),
            "topic_detail": lambda: tq.topic_detail_json(db, rng.randrange(500), 5),
            "search_zh": lambda: pq.search(
                db, pq.PostFilter(q=rng.choice(ZH) + rng.choice(ZH)), 20
            ),
            "search_en": lambda: pq.search(
                db, pq.PostFilter(q=rng.choice(EN) + " " + rng.choice(EN)), 20
            ),
            "overview_stats": lambda: oq.overview(db, 5),
        }
        out = {}
        for name, fn in cases.items():
            times = []
            for _ in range(repeats if name != "overview_stats" else max(5, repeats // 10)):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            out[name] = summary(times)
    return out


async def _load(
    base: str, token: str, seconds: float, concurrency: int, rate: float | None
) -> dict:
    import httpx

    rng = random.Random(3)
    makers = list(endpoints(rng).values())
    stats = {"ok": 0, "4xx": 0, "5xx": 0, "errors": 0, "lat": []}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30, limits=limits
    ) as client:

        async def one() -> None:
            t = time.perf_counter()
            try:
                r = await client.get(rng.choice(makers)())
                key = "5xx" if r.status_code >= 500 else "4xx" if r.status_code >= 400 else "ok"
                stats[key] += 1
            except Exception:
                stats["errors"] += 1
            stats["lat"].append(time.perf_counter() - t)

        if rate is None:  # closed loop: `concurrency` workers back to back

            async def worker() -> None:
                while time.perf_counter() < deadline:
                    await one()

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        else:  # open loop: requests started at a fixed rate, whatever the latency
            tasks, start, i = [], time.perf_counter(), 0
            while time.perf_counter() < deadline:
                target = start + i / rate
                delay = target - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one()))
                i += 1
            await asyncio.gather(*tasks)
    lat = stats.pop("lat")
    total = stats["ok"] + stats["4xx"] + stats["5xx"] + stats["errors"]
    return {
        **stats,
        "requests": total,
        "seconds": seconds,
        "req_per_s": round(total / seconds, 1),
        **({"p50_ms": pct(lat, 0.5), "p99_ms": pct(lat, 0.99)} if lat else {}),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--probe-seconds", type=float, default=15)
    ap.add_argument("--load-seconds", type=float, default=60)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/heard-bench-api"))
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    load_before = [round(x, 2) for x in os.getloadavg()]
    db = args.workdir / f"api-{args.posts}.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    built = build_store(db, args.posts)
    build_s = time.perf_counter() - t
    uncached = measure_uncached(db, args.repeats)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from heard.cli import main; main()",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        served = measure_served(base, built["token"], args.repeats)
        probe = asyncio.run(_load(base, built["token"], args.probe_seconds, args.concurrency, None))
        rate = max(1.0, 0.9 * probe["req_per_s"])
        sustained = asyncio.run(
            _load(base, built["token"], args.load_seconds, args.concurrency * 4, rate)
        )
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    result = {
        "bench": "api_latency",
        "command": " ".join(["python", "bench/api_latency.py", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_avg_1m_5m_15m_before": load_before,
            "load_avg_1m_5m_15m_after": [round(x, 2) for x in os.getloadavg()],
        },
        "posts": args.posts,
        "build_seconds": round(build_s, 1),
        "build_parts_seconds": {k: v for k, v in built.items() if k != "token"},
        "served_sequential": served,
        "uncached_in_process": uncached,
        "capacity_probe_closed_loop": {**probe, "concurrency": args.concurrency},
        "sustained_open_loop": {**sustained, "target_req_per_s": round(rate, 1)},
        "zero_5xx": sustained["5xx"] == 0 and sustained["errors"] == 0,
    }
    out = REPO / "bench" / "results" / "api_latency.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
