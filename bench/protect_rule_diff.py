"""What a change to the rule files does to every set we hold: new and lost rule firings.

    .venv/bin/python bench/protect_rule_diff.py [--ref main] [--out PATH]
    # → bench/results/protect_rule_diff.json

For each label whose ``rules/<label>.toml`` differs between git ``--ref`` and the working tree,
both versions are loaded and run on every text of every set below; a text *fires* when the
label's best rule reaches the file's threshold. Reported per set: texts that fire only with the
new rules (with their gold label: ``null`` = legitimate, so any such row is a new false flag
unless another label's positive) and texts that fired only with the old ones (lost catches).

This reads the rules alone, so it over-counts for Chinese harassment and hate, where the stage
also needs the COLD head to agree (``offensive.py``): a new firing there is an upper bound.

Sets: every legitimate and harmful row of the probe, rights, notice, everyday and harm fixtures
and the taxonomy examples; the real posts (all Polis comments, the rumour-Weibo posts, Teddy Cup
附件3 / 附件4 / full records, weibo_senti_100k test, TweetEval hate and offensive tests, COLD
test; none labels any of our harms except TweetEval hate, see protect_embedded_head.py), the
AG News test (7,600 news items: crime, attacks, fraud cases), every LIAR statement (12,836
political claims) and the SMS Spam Collection (5,574: its ham is legitimate; its spam, which
mixes adverts and prize scams, is gold ``spam_or_scam``, so a new spam or scam firing there is a
catch).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
FIXTURES = REPO / "tests" / "fixtures"
RULES = "src/heard/protect/detectors/rules"
OUT = REPO / "bench" / "results" / "protect_rule_diff.json"


def fixture_sets() -> dict[str, list[tuple[str, str | None]]]:
    from protect_probes import read_probes

    out = {}
    for path in sorted(FIXTURES.glob("*.jsonl")):
        rows = read_probes(path)
        if rows and "text" in rows[0]:  # no label: a legitimate-only set (rights_speech)
            out[path.stem] = [(r["text"], r.get("label")) for r in rows]
    tax = read_probes(REPO / "src/heard/protect/taxonomy/examples.jsonl")
    out["taxonomy_examples"] = [
        (r["text"], r["label"] if r["polarity"] == "positive" else None) for r in tax
    ]
    return out


def real_sets() -> dict[str, list[tuple[str, str | None]]]:
    from protect_embedded_head import cold_test, tweeteval
    from protect_eval import attachment4, full_records, weibo
    from protect_real_posts import polis_comments, rumour_weibo

    return {
        "polis_all": [(t, None) for _, _, t in polis_comments()],
        "weibo_rumour": [(t, None) for _, _, t in rumour_weibo()],
        "attachment3": [(t, None) for t in attachment4("attachment3_hot_issue_messages.csv")],
        "attachment4": [(t, None) for t in attachment4()],
        "teddycup_full_records": [(t, None) for t in full_records()],
        "weibo_senti_100k_test": [(t, None) for t in weibo("test")],
        "tweeteval_hate_test": tweeteval("hate"),
        "tweeteval_offensive_test": tweeteval("offensive"),
        "cold_test": cold_test(),
        "ag_news_test": ag_news(),
        "liar_all": liar(),
        "sms_spam_collection": sms_collection(),
    }


SPAM_OR_SCAM = "spam_or_scam"
"""Gold of an SMS Spam Collection spam message: either of our two labels is its own."""


def ag_news() -> list[tuple[str, str | None]]:
    from protect_eval import DATA

    with (DATA / "ag_news_test" / "test.csv").open(encoding="utf-8", newline="") as fh:
        return [(f"{r['title']}. {r['description']}", None) for r in csv.DictReader(fh)]


def liar() -> list[tuple[str, str | None]]:
    from protect_eval import DATA

    out = []
    for split in ("train", "valid", "test"):
        for line in (DATA / "liar" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) > 2 and cols[2].strip():
                out.append((cols[2].strip(), None))
    return out


def sms_collection() -> list[tuple[str, str | None]]:
    from protect_eval import DATA

    path = DATA / "sms_spam_collection" / "SMSSpamCollection.tsv"
    rows = [x.split("\t", 1) for x in path.read_text(encoding="utf-8").splitlines() if "\t" in x]
    return [(t, SPAM_OR_SCAM if lab == "spam" else None) for lab, t in rows]


def changed_labels(ref: str) -> list[str]:
    out = subprocess.run(
        ["git", "diff", "--name-only", ref, "--", RULES],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(Path(p).stem for p in out if p.endswith(".toml"))


def old_ruleset(ref: str, label: str, folder: Path):
    from heard.protect.detectors.rules import load_ruleset

    text = subprocess.run(
        ["git", "show", f"{ref}:{RULES}/{label}.toml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = folder / f"{label}.toml"
    path.write_text(text, encoding="utf-8")
    return load_ruleset(path)


def fires(rules, text: str) -> bool:
    score, fired, _ = rules.evaluate(text)
    return bool(fired) and score >= rules.threshold


def main() -> None:
    from heard.protect.detectors.rules import load_ruleset

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="main")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    labels = changed_labels(args.ref)
    result: dict = {"bench": "protect_rule_diff", "ref": args.ref, "labels": {}, "sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        old = {lab: old_ruleset(args.ref, lab, Path(tmp)) for lab in labels}
    new = {lab: load_ruleset(REPO / RULES / f"{lab}.toml") for lab in labels}
    result["labels"] = {lab: [old[lab].version, new[lab].version] for lab in labels}
    sets = {**fixture_sets(), **real_sets()}
    totals = {
        "new_on_legitimate": 0,
        "new_on_other_label": 0,
        "new_on_sms_spam": 0,
        "lost_on_own_label": 0,
    }
    for name, rows in sets.items():
        entry: dict = {"rows": len(rows), "new": [], "lost": []}
        for text, gold in rows:
            for lab in labels:
                was, now = fires(old[lab], text), fires(new[lab], text)
                if now and not was:
                    entry["new"].append({"label": lab, "gold": gold, "text": text[:200]})
                    if gold is None:
                        totals["new_on_legitimate"] += 1
                    elif gold == SPAM_OR_SCAM:
                        totals["new_on_sms_spam"] += 1
                    elif gold != lab:
                        totals["new_on_other_label"] += 1
                elif was and not now:
                    entry["lost"].append({"label": lab, "gold": gold, "text": text[:200]})
                    if gold == lab or gold == SPAM_OR_SCAM:
                        totals["lost_on_own_label"] += 1
        result["sets"][name] = entry
        print(
            f"{name:40s} rows {len(rows):>6}  new {len(entry['new']):>3}  lost {len(entry['lost'])}"
        )
    result["totals"] = totals
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
