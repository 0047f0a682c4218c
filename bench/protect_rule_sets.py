"""The fraud and spam rules alone on every real set: which posts they flag, for diffing versions.

    PYTHONPATH=src .venv/bin/python bench/protect_rule_sets.py  # → bench/results/…
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/protect_rule_sets.py --out other.json

Only ``rules.scam_fraud`` and ``rules.spam`` run (no heads, no other labels), so a change to those
two rule files can be checked in seconds per set: the output lists each flagged post's index,
labels, rule and first 160 characters. Sets: the rights fixture, taxonomy negatives, Teddy Cup
附件3, 附件4, the full-record subset and the 9,210 titles, weibo_senti_100k test and dev, the
Weibo rumour set (rumor_weibo_twitter1516_glan, all 4,663 posts), TweetEval hate, offensive
and sentiment test, every ham message of the SMS Spam Collection and every LIAR statement (the
English legitimate sets the English fraud rules of scam_fraud 3.7 were checked on).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from heard.protect.detectors import RuleDetector
from heard.protect.taxonomy import load_taxonomy

# heard is imported first: protect_eval puts this checkout's src on sys.path, and a run with
# PYTHONPATH pointing at another checkout must measure that checkout's rules.
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import protect_eval as pe  # noqa: E402


def real_sets() -> dict[str, list[str]]:
    fixture = REPO / "tests/fixtures/rights_speech.jsonl"
    sets = {
        "rights_fixture": [
            json.loads(x)["text"] for x in fixture.read_text("utf-8").splitlines() if x.strip()
        ],
        "taxonomy_negatives": [e.text for e in load_taxonomy().examples if not e.positive],
        "attachment4": pe.attachment4(),
        "attachment3": pe.attachment4("attachment3_hot_issue_messages.csv"),
        "teddycup_full_records_subset": pe.full_records(),
        "weibo_senti_100k_test": pe.weibo("test"),
        "weibo_senti_100k_dev": pe.weibo("dev"),
    }
    titles = pe.DATA / "teddycup2020_c" / "messages_titles_labels_all9210.csv"
    with titles.open(encoding="utf-8-sig", newline="") as fh:
        sets["teddycup_titles_9210"] = [r["留言主题"] for r in csv.DictReader(fh)]
    rumour = pe.DATA / "rumor_weibo_twitter1516_glan" / "weibo" / "weibo_all.tsv"
    rows = [x.split("\t") for x in rumour.read_text("utf-8").splitlines() if x.strip()]
    sets["weibo_rumour_all"] = [max(r, key=len) for r in rows]
    for task in ("hate", "offensive", "sentiment"):
        folder = pe.DATA / "tweeteval" / "datasets" / task
        sets[f"tweeteval_{task}_test"] = (folder / "test_text.txt").read_text("utf-8").splitlines()
    sms = pe.DATA / "sms_spam_collection" / "SMSSpamCollection.tsv"
    rows = [x.split("\t", 1) for x in sms.read_text("utf-8").splitlines() if "\t" in x]
    sets["sms_ham_all"] = [text for label, text in rows if label == "ham"]
    liar = pe.DATA / "liar"  # PolitiFact statements: taxes, the IRS, arrests, banks, prizes
    sets["liar_statements_all"] = [
        x.split("\t")[2]
        for split in ("train", "valid", "test")
        for x in (liar / f"{split}.tsv").read_text("utf-8").splitlines()
        if x.count("\t") >= 2
    ]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/protect_rule_sets.json")
    args = parser.parse_args()
    detectors = [RuleDetector("scam_fraud"), RuleDetector("spam")]
    result: dict = {
        "bench": "protect_rule_sets",
        "rules": {d.label: d.version for d in detectors},
        "sets": {},
    }
    for name, texts in real_sets().items():
        flagged = {}
        for i, text in enumerate(texts):
            flags = [f for f in (d.flag(text) for d in detectors) if f]
            if flags:
                flagged[str(i)] = [[[f.label, f.rule] for f in flags], text[:160]]
        result["sets"][name] = {"items": len(texts), "flagged": len(flagged), "posts": flagged}
        print(name, len(texts), len(flagged))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
