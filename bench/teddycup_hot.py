"""Teddy Cup 2020 problem C, task 2: the top-5 hot issues of 附件3, with Heard's heat index.

An *issue* is one problem at one place (or of one group): "A2区丽发新城 搅拌站噪音扰民", not
"noise". Steps (all deterministic, no seed needed):

1. **Problem clusters.** Each message is its title plus the start of its body, with the
   anonymised codes ("A市", "A2区", "西地省") removed so they do not make unrelated messages alike.
   Character 2–4-gram TF-IDF (title weighted twice the body), cosine, average-linkage
   agglomerative clustering cut at distance ``--cut``.
2. **Place anchors.** Within a cluster, the anchor is the title n-gram (3–8 characters) that is
   frequent in the cluster and rare in the corpus (count in cluster × log(N / document
   frequency), longer n-grams preferred on ties): a place or group name ("丽发新城",
   "伊景园滨河苑", "58车贷"). The messages that contain it form one issue; the rest of the
   cluster is searched again. Issues from different clusters with the same anchor and similar
   text are merged; the same place with a different problem (魅力之城 油烟 vs 楼板开裂) is not.
3. **Heat** (``heard.listen.analysis.heat``): volume (messages), growth (the burst test of the
issue's
   busiest 30 days against its own history since the start of the board), distinct authors,
   engagement (likes + dislikes) and negativity (each message's sentiment score as ``heard
   ingest`` computes it: trained head on USE embeddings + lexicon). Issues with fewer than 5
   distinct authors are not ranked (RIGHTS.md §4).

Writes into ``--out`` (default ``bench/results``): ``teddycup_hot_top5.csv`` (热度排名, 问题ID,
热度指数, 时间范围, 地点/人群, 问题描述), ``teddycup_hot_messages.csv`` (问题ID → 留言编号,
留言主题, 留言时间, 留言详情, 点赞数, 反对数 — without 留言用户: author ids are never exported, and
personal data such as phone numbers and house numbers redacted as in every display) and
``teddycup_hot.json`` (the heat components of the top issues, timings), and prints the table.
The full message table repeats the dataset's texts, so only ``teddycup_hot_message_ids.csv``
(问题ID → 留言编号) is committed; the shared data is never copied into the repository.

    .venv/bin/python bench/teddycup_hot.py [--data ../shared/data/teddycup2020_c/附件3.xlsx] [--top
    5] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from heard.listen.analysis.bursts import DAY, BurstConfig, window_growth
from heard.listen.analysis.heat import combine, negativity_of
from heard.read.redact import redact

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "teddycup2020_c" / "附件3.xlsx"
RESULTS = REPO / "bench" / "results"
CODES = re.compile(r"[A-Z]\d{0,2}(?:市|区|县)|西地省|[A-Z]市")
DISTRICT = re.compile(r"[A-Z]\d{1,2}(?:区|县)")
NOT_NAME = re.compile(r"[，。、！？；：“”‘’（）()\[\]【】《》,.!?;:\"'\s·…—-]")
GENERIC = set("的了吗呢啊是在和与及对有无不请问关于反映投诉咨询建议希望要求")
PLACE_SUFFIX = re.compile(
    r"(小区|新城|花园|家园|苑|城|园|府|湾|村|镇|街道|社区|路|学院|大学|中学|小学|学校|医院|公园|广"
    r"场|大厦|站|港|湖|岛|车贷)$"
)
"""Anchors that end like a place, institution or named case are preferred to problem words."""


def read_messages(path: Path) -> list[dict]:
    """附件3 rows (xlsx via calamine, or the CSV copy beside it), with times parsed."""
    if path.suffix == ".xlsx":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header = [str(h).strip() for h in sheet[0]]
        records = [dict(zip(header, r)) for r in sheet[1:] if any(v not in (None, "") for v in r)]
    else:
        with path.open(encoding="utf-8") as fh:
            records = list(csv.DictReader(fh))
    out = []
    for r in records:
        when = r["留言时间"]
        if not isinstance(when, datetime):
            text = str(when).strip().replace("/", "-")
            when = datetime.strptime(text, "%Y-%m-%d %H:%M:%S" if " " in text else "%Y-%m-%d")
        out.append(
            {
                "id": str(r["留言编号"]).split(".")[0],
                "user": str(r["留言用户"]),
                "title": str(r["留言主题"]).strip(),
                "body": re.sub(r"\s+", "", str(r["留言详情"] or "")),
                "time": when,
                "likes": int(float(r["点赞数"] or 0)),
                "dislikes": int(float(r["反对数"] or 0)),
            }
        )
    return out


def problem_clusters(
    msgs: list[dict], cut: float
) -> tuple[np.ndarray, np.ndarray, TfidfVectorizer]:
    """Cluster labels and the normalised feature matrix (see step 1)."""
    titles = [CODES.sub("", m["title"]) for m in msgs]
    bodies = [CODES.sub("", m["body"])[:150] for m in msgs]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True, min_df=2).fit(
        titles + bodies
    )
    features = normalize(normalize(vec.transform(titles)) + 0.5 * normalize(vec.transform(bodies)))
    distance = np.clip(1.0 - (features @ features.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return fcluster(tree, t=cut, criterion="distance"), features, vec


def candidate_grams(title: str) -> set[str]:
    text = CODES.sub("|", title)
    grams = set()
    for part in NOT_NAME.split(text.replace("|", " ")):
        for n in range(3, 9):
            for i in range(len(part) - n + 1):
                g = part[i : i + n]
                if g[0] not in GENERIC and g[-1] not in GENERIC:
                    grams.add(g)
    return grams


def anchored_issues(msgs: list[dict], labels: np.ndarray, min_members: int = 3) -> list[dict]:
    """Split each cluster into anchor (place/group) issues (see step 2)."""
    haystack = [m["title"] + m["body"][:200] for m in msgs]
    n_docs = len(msgs)
    df_cache: dict[str, int] = {}

    def df(g: str) -> int:
        if g not in df_cache:
            df_cache[g] = sum(g in h for h in haystack)
        return df_cache[g]

    issues = []
    for label in sorted(set(labels.tolist())):
        members = [i for i in np.flatnonzero(labels == label)]
        while len(members) >= min_members:
            counts = Counter(g for i in members for g in candidate_grams(msgs[i]["title"]))
            best, best_score = None, 0.0
            for g, in_titles in counts.items():
                if in_titles < min_members:
                    continue
                inside = sum(g in haystack[i] for i in members)
                score = inside * math.log(n_docs / df(g)) * (1 + 0.05 * len(g))
                if PLACE_SUFFIX.search(g):
                    score *= 2.0
                if score > best_score or (score == best_score and best is not None and g < best):
                    best, best_score = g, score
            if best is None:
                break
            chosen = [i for i in members if best in haystack[i]]
            issues.append({"anchor": best, "members": chosen, "cluster": int(label)})
            members = [i for i in members if best not in haystack[i]]
    return issues


def _problem_similarity(
    msgs: list[dict], members: list[int], anchor: str, vec: TfidfVectorizer
) -> np.ndarray:
    """Pairwise cosine of the members' texts with the place (anchor) and codes taken out."""
    texts = [
        CODES.sub("", msgs[i]["title"] * 2 + msgs[i]["body"][:150]).replace(anchor, "")
        for i in members
    ]
    f = normalize(vec.transform(texts))
    return (f @ f.T).toarray()


