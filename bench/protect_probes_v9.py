"""Blind probe set v9: English fraud and spam, zh + en everyday harm, legitimate look-alikes.

    .venv/bin/python bench/protect_probes_v9.py [--half A|B] [--out PATH]
    # → bench/results/protect_probes_v9.json

``tests/fixtures/protect_probes_v9.jsonl`` (241 rows) was written on 2026-12-08 by the protect13
helper before it read any rule, lexicon or head of ``heard.protect``, and committed alone
(2da2354) before its first measurement: 44 English fraud rows over 11 families (delivery and
customs fees, bank lock, tax refund, romance, investment and crypto, job and task, tech support,
prize, "hi mum, new number", toll and parking fines, fake charity), 20 English spam rows, 64
harmful posts (4 zh + 4 en for each of the 8 non-fraud labels) and 113 legitimate look-alikes
(64 en, 49 zh: real bank, carrier, courier and tax notices, harsh criticism of officials and
police, protest calls, satire, whistleblowing, news of scams and attacks, religious and
minority speech, legal sales, warnings that quote a scam, support lines, missing-person posts).
Half A = odd trailing id number, B = even (``protect_probes.half_of``), fixed before tuning.

The whole protect stage runs as ``heard ingest`` runs it: the rules and word heads on the text,
and the embedding head ``harm_embedded`` on the ``use-int8`` vector of the text's model cut.

Reported per label: positives, caught with the own label anywhere in the flags, and with it as
the top flag; every legitimate row flagged, with its labels; wrong labels on harmful rows; and
automated decisions (only spam and scam may ever be automated, two detectors agreeing).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
from protect_probes import automated, half_of, read_probes  # noqa: E402

SET = REPO / "tests" / "fixtures" / "protect_probes_v9.jsonl"
OUT = REPO / "bench" / "results" / "protect_probes_v9.json"


def flag_rows(rows: list[dict]) -> tuple[str | None, list[list[dict]]]:
    """Each row's flags from the whole stage, embedding head included."""
    from heard.models import make_embedder
    from heard.protect.stage import HarmStage
    from heard.stages.embed import MODEL_TEXT_CHARS

    embedder = make_embedder("use-int8")
    stage = HarmStage(nearest=0, embedder_name=embedder.name)
    texts = [r["text"] for r in rows]
    vectors = np.vstack([embedder.encode([t[:MODEL_TEXT_CHARS] for t in texts])])
    return stage.model, stage.flag_texts(texts, vectors)


def score(rows: list[dict], flags: list[list[dict]]) -> dict:
    got = [[f["label"] for f in fl] for fl in flags]  # best first
    per_label: dict = {}
    for label in sorted({r["label"] for r in rows if r["label"]}):
        for lang in ("en", "zh"):
            pos = [i for i, r in enumerate(rows) if r["label"] == label and r["lang"] == lang]
            if not pos:
                continue
            per_label[f"{label}.{lang}"] = {
                "positives": len(pos),
                "caught": sum(1 for i in pos if label in got[i]),
                "top_label_right": sum(1 for i in pos if got[i] and got[i][0] == label),
                "missed": [rows[i]["id"] for i in pos if label not in got[i]],
            }
    harm = [i for i, r in enumerate(rows) if r["label"]]
    legit = [i for i, r in enumerate(rows) if r["label"] is None]
    fraud_spam = [i for i in harm if rows[i]["label"] in ("scam_fraud", "spam")]
    other = [i for i in harm if i not in fraud_spam]
    return {
        "rows": len(rows),
        "fraud_spam": f"{sum(1 for i in fraud_spam if rows[i]['label'] in got[i])}/"
        f"{len(fraud_spam)}",
        "non_fraud_harm": f"{sum(1 for i in other if rows[i]['label'] in got[i])}/{len(other)}",
        "per_label": per_label,
        "legitimate": {
            "rows": len(legit),
            "flagged": sum(1 for i in legit if got[i]),
            "ids": [[rows[i]["id"], got[i]] for i in legit if got[i]],
        },
        "wrong_label": [
            [rows[i]["id"], got[i]] for i in harm if got[i] and rows[i]["label"] not in got[i]
        ],
        "automated": automated(flags, [r["label"] for r in rows]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("A", "B"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = read_probes(SET)
    if args.half:
        rows = [r for r in rows if half_of(r) == args.half]
    model, flags = flag_rows(rows)
    result = {"bench": "protect_probes_v9", "harm_stage_model": model, "half": args.half}
    result.update(score(rows, flags))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "per_label"}, ensure_ascii=False))
    for k, v in result["per_label"].items():
        print(f"{k:32s} {v['caught']}/{v['positives']}  top {v['top_label_right']}")


if __name__ == "__main__":
    main()
