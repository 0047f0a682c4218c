"""The harm stage over real public posts no rule was written from: every flag is listed.

    .venv/bin/python bench/protect_real_posts.py   # → bench/results/protect_real_posts.json

Two sets from ``../shared/data`` that had never been run through the protect side before
2026-12-07, so their first read is held out:

* ``polis_open_data/*/comments.csv`` — 11,081 comments of public Polis conversations (policing,
  minimum wage, Brexit, electoral reform, climate, taxes …; English, German, Chinese): civic
  speech, where any flag is a false flag unless the comment is itself spam.
* ``rumor_weibo_twitter1516_glan/weibo/weibo_all.tsv`` — 4,664 Weibo source posts (rumours and
  non-rumours, Ma et al. 2016): news, commentary, appeals, promotions. Misinformation is not a
  harm label (it gets clarification, not removal), so a rumour is legitimate speech here too.

The output holds, per set, the posts read, the posts flagged by label and detector, how many
flags are for review only, how many would be decided automatically (two detectors agreeing,
``heard.protect.automation``), and every flagged post (the first 300 characters) so a reader can
judge each one. The script says nothing about recall: neither set labels harm.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def polis_comments() -> list[tuple[str, str, str]]:
    rows = []
    for path in sorted((DATA / "polis_open_data").glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                text = (r.get("comment-body") or "").strip()
                if text:
                    rows.append((path.parent.name, str(r.get("comment-id")), text))
    return rows


def rumour_weibo() -> list[tuple[str, str, str]]:
    rows = []
    path = DATA / "rumor_weibo_twitter1516_glan" / "weibo" / "weibo_all.tsv"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[1].strip():
                rows.append((f"weibo:{parts[2]}", parts[0], parts[1]))
    return rows


def read_set(stage, rows: list[tuple[str, str, str]]) -> dict:
    from heard.protect.automation import automatable

    threshold = 0.9  # the shipped protect_auto_threshold
    flagged = []
    for start in range(0, len(rows), 512):
        chunk = rows[start : start + 512]
        for (group, rid, text), flags in zip(chunk, stage.flag_texts([t for _, _, t in chunk])):
            if flags:
                flagged.append((group, rid, text, flags))
    return {
        "posts": len(rows),
        "flagged": len(flagged),
        "by_label": dict(Counter(f["label"] for *_, fl in flagged for f in fl)),
        "by_detector": dict(Counter(f["detector"] for *_, fl in flagged for f in fl)),
        "review_only_flags": sum(
            1 for *_, fl in flagged for f in fl if f.get("details", {}).get("review_only")
        ),
        "automated": sum(1 for *_, fl in flagged if any(automatable(f, threshold) for f in fl)),
        "posts_flagged": [
            {
                "group": group,
                "id": rid,
                "text": text[:300],
                "flags": [[f["label"], f["score"], f["detector"], f["rule"]] for f in fl],
            }
            for group, rid, text, fl in flagged
        ],
    }


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from heard.protect.stage import HarmStage

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/protect_real_posts.json")
    args = parser.parse_args()
    if not (DATA / "polis_open_data").is_dir():
        sys.exit(f"needs ../shared/data beside the repo ({DATA} not found)")
    stage = HarmStage(nearest=0)
    result = {
        "bench": "protect_real_posts",
        "harm_stage_model": stage.model,
        "polis_comments": read_set(stage, polis_comments()),
        "rumour_weibo_posts": read_set(stage, rumour_weibo()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name in ("polis_comments", "rumour_weibo_posts"):
        r = result[name]
        print(name, {k: r[k] for k in r if k != "posts_flagged"})


if __name__ == "__main__":
    main()
