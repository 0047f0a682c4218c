"""Probe: would a learned intent head beat the rules? (not shipped; BENCHMARKS.md, intent)

    .venv/bin/python bench/intent_head_probe.py      # → bench/results/intent_head_probe.json

Trains a logistic regression (C=0.3, chosen on half A) only on the examples written for Heard
(``src/heard/models/heads/intent_examples.tsv``), on USE embeddings + the intent cue weights (+,
in the second variant, the rules' label as one-hot features), and scores it on both halves of the
annotated set beside the rules. Nothing from the annotated set trains it.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
EXAMPLES = REPO / "src" / "heard" / "models" / "heads" / "intent_examples.tsv"
OUT = REPO / "bench" / "results" / "intent_head_probe.json"


def main() -> None:
    from intent_sentiment_eval import ANNOTATIONS, INTENTS, load_sources, prf
    from sklearn.linear_model import LogisticRegression

    from heard.models import make_embedder
    from heard.models.intent_cues import INTENTS as CUE_INTENTS
    from heard.models.intent_cues import find_cues
    from heard.models.intent_rules import LABELS, decide
    from heard.stages.normalise import normalise_text

    embedder = make_embedder("use-int8")
    examples = [
        line.rstrip("\n").split("\t")
        for line in EXAMPLES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    train = [(text.replace(" | ", "\n"), " | " in text) for _label, _lang, text in examples]
    train_y = [label for label, _lang, _text in examples]
    sources = load_sources()
    with ANNOTATIONS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    test = []
    for row in rows:
        title, body = sources[row["source"]][row["id"]]
        text = (
            f"{normalise_text(title)}\n{normalise_text(body)}"
            if title and body
            else normalise_text(title or body)
        )
        test.append((text, bool(title and body)))

    def features(items, with_rule: bool) -> np.ndarray:
        vectors = embedder.encode([text for text, _ in items])
        extra = []
        for text, titled in items:
            hits = find_cues(text)
            row = [np.log1p(hits.weights[k]) for k in CUE_INTENTS] + [
                float(titled),
                float(hits.praises),
            ]
            if with_rule:
                label = decide(hits, titled)[0]
                row += [float(label == name) for name in LABELS]
            extra.append(row)
        return np.hstack([vectors, np.array(extra)])

    gold = [row["intent"] for row in rows]
    rules = [decide(find_cues(text), titled)[0] for text, titled in test]
    result: dict = {"command": "python bench/intent_head_probe.py", "train_examples": len(examples)}
    preds = {"rules": rules}
    for name, with_rule in (("head", False), ("head_with_rule_label", True)):
        model = LogisticRegression(C=0.3, max_iter=3000).fit(features(train, with_rule), train_y)
        preds[name] = list(model.predict(features(test, with_rule)))
    for name, pred in preds.items():
        result[name] = {
            half: prf(
                [g for g, r in zip(gold, rows) if r["half"] == half],
                [p for p, r in zip(pred, rows) if r["half"] == half],
                INTENTS,
            )["macro_f1"]
            for half in ("A", "B")
        }
        result[name]["all"] = prf(gold, pred, INTENTS)["macro_f1"]
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
