"""10 sequential runs vs one run, NMI, with the default parameters and with the candidate of
issue 17's GoogleNews follow-up (``vote_keeps_pool`` and ``consolidate_min_posts`` 2,000).

    .venv/bin/python bench/topics_vote_pool.py

The 10-run path is ``bench/topics_stability.py``'s ``in_runs`` (the state saved and restored as the
store keeps it), on cached ``use-int8`` vectors. Tweet, GoogleNews and Teddy Cup titles are the
sets the 10-file target names (tuned); the others were not used to choose anything for the 10-run
gap (SearchSnippets, StackOverflow and AG News were used for the one-shot defaults; Biomedical and
Pascal_Flickr are held out). Writes bench/results/topics_vote_pool.json.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_stability import in_runs, nmi, vectors  # noqa: E402

from heard.listen.analysis.clustering import ClusterParams, cluster_array  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "topics_vote_pool.json"
SETS = (
    "Tweet",
    "GoogleNews",
    "TeddyCup",
    "SearchSnippets",
    "StackOverflow",
    "AGNews",
    "Biomedical",
    "Pascal_Flickr",
)
CONFIGS = {
    "default": ClusterParams(),
    "candidate": ClusterParams(vote_keeps_pool=True, consolidate_min_posts=2000),
}


def main() -> None:
    out: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sets": {}}
    for name in SETS:
        vecs, gold = vectors(name)
        for tag, params in CONFIGS.items():
            one, _ = cluster_array(vecs, params, batch_size=512)
            ten = in_runs(vecs, 10, params)
            row = {"one": nmi(gold, one), "ten": nmi(gold, ten)}
            row["gap"] = round(row["one"] - row["ten"], 4)
            out["sets"].setdefault(name, {})[tag] = row
            print(name, tag, json.dumps(row), flush=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
