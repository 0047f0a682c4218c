"""Everyday social-media speech for the non-fraud harm labels, written blind: what is flagged.

    .venv/bin/python bench/protect_everyday.py [--half A|B]  # → bench/results/protect_everyday.json

``tests/fixtures/everyday_speech_v1_blind.jsonl`` (260 rows, zh 170 / en 90) was written on
2026-12-07 by a helper who read no detector, rule, probe, notice or benchmark file, and committed
alone (6190277) before its first measurement: 200 legitimate posts that share words with harm
(profanity aimed at no one present, aphorisms, lyrics, game and fandom talk, cooking, medicine,
commemorations, news of crimes, attacks and wars, protest calls, criticism, satire, religious,
minority-language, LGBTQ and sex-education speech, a citizen's own phone to sell a sofa, missing
person and lost-pet notices) and 60 harmful ones (5 zh + 2–3 en per label: harassment, hate,
violent threat, terrorism incitement, self-harm promotion, sexual solicitation, contraband sale,
doxxing). Half A = odd trailing id number, B = even (``protect_probes.half_of``).

Reported: per label, the harmful rows caught with their own label; every legitimate row flagged,
with its labels; and automated decisions (only spam and scam may ever be automated).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SET = REPO / "tests" / "fixtures" / "everyday_speech_v1_blind.jsonl"


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO / "bench"))
    from protect_probes import AUTO_THRESHOLD, automated, half_of, read_probes

    from heard.protect.stage import HarmStage

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("A", "B"))
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/protect_everyday.json")
    args = parser.parse_args()
    rows = read_probes(SET)
    if args.half:
        rows = [r for r in rows if half_of(r) == args.half]
    stage = HarmStage(nearest=0)
    flags = stage.flag_texts([r["text"] for r in rows])
    got = [[f["label"] for f in fl] for fl in flags]
    result: dict = {
        "bench": "protect_everyday",
        "harm_stage_model": stage.model,
        "half": args.half,
        "rows": len(rows),
        "auto_threshold": AUTO_THRESHOLD,
    }
    per_label = {}
    for label in sorted({r["label"] for r in rows if r["label"]}):
        pos = [i for i, r in enumerate(rows) if r["label"] == label]
        per_label[label] = {
            "positives": len(pos),
            "caught": sum(1 for i in pos if label in got[i]),
            "missed": [rows[i]["id"] for i in pos if label not in got[i]],
        }
    legit = [i for i, r in enumerate(rows) if r["label"] is None]
    result["harmful"] = per_label
    result["harmful_caught"] = sum(v["caught"] for v in per_label.values())
    result["harmful_rows"] = sum(v["positives"] for v in per_label.values())
    result["legitimate"] = {
        "rows": len(legit),
        "flagged": sum(1 for i in legit if got[i]),
        "by_label": dict(Counter(lab for i in legit for lab in set(got[i]))),
        "ids": [[rows[i]["id"], sorted(set(got[i]))] for i in legit if got[i]],
    }
    result["automated"] = automated(flags, [r["label"] for r in rows])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "harmful"}, ensure_ascii=False))
    print({k: f"{v['caught']}/{v['positives']}" for k, v in per_label.items()})


if __name__ == "__main__":
    main()
