"""Zero-shot routing of English concerns (issue 18): the Teddy Cup preset's departments on two
sets of English messages we wrote, each labelled with the department that must answer.

- ``bench/annotations/routing_en_v1.jsonl`` (84 rows): written by the session that then added
  the preset's English keywords — not independent of them (tuned);
- ``bench/annotations/routing_en_blind.jsonl`` (140 rows, 20 per department): written by another
  session from the departments' remits only, without reading the router or its keywords
  (held out).

Reports accuracy, the share routed automatically (confidence ≥ the triage threshold) and the
accuracy of those. ``--teddycup`` adds the zero-shot macro-F1 on the Teddy Cup titles (dev, test)
and full records (title + body), so a change for English is checked against Chinese.

    .venv/bin/python bench/routing_en_eval.py --teddycup   # → bench/results/routing_en_eval.json
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import subprocess
from pathlib import Path

import numpy as np

from heard.answer.presets import teddycup_departments
from heard.answer.zero_shot import ZeroShotRouter
from heard.models import make_embedder

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "tuned_v1": ROOT / "bench" / "annotations" / "routing_en_v1.jsonl",
    "blind": ROOT / "bench" / "annotations" / "routing_en_blind.jsonl",
}
TEDDY = ROOT.parent / "shared" / "data" / "teddycup2020_c"


def english(router: ZeroShotRouter, path: Path) -> dict:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    texts = [r["text"] for r in rows]
    gold = np.array([r["department"] for r in rows])
    probs = router.probabilities(texts)
    pred = np.array(router.codes)[probs.argmax(1)]
    auto = probs.max(1) >= router.triage_below
    right = pred == gold
    return {
        "rows": len(rows),
        "accuracy": round(float(right.mean()), 4),
        "routed_automatically": round(float(auto.mean()), 4),
        "accuracy_of_automatic": round(float(right[auto].mean()), 4) if auto.any() else None,
    }


def teddycup(router: ZeroShotRouter) -> dict:
    from sklearn.metrics import f1_score

    by_zh = {d.name_zh: i for i, d in enumerate(router.departments)}
    titles = list(csv.DictReader((TEDDY / "messages_titles_labels_all9210.csv").open()))
    full = list(csv.DictReader((TEDDY / "messages_full_records_subset.csv").open()))
    parts = {
        split: (
            [r["留言主题"] for r in titles if r["split"] == split],
            [by_zh[r["一级标签"]] for r in titles if r["split"] == split],
        )
        for split in ("dev", "test")
    }
    parts["full_records"] = (
        [f"{r['留言主题']} {r['留言详情'][:300]}" for r in full],
        [by_zh[r["一级标签"]] for r in full],
    )
    return {
        name: round(float(f1_score(y, router.probabilities(texts).argmax(1), average="macro")), 4)
        for name, (texts, y) in parts.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--teddycup", action="store_true", help="also the Teddy Cup zero-shot F1")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "routing_en_eval.json")
    args = ap.parse_args()
    router = ZeroShotRouter(teddycup_departments(), embedder=make_embedder("use-int8"))
    result: dict = {
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "machine": platform.processor() or platform.machine(),
        "router": router.name,
        "english": {name: english(router, path) for name, path in SETS.items()},
    }
    if args.teddycup:
        result["teddycup_zero_shot_macro_f1"] = teddycup(router)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
