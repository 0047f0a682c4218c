"""The bundled demo corpus is everyday civic talk (water mains, buses, rubbish, noise, a student's
factory job): no harm detector flags any of its 613 posts. Rules 3.12 once read "做了四个月流水线"
(a factory assembly line) as a loan's credit flow; this keeps any rule from doing so again."""

from __future__ import annotations

import json
from pathlib import Path

from heard.protect.stage import HarmStage

CORPUS = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"


def test_no_demo_post_is_flagged():
    rows = [json.loads(x) for x in CORPUS.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(rows) > 600
    flags = HarmStage(nearest=0).flag_texts([r["text"] for r in rows])
    flagged = [(r["id"], [f["label"] for f in fl]) for r, fl in zip(rows, flags) if fl]
    assert flagged == []