def coherence(sims: np.ndarray) -> float:
    n = len(sims)
    return float((sims.sum() - np.trace(sims)) / (n * (n - 1))) if n > 1 else 1.0


def split_by_problem(
    msgs: list[dict],
    issues: list[dict],
    vec: TfidfVectorizer,
    min_coherence: float = 0.08,
    core: float = 0.15,
    min_members: int = 3,
) -> list[dict]:
    """One problem per issue. An issue whose messages, with the place taken out, are not alike
    (mean pairwise cosine < ``min_coherence``: an estate's 楼板开裂, 车位 and 入学 complaints) is
    split: its medoid plus the messages alike to it (cosine ≥ ``core``) form a sub-issue, and the
    rest is searched again. Sub-issues that are still incoherent are left out."""
    out = []
    for issue in issues:
        sims = _problem_similarity(msgs, issue["members"], issue["anchor"], vec)
        if coherence(sims) >= min_coherence:
            out.append({**issue, "coherence": round(coherence(sims), 4)})
            continue
        left = list(range(len(issue["members"])))
        while len(left) >= min_members:
            sub = sims[np.ix_(left, left)]
            medoid = int(np.argmax(sub.sum(axis=1)))
            keep = [left[k] for k in range(len(left)) if sub[medoid, k] >= core]
            kept = sims[np.ix_(keep, keep)]
            if len(keep) >= min_members and coherence(kept) >= min_coherence:
                out.append(
                    {
                        **issue,
                        "members": sorted(issue["members"][k] for k in keep),
                        "coherence": round(coherence(kept), 4),
                    }
                )
            left = [k for k in left if k not in keep]
    return out


