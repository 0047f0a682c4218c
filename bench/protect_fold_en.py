"""What the English look-alike fold costs and touches, on the posts protect_stage_cost.py uses.

    PYTHONPATH=src .venv/bin/python bench/protect_fold_en.py [--posts 4000] [--rounds 5]
    # → bench/results/protect_fold_en.json

The same mix of real posts (weibo_senti_100k dev, TweetEval sentiment test, COLD dev): how many
pass the English fold's gate (``needs_english_fold``), how many come out of ``fold_text``
different from the fold without its English part (the words it restored), and the best time of
``fold_text`` over all of them with and without the English part (interleaved rounds). The
count of changed posts is the figure that does not depend on machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from heard.protect.detectors import fold  # noqa: E402
from protect_stage_cost import posts  # noqa: E402


def timed(texts: list[str]) -> float:
    t0 = time.perf_counter()
    for t in texts:
        fold.fold_text(t)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [p.text for p in posts(args.posts)]
    gated = [t for t in texts if fold.needs_english_fold(t)]
    with_en = [fold.fold_text(t)[0] for t in texts]
    with mock.patch.object(fold, "fold_english", lambda s: s):
        without_en = [fold.fold_text(t)[0] for t in texts]
    changed = [(t, a) for t, a, b in zip(texts, with_en, without_en, strict=True) if a != b]
    on, off = [], []
    for _ in range(args.rounds):
        on.append(timed(texts))
        with mock.patch.object(fold, "needs_english_fold", lambda s: False):
            off.append(timed(texts))
    result = {
        "bench": "protect_fold_en",
        "command": f"bench/protect_fold_en.py --posts {args.posts} --rounds {args.rounds}",
        "posts": len(texts),
        "pass_english_gate": len(gated),
        "changed_by_english_fold": len(changed),
        "changed_examples": [{"text": t[:120], "folded": a[:120]} for t, a in changed[:20]],
        "fold_us_per_post_with_english": round(1e6 * min(on) / len(texts), 2),
        "fold_us_per_post_without_english": round(1e6 * min(off) / len(texts), 2),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    out = REPO / "bench" / "results" / "protect_fold_en.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
