"""What indexing the words inside long Chinese words costs per post (2026-12-07).

    .venv/bin/python bench/search_subwords_cost.py  # → bench/results/search_subwords_cost.json

Before, a post's search text was its words joined; now ``Segmenter.search_text`` adds, before
each Chinese word of three or more characters, the dictionary words of two and three characters
inside it (垃圾站 → 垃圾 垃圾站). Both are timed in the same process on the same texts (3,000
Teddy Cup 附件3 letters and 3,000 weibo_senti_100k test posts, normalised), best of 3, with the
cut into words counted on both sides as the tokens stage does it. Also reported: how many more
terms the index holds per post.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def texts() -> list[str]:
    from heard.stages.normalise import normalise_text

    path = DATA / "teddycup2020_c" / "attachment3_hot_issue_messages.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        letters = [normalise_text(f"{r['留言主题']}\n{r['留言详情']}") for r in csv.DictReader(fh)]
    lines = (DATA / "weibo_senti_100k" / "test.tsv").read_text(encoding="utf-8").splitlines()
    weibo = [normalise_text(x.split("\t", 1)[1]) for x in lines[1:3001] if "\t" in x]
    return letters[:3000] + weibo


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from heard.stages.tokens import Segmenter

    corpus, seg = texts(), Segmenter()

    def before() -> list[str]:
        return [" ".join(seg.words(t)) for t in corpus]

    def now() -> list[str]:
        return [seg.search_text(seg.words(t)) for t in corpus]

    best = {"before": float("inf"), "now": float("inf")}
    for _ in range(3):
        for name, run in (("before", before), ("now", now)):
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    terms = {
        name: sum(len(x.split()) for x in run()) for name, run in (("before", before), ("now", now))
    }
    n = len(corpus)
    out = {
        "bench": "search_subwords_cost",
        "texts": n,
        "ms_per_post": {k: round(v / n * 1000, 4) for k, v in best.items()},
        "added_ms_per_post": round((best["now"] - best["before"]) / n * 1000, 4),
        "terms_per_post": {k: round(v / n, 2) for k, v in terms.items()},
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_avg_before": os.getloadavg(),
        },  # fmt: skip
    }
    path = REPO / "bench" / "results" / "search_subwords_cost.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
