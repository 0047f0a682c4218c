"""Fraud and spam probe sets written for Heard: per-label precision/recall, false flags.

    PYTHONPATH=src .venv/bin/python bench/protect_probes.py   # → bench/results/protect_probes.json

The sets, all written by hand for Heard (no dataset text), each row ``id``, ``label``
(``scam_fraud``, ``spam`` or ``null`` for legitimate speech), ``lang``, ``family``, ``text``:

* ``tests/fixtures/protect_probes_sealed.jsonl`` — written **before** the rules were widened in
  2026-12 and measured once before and once after; never used to write a rule.
* ``tests/fixtures/protect_probes_dev.jsonl`` — written afterwards and used to widen the rules
  (a tuned figure).
* ``tests/fixtures/protect_probes_v3.jsonl`` — 439 Chinese rows written blind (before the v3
  helper read the rules), measured once as written; rules v3 round 1 were tuned on half A only
  (``--half A``: odd trailing id number) and half B read once as held out; round 2 then used
  all of it and the sealed misses, so every v3 figure after round 1 is a tuned one.
* ``tests/fixtures/protect_probes_v4.jsonl`` — 364 rows (324 zh, 40 en) written blind and
  committed before the v4 helper read any rule or earlier probe; measured once on rules v3 as
  held out (``--set v4_probes_blind_heldout``); rules scam_fraud 3.6 and spam 3.3
  (2026-12-07) were written from its misses, so it is a tuned set since (the name is kept).
* ``tests/fixtures/protect_probes_v5.jsonl`` — 170 rows (138 zh, 32 en) written blind on
  2026-12-07 and committed alone (579cdb4) before they were first measured
  (``--set v5_probes_blind_heldout``).
* ``tests/fixtures/protect_probes_v6.jsonl`` — 256 Chinese rows (101 fraud over 14 families,
  69 spam, 86 legitimate hard negatives) written blind on 2026-12-07 and committed alone
  (47e5350) before the v6 helper read any rule; measured once as written
  (``--set v6_probes_blind_heldout``), then rules were widened from half A's misses only and
  half B read once as held out.
* ``tests/fixtures/protect_probes_v7.jsonl`` — 150 English rows (50 fraud over 12 families,
  35 spam, 65 legitimate look-alikes) written blind on 2026-12-07 and committed alone (f36e1f9)
  before the protect5 helper read any English rule; read once as written
  (``--set v7_en_probes_blind_heldout``), then rules were written from half A's misses only and
  half B read once at the end as held out.
* ``tests/fixtures/rights_speech_v2_blind.jsonl`` — 114 legitimate rows only (64 zh, 46 en, 4 in
  other languages), hard cases for every harm label, written blind on 2026-12-07 and committed
  alone (dee0cd0) before their first measurement (``--set rights_v2_blind_heldout``).

* ``tests/fixtures/protect_probes_v8.jsonl`` — 200 rows (zh fraud 70, en fraud 20, zh spam 40, en
  spam 10, legitimate 40 zh + 20 en) and ``tests/fixtures/legit_notices_v2_blind.jsonl`` — 120
  legitimate notices (80 zh, 40 en), written blind on 2026-12-07 by a helper who read no detector,
  rule, probe or notice file, and committed alone (c21530c) before their first measurement.
* ``tests/fixtures/rights_speech_v3_blind.jsonl`` — 180 legitimate rows (110 zh, 70 en, 15
  families: criticism of officials, protest calls, satire, whistleblowing, journalism, anti-fraud
  warnings, religious and minority speech, harm reduction, own contact details …), written blind
  on 2026-12-07 by a helper who read only RIGHTS.md, and committed alone (24757e6) before their
  first measurement (``--set rights_v3_blind_heldout``).
* ``tests/fixtures/protect_probes_v10.jsonl`` — 359 Chinese SMS-style rows (123 fraud over 12
  anti-fraud families, 82 carrier-style adverts over 11 families, 154 legitimate look-alikes:
  verification codes, bank, carrier, courier, school, hospital and government notices, anti-fraud
  campaigns quoting scripts, victims, citizens' letters, criticism of officials, news), written
  blind on 2026-12-08 by the protect14 helper before it read any rule, and committed alone
  (93f2b29) before its first read (``--set v10_zh_sms_probes_blind_heldout``); rules scam_fraud
  3.18 and spam 3.15 were written from half A only.

A positive counts as caught when its own label is among the post's flags (``caught``) and, more
strictly, when it is the top-scoring flag (``top_label_right``). Any flag on a ``null`` row is a
false flag; a flag of label L on a row of another label counts against L's precision.
``automated``: the rows that would get an automated spam/scam decision, by the rule before
(one detector sufficed) and now (two independent detectors must agree), legitimate vs harmful.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SETS = {
    "sealed_probes_written_before_widening": FIXTURES / "protect_probes_sealed.jsonl",
    "dev_probes_tuned": FIXTURES / "protect_probes_dev.jsonl",
    "v3_probes_blind_then_tuned": FIXTURES / "protect_probes_v3.jsonl",
    "v4_probes_blind_heldout": FIXTURES / "protect_probes_v4.jsonl",
    "v5_probes_blind_heldout": FIXTURES / "protect_probes_v5.jsonl",
    "v6_probes_blind_heldout": FIXTURES / "protect_probes_v6.jsonl",
    "v7_en_probes_blind_heldout": FIXTURES / "protect_probes_v7.jsonl",
    "rights_v2_blind_heldout": FIXTURES / "rights_speech_v2_blind.jsonl",
    "v8_probes_blind_heldout": FIXTURES / "protect_probes_v8.jsonl",
    "legit_notices_v2_blind_heldout": FIXTURES / "legit_notices_v2_blind.jsonl",
    "rights_v3_blind_heldout": FIXTURES / "rights_speech_v3_blind.jsonl",
    "v10_zh_sms_probes_blind_heldout": FIXTURES / "protect_probes_v10.jsonl",
}
LABELS = ("scam_fraud", "spam")


def read_probes(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def half_of(row: dict) -> str:
    """The fixed split of a probe set: odd trailing id number → ``A`` (tuning), even → ``B``."""
    return "A" if int(row["id"].rsplit(".", 1)[-1]) % 2 else "B"


AUTO_THRESHOLD = 0.9
"""``protect_auto_threshold``'s default: the bar an automated decision's lead flag clears."""


def automated(flags: list[list[dict]], gold: list[str | None]) -> dict:
    """Posts that would get an automated decision (a spam/scam flag ``auto_decide`` takes), by
    the rule before (``one_detector``: one detector sufficed) and now (``two_detectors``: two
    independent detectors must agree, ``heard.protect.automation``), on legitimate rows (gold
    None) and on harmful ones, and how many of the harmful ones got their own label."""
    from heard.protect.automation import automatable, automatable_alone

    out: dict = {"auto_threshold": AUTO_THRESHOLD}
    for rule, test in (("one_detector", automatable_alone), ("two_detectors", automatable)):
        hit = [[f["label"] for f in fl if test(f, AUTO_THRESHOLD)] for fl in flags]
        legit = [i for i, g in enumerate(gold) if g is None]
        harm = [i for i, g in enumerate(gold) if g is not None]
        out[rule] = {
            "legitimate": sum(1 for i in legit if hit[i]),
            "harmful": sum(1 for i in harm if hit[i]),
            "harmful_own_label": sum(1 for i in harm if gold[i] in hit[i]),
        }
    out["items"] = {"legitimate": gold.count(None), "harmful": len(gold) - gold.count(None)}
    return out


def score_probes(stage, rows: list[dict]) -> dict:
    flags = stage.flag_texts([r["text"] for r in rows])
    got = [[f["label"] for f in fl] for fl in flags]  # best first
    out: dict = {"rows": len(rows)}
    for label in LABELS:
        for lang in ("zh", "en", "all"):
            sel = [i for i, r in enumerate(rows) if lang in ("all", r["lang"])]
            pos = [i for i in sel if rows[i]["label"] == label]
            caught = [i for i in pos if label in got[i]]
            top = [i for i in pos if got[i] and got[i][0] == label]
            flagged = [i for i in sel if label in got[i]]
            right = [i for i in flagged if rows[i]["label"] == label]
            if not pos and not flagged:
                continue
            out[f"{label}.{lang}"] = {
                "positives": len(pos),
                "caught": len(caught),
                "recall": round(len(caught) / len(pos), 3) if pos else None,
                "top_label_right": len(top),
                "flagged": len(flagged),
                "precision": round(len(right) / len(flagged), 3) if flagged else None,
            }
        fam = Counter(rows[i]["family"] for i, r in enumerate(rows) if r["label"] == label)
        hit = Counter(
            rows[i]["family"] for i, r in enumerate(rows) if r["label"] == label and label in got[i]
        )
        out[f"{label}.by_family"] = {f: f"{hit[f]}/{n}" for f, n in sorted(fam.items())}
        langs = sorted({r["lang"] for r in rows})
        if len(langs) > 1:  # the same per-family figure, split by language
            split: dict = {lang: {} for lang in langs}
            for (lang, f), n in sorted(
                Counter((r["lang"], r["family"]) for r in rows if r["label"] == label).items()
            ):
                k = sum(
                    1
                    for i, r in enumerate(rows)
                    if r["label"] == label
                    and (r["lang"], r["family"]) == (lang, f)
                    and label in got[i]
                )
                split[lang][f] = f"{k}/{n}"
            out[f"{label}.by_family_lang"] = split
        out[f"{label}.missed"] = [
            r["id"] for i, r in enumerate(rows) if r["label"] == label and label not in got[i]
        ]
    neg = [i for i, r in enumerate(rows) if r["label"] is None]
    out["legitimate"] = {
        "items": len(neg),
        "flagged": sum(1 for i in neg if got[i]),
        "ids": [(rows[i]["id"], got[i]) for i in neg if got[i]],
    }
    out["automated"] = automated(flags, [r["label"] for r in rows])
    out["wrong_label"] = [
        (r["id"], got[i])
        for i, r in enumerate(rows)
        if r["label"] is not None and got[i] and r["label"] not in got[i]
    ]
    return out


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from heard.protect.stage import HarmStage

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/protect_probes.json")
    parser.add_argument("--set", choices=sorted(SETS), action="append")
    parser.add_argument(
        "--probes", type=Path, action="append", help="another probe file (JSONL, same format)"
    )
    parser.add_argument(
        "--half", choices=("A", "B"), help="only rows of this half (odd id number = A, even = B)"
    )
    args = parser.parse_args()
    stage = HarmStage(nearest=0)
    result: dict = {"bench": "protect_probes", "harm_stage_model": stage.model}
    if args.half:
        result["half"] = args.half
    chosen = {name: SETS[name] for name in args.set or ([] if args.probes else sorted(SETS))}
    chosen.update({path.stem: path for path in args.probes or []})
    for name, path in chosen.items():
        if path.is_file():
            rows = read_probes(path)
            if args.half:
                rows = [r for r in rows if half_of(r) == args.half]
            result[name] = score_probes(stage, rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