def merge_same_anchor(issues: list[dict], features) -> list[dict]:
    """Merge issues whose anchors contain one another and whose texts are alike (cosine ≥ 0.3)."""

    def centroid(ix):
        c = np.asarray(features[ix].mean(axis=0)).ravel()
        return c / (np.linalg.norm(c) or 1.0)

    issues = sorted(issues, key=lambda x: (-len(x["members"]), x["anchor"]))
    merged: list[dict] = []
    for issue in issues:
        c = centroid(issue["members"])
        for target in merged:
            if (
                issue["anchor"] in target["anchor"] or target["anchor"] in issue["anchor"]
            ) and float(c @ centroid(target["members"])) >= 0.3:
                target["members"] = sorted(set(target["members"]) | set(issue["members"]))
                break
        else:
            merged.append(dict(issue))
    return merged


def negativity_scores(msgs: list[dict]) -> np.ndarray:
    """Each message's sentiment score as ``heard ingest`` computes it (normalise → langid → tokens →
    embed → sentiment: trained head + lexicon), over its title and the first 300 characters of its
    body."""
    from heard.models import make_embedder
    from heard.pipeline.batch import Batch
    from heard.records import Post
    from heard.stages import (
        EmbedStage,
        LangIdStage,
        NormaliseStage,
        Segmenter,
        SentimentStage,
        TokensStage,
    )

    embedder = make_embedder()
    stages = [
        NormaliseStage(),
        LangIdStage(),
        TokensStage(Segmenter()),
        EmbedStage(embedder),
        SentimentStage(embedder_name=embedder.name),
    ]
    batch = Batch(
        [
            Post(
                id=f"teddycup:{m['id']}",
                source="teddycup",
                external_id=m["id"],
                text=m["title"] + "\n" + m["body"][:300],
                created_at=m["time"].replace(tzinfo=timezone.utc),
            )
            for m in msgs
        ]
    )
    for stage in stages:
        batch = stage.process(batch)
    return np.asarray(batch["sentiment_score"], dtype=np.float64)


def busiest_window(times: np.ndarray, span: float) -> tuple[float, float]:
    best = (times[0], 0)
    for i, t in enumerate(times):
        n = int(np.searchsorted(times, t + span, side="right")) - i
        if n > best[1]:
            best = (t, n)
    return best[0], best[0] + span


def heat_of_issue(msgs: list[dict], issue: dict, board_start: float, scores: np.ndarray) -> dict:
    ms = [msgs[i] for i in issue["members"]]
    times = np.sort([m["time"].replace(tzinfo=timezone.utc).timestamp() for m in ms])
    start, end = busiest_window(times, 30 * DAY)
    config = BurstConfig(prior_rate=1 / (30 * DAY), prior_weight=30 * DAY, half_life=180 * DAY)
    growth = window_growth(times, start, end + 1, config, stream_start=board_start)
    authors = len({m["user"] for m in ms})
    negativity = negativity_of([float(scores[i]) for i in issue["members"]])
    heat = combine(
        len(ms), growth.surprise, authors, sum(m["likes"] + m["dislikes"] for m in ms), negativity
    )
    return {"heat": heat, "authors": authors, "growth": growth}


