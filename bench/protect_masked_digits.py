"""Fraud and spam caught when a message's digits are masked with x (满xxx减xx, 138xxxx5566).

    PYTHONPATH=src .venv/bin/python bench/protect_masked_digits.py [--out FILE]
    PYTHONPATH=/other/checkout/src .venv/bin/python bench/protect_masked_digits.py --out other.json

Shared and published Chinese messages often hide their numbers. For each probe set, the Chinese
rows that hold a digit are scored twice by the whole harm stage — as written and with every digit
replaced by x — and the caught positives (own label among the flags) and flagged legitimate rows
are counted. The probe sets are our own writing (bench/protect_probes.py says which are tuned);
the held-out v5 is not read here.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from heard.protect.stage import HarmStage

REPO = Path(__file__).resolve().parent.parent
SETS = (
    "protect_probes_sealed",
    "protect_probes_dev",
    "protect_probes_v3",
    "protect_probes_v4",
    "rights_speech_v2_blind",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "bench/results/protect_masked_digits.json"
    )
    args = parser.parse_args()
    stage = HarmStage(nearest=0)
    result: dict = {"bench": "protect_masked_digits", "harm_stage_model": stage.model}
    for name in SETS:
        path = REPO / "tests" / "fixtures" / f"{name}.jsonl"
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        rows = [r for r in rows if r["lang"] == "zh" and re.search(r"\d", r["text"])]
        as_written = stage.flag_texts([r["text"] for r in rows])
        masked = stage.flag_texts([re.sub(r"\d", "x", r["text"]) for r in rows])
        out: dict = {"zh_rows_with_digits": len(rows)}
        for label in ("scam_fraud", "spam", None):
            pos = [i for i, r in enumerate(rows) if r["label"] == label]
            if label is None:
                out["legitimate"] = {
                    "rows": len(pos),
                    "flagged_as_written": sum(bool(as_written[i]) for i in pos),
                    "flagged_masked": sum(bool(masked[i]) for i in pos),
                }
                continue
            out[label] = {
                "positives": len(pos),
                "caught_as_written": sum(label in [f["label"] for f in as_written[i]] for i in pos),
                "caught_masked": sum(label in [f["label"] for f in masked[i]] for i in pos),
            }
        result[name] = out
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
