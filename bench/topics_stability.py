"""Topics under different arrival patterns (issue 17, item 1).

    .venv/bin/python bench/topics_stability.py [--skip-sets] [--skip-demo] [--real Tweet]

1. Demo store + late posts (the product path): ``heard ingest data/demo/posts.jsonl`` into an empty
   store, then ``heard ingest`` of 2 new posts, then of 1 more. Reported: ARI of the 613 old posts'
   topics (unassigned counted as one label) against the store before, the largest topic, topics.
2. ``heard watch data/demo/posts.jsonl --once`` (batches of 64) against ``heard ingest``: ARI.
3. Tweet, GoogleNews and Teddy Cup titles as 10 sequential runs against one: the clusterer in
   memory on the cached ``use-int8`` vectors (bench/topics_data.py), each run ending as
   ``TopicStage.finish`` does (consolidate, end-of-run attach) and the state saved and restored as
   the store keeps it (topics with their counted sizes, pool with its provisional topics, the
   consolidation window) — the same code path as ``heard ingest`` ×10 without re-embedding. NMI
   against the gold labels (unassigned posts as singletons), batches of 512.
(``--real NAME``: the same set through ``heard ingest`` as 1 and as 10 files, embedding included.)
4. One-shot NMI on the six sets of bench/topics_quality.py and the held-out Biomedical and
   Pascal_Flickr (bench/topics_dev_grid.py; here on ``use-int8`` vectors).

Prints JSON and writes bench/results/topics_stability.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_data import CACHE, SHARED, _pair, load  # noqa: E402
from topics_quality import embed_cached, scores, singletons, use_int8_encoder  # noqa: E402

from heard.listen.analysis.clustering import ClusterParams, StreamingClusterer, cluster_array  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
RESULTS = REPO / "bench" / "results" / "topics_stability.json"
HEARD = [sys.executable, "-c", "import sys; from heard.cli import run; sys.exit(run(sys.argv[1:]))"]
LATE = [
    {
        "id": "late1",
        "source": "cityboard",
        "author": "新住户甲",
        "title": "小区门口路灯坏了一个月没人修",
        "text": "我们小区门口那条路的路灯已经坏了一个多月，晚上黑漆漆的，老人孩子出门很不安全。打过"
        "电话说会来修，到现在也没动静。",
        "created_at": "2026-11-20T21:10:00+08:00",
    },
    {
        "id": "late2",
        "source": "cityboard",
        "author": "new resident",
        "title": "Bus 12 skipped our stop again this morning",
        "text": "The number 12 bus drove past the Guixiang Street stop without stopping again "
        "today. Third time this week.",
        "created_at": "2026-11-20T08:30:00+08:00",
    },
    {
        "id": "late3",
        "source": "cityboard",
        "author": "新住户丙",
        "title": "垃圾桶满了没人清",
        "text": "菜市场旁边的垃圾桶已经满出来三天了，味道很大，苍蝇到处飞。",
        "created_at": "2026-11-21T09:00:00+08:00",
    },
]
HELD_OUT = {"Biomedical": "Biomedical_label.txt", "Pascal_Flickr": "Pascal_Flickr_LABEL.txt"}


def heard(*args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    subprocess.run([*HEARD, *args], check=True, capture_output=True, env=env)


def topics_of(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(
            con.execute("SELECT post_id, coalesce(topic_id, -1) FROM post_topics").fetchall()
        )
    finally:
        con.close()


def summary(labels: dict[str, int]) -> dict:
    sizes = np.bincount(np.array([t for t in labels.values() if t >= 0]))
    return {
        "topics": int((sizes > 0).sum()),
        "largest": int(sizes.max()),
        "unassigned": sum(1 for t in labels.values() if t < 0),
    }


def demo(tmp: Path) -> dict:
    db = tmp / "demo.duckdb"
    heard("ingest", str(CORPUS), "--db", str(db))
    base = topics_of(db)
    old = sorted(base)
    out: dict = {"store": summary(base), "late": []}
    for n, posts in ((2, LATE[:2]), (1, LATE[2:])):
        path = tmp / f"late{n}.jsonl"
        path.write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8"
        )
        heard("ingest", str(path), "--db", str(db))
        now = topics_of(db)
        out["late"].append(
            {
                "posts_added": n,
                **summary(now),
                "ari_old_posts": round(
                    adjusted_rand_score([base[k] for k in old], [now[k] for k in old]), 4
                ),
            }
        )
    watch_db = tmp / "watch.duckdb"
    heard("watch", str(CORPUS), "--once", "--db", str(watch_db), "--batch-size", "64")
    watched = topics_of(watch_db)
    out["watch_vs_ingest"] = {
        "watch": summary(watched),
        "ari": round(adjusted_rand_score([base[k] for k in old], [watched[k] for k in old]), 4),
    }
    return out


def in_runs(
    vecs: np.ndarray, n_runs: int, params: ClusterParams | None = None, batch: int = 512
) -> np.ndarray:
    """See point 3 of the module docstring."""
    labels = np.full(len(vecs), -1, dtype=np.int64)
    saved = None
    for part in np.array_split(np.arange(len(vecs)), n_runs):
        clusterer = StreamingClusterer(vecs.shape[1], params)
        if saved is not None:
            topics, pool, next_id, step, window, new = saved
            clusterer.restore(
                topics,
                pool,
                vecs[pool] if pool else np.zeros((0, vecs.shape[1]), np.float32),
                next_id,
                step,
                provisional={k: int(labels[k]) for k in pool if labels[k] >= 0},
            )
            clusterer.restore_window(
                window,
                vecs[window],
                [int(labels[k]) if labels[k] >= 0 else None for k in window],
                new,
            )

        def apply(assignments):
            for a in assignments:
                labels[a.key] = -1 if a.topic_id is None else a.topic_id

        def members(tid):
            idx = np.flatnonzero(labels == tid)
            return idx.tolist(), vecs[idx]

        for start in range(0, len(part), batch):
            keys = part[start : start + batch].tolist()
            apply(clusterer.add(keys, vecs[keys]))
        result = clusterer.consolidate(members)
        for absorbed, survivor in result.merged.items():
            labels[labels == absorbed] = survivor
        apply(result.moved)
        apply(clusterer.flush_pool())
        saved = (
            clusterer.topics(),
            list(clusterer.pool_keys),
            clusterer.next_id,
            clusterer.step,
            clusterer.window_keys,
            clusterer.window_new,
        )
    return labels


def vectors(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name in HELD_OUT:
        sttm = SHARED / "short_text_clustering_sttm"
        docs, gold = _pair(sttm / f"{name}.txt", sttm / HELD_OUT[name])
        path = CACHE / f"dev-{name}.use-int8.npy"
        if not path.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            np.save(path, np.asarray(use_int8_encoder()(docs), dtype=np.float32))
        return np.load(path), np.unique(np.asarray(gold), return_inverse=True)[1]
    return embed_cached(name, "use-int8", use_int8_encoder)[0], load(name)[1]


def nmi(gold: np.ndarray, labels: np.ndarray) -> float:
    return round(scores(gold, singletons(labels))["nmi"], 4)


def real_runs(name: str, tmp: Path, n_runs: int = 10) -> dict:
    """``heard ingest`` of set ``name`` as one file and as ``n_runs`` files (the product path,
    embedding included): NMI of each."""
    import duckdb

    docs, gold = load(name)
    rows = [
        {"id": f"t{i:05d}", "text": d, "created_at": "2026-01-01T00:00:00Z"}
        for i, d in enumerate(docs)
    ]
    out = {}
    for n in (1, n_runs):
        db = tmp / f"{name}{n}.duckdb"
        for k, part in enumerate(np.array_split(np.arange(len(rows)), n)):
            path = tmp / f"{name}{n}_{k}.jsonl"
            path.write_text(
                "".join(json.dumps(rows[i], ensure_ascii=False) + "\n" for i in part),
                encoding="utf-8",
            )
            heard("ingest", str(path), "--db", str(db), "--source", "bench")
        con = duckdb.connect(str(db), read_only=True)
        got = dict(
            con.execute(
                "SELECT p.id, coalesce(pt.topic_id, -1) FROM posts p "
                "LEFT JOIN post_topics pt ON pt.post_id = p.id"
            ).fetchall()
        )
        con.close()
        ids = sorted(got)
        out[f"{n}_files"] = nmi(
            np.array([gold[int(i.rsplit("t", 1)[-1])] for i in ids]),
            np.array([got[i] for i in ids]),
        )
    return out


def main() -> None:
    out: dict = {
        "params": ClusterParams().describe(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if "--skip-demo" not in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            out["demo"] = demo(Path(tmp))
        print(json.dumps(out["demo"]), flush=True)
    if "--skip-sets" not in sys.argv:
        out["ten_runs"], out["one_shot"] = {}, {}
        for name in (
            "Tweet",
            "GoogleNews",
            "TeddyCup",
            "SearchSnippets",
            "StackOverflow",
            "AGNews",
            *HELD_OUT,
        ):
            vecs, gold = vectors(name)
            one, _ = cluster_array(vecs, ClusterParams(), batch_size=512)
            out["one_shot"][name] = nmi(gold, one)
            if name in ("Tweet", "GoogleNews", "TeddyCup"):
                ten = in_runs(vecs, 10)
                out["ten_runs"][name] = {
                    "one": nmi(gold, one),
                    "ten": nmi(gold, ten),
                    "gap": round(nmi(gold, one) - nmi(gold, ten), 4),
                    "ari_ten_vs_one": round(adjusted_rand_score(one, ten), 4),
                }
            print(
                name,
                json.dumps({"one_shot": out["one_shot"][name], **out["ten_runs"].get(name, {})}),
                flush=True,
            )
    if "--real" in sys.argv:  # e.g. --real Tweet
        name = sys.argv[sys.argv.index("--real") + 1]
        with tempfile.TemporaryDirectory() as tmp:
            out["real_ingest"] = {name: real_runs(name, Path(tmp))}
        print(json.dumps(out["real_ingest"]), flush=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