def describe(msgs: list[dict], issue: dict, features) -> dict:
    ix = issue["members"]
    c = np.asarray(features[ix].mean(axis=0)).ravel()
    sims = np.asarray(features[ix] @ c).ravel()
    medoid = msgs[ix[int(np.argmax(sims))]]
    districts = Counter(
        d for i in ix for d in DISTRICT.findall(msgs[i]["title"] + msgs[i]["body"][:200])
    )
    top_district = districts.most_common(1)[0] if districts else ("", 0)
    district = (
        top_district[0] if top_district[1] * 2 >= len(ix) else ""
    )  # named by half the messages
    anchor = issue["anchor"]
    times = sorted(msgs[i]["time"] for i in ix)
    return {
        "place": f"A市{district}{anchor}"
        if district and district not in anchor
        else f"A市{anchor}",
        "description": CODES.sub("", medoid["title"]).strip("，。！？ "),
        "time_range": f"{times[0]:%Y/%m/%d} 至 {times[-1]:%Y/%m/%d}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Writes teddycup_hot_top5.csv (the task's top-5 table), teddycup_hot_messages.csv "
        "(the messages of each issue), teddycup_hot_message_ids.csv and teddycup_hot.json "
        "(heat components, timings) into --out, and prints the table. About 30 s.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the task's 附件3.xlsx")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the tables (created)")
    parser.add_argument("--top", type=int, default=5, help="how many issues to rank")
    parser.add_argument("--cut", type=float, default=0.85, help="clustering distance cut (step 1)")
    parser.add_argument(
        "--min-coherence", type=float, default=0.08, help="one-problem test (step 2)"
    )
    parser.add_argument("--core", type=float, default=0.15, help="problem core similarity (step 2)")
    parser.add_argument(
        "--k", type=int, default=5, help="minimum distinct authors of a ranked issue"
    )
    args = parser.parse_args()
    out_dir: Path = args.out
    if not args.data.exists():
        sys.exit(
            f"附件3 is not at {args.data}: pass --data PATH (../shared/data/teddycup2020_c/附件"
            f"3.xlsx)"
        )
    started = time.perf_counter()
    msgs = read_messages(args.data)
    labels, features, vec = problem_clusters(msgs, args.cut)
    issues = split_by_problem(
        msgs,
        merge_same_anchor(anchored_issues(msgs, labels), features),
        vec,
        args.min_coherence,
        args.core,
    )
    scores = negativity_scores(msgs)
    board_start = min(m["time"] for m in msgs).replace(tzinfo=timezone.utc).timestamp()
    ranked = []
    for issue in issues:
        h = heat_of_issue(msgs, issue, board_start, scores)
        if h["authors"] >= args.k:
            ranked.append((h["heat"].index, issue, h))
    ranked.sort(key=lambda r: (-r[0], r[1]["anchor"]))
    top = ranked[: args.top]
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, details = [], []
    with (out_dir / "teddycup_hot_messages.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["问题ID", "留言编号", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"])
        for rank, (index, issue, h) in enumerate(top, 1):
            info = describe(msgs, issue, features)
            info.update(place=redact(info["place"]), description=redact(info["description"]))
            rows.append(
                [rank, rank, f"{index:.2f}", info["time_range"], info["place"], info["description"]]
            )
            details.append(
                {
                    "rank": rank,
                    "anchor": issue["anchor"],
                    "messages": len(issue["members"]),
                    "coherence": issue.get("coherence"),
                    **info,
                    "heat": h["heat"].to_dict(),
                    "busiest_30_days": {
                        "count": h["growth"].count,
                        "expected": round(float(h["growth"].expected), 3),
                        "p_value": float(f"{h['growth'].p_value:.3g}"),
                    },
                }
            )
            for i in sorted(issue["members"], key=lambda i: msgs[i]["time"]):
                m = msgs[i]
                out.writerow(
                    [
                        rank,
                        m["id"],
                        redact(m["title"]),
                        f"{m['time']:%Y/%m/%d %H:%M:%S}",
                        redact(m["body"]),
                        m["likes"],
                        m["dislikes"],
                    ]
                )
    with (out_dir / "teddycup_hot_message_ids.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["问题ID", "留言编号"]]
            + [
                [rank, msgs[i]["id"]]
                for rank, (_, issue, _) in enumerate(top, 1)
                for i in sorted(issue["members"], key=lambda i: msgs[i]["time"])
            ]
        )
    with (out_dir / "teddycup_hot_top5.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"])
        out.writerows(rows)
    seconds = time.perf_counter() - started
    summary = {
        "bench": "teddycup_hot",
        "command": "python bench/teddycup_hot.py " + " ".join(sys.argv[1:]),
        "messages": len(msgs),
        "clusters": int(labels.max()),
        "issues": len(issues),
        "ranked_issues_k5": len(ranked),
        "seconds": round(seconds, 1),
        "negativity": "heard sentiment stage (head + lexicon) on title + body[:300]",
        "top": details,
    }
    (out_dir / "teddycup_hot.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for r in rows:
        print(" | ".join(map(str, r)))
    print(json.dumps({k: v for k, v in summary.items() if k != "top"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
