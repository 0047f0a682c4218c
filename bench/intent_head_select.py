"""Choose the intent head on cross-validation over the written examples and on half A only.

    .venv/bin/python bench/intent_head_select.py          # → bench/results/intent_head_select.json
    .venv/bin/python bench/intent_head_select.py --held-out NAME [NAME …]   # at most 3, once

Every variant is trained only on ``src/heard/models/heads/intent_examples.tsv`` (written for
Heard). Reported for each: 5-fold stratified cross-validation on the examples (2 seeds, macro-F1
over the five intents, pooled predictions; without the prior shift, which moves the head toward
the annotated set's label shares and so only makes sense there), and macro-F1 and accuracy on
half A of the annotated set (trained on all examples). Half B is not scored unless
``--held-out`` names variants (at most 3, for the final candidates): then only aggregate figures
(macro-F1, accuracy, per-class P/R/F1) of B are written, never per-item predictions. Posts go
through the real ``normalise`` and ``embed`` stages.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
OUT = REPO / "bench" / "results" / "intent_head_select.json"

FEATURE_SETS = {
    "embedding": np.zeros(14),
    "embedding+cues": np.r_[np.ones(8), np.zeros(6)],
    "embedding+cues+rule": np.ones(14),
}
"""Which columns of the cue block (``intent_head.CUE_FEATURES``) a variant keeps."""


def variants() -> dict[str, dict]:
    out = {}
    for feats, c, cw, scale, prior in itertools.product(
        FEATURE_SETS, (0.3, 1.0, 3.0), (None, "balanced"), (0.5, 1.0), (0.0, 0.5, 1.0)
    ):
        if feats == "embedding" and scale != 1.0:
            continue
        name = f"{feats}|C={c}|cw={cw or 'none'}|scale={scale}|prior={prior}"
        out[name] = {"features": feats, "c": c, "class_weight": cw, "cue_scale": scale,
                     "prior_strength": prior}  # fmt: skip
    return out


def annotated_inputs(embedder, keep: str) -> tuple[list[dict], np.ndarray, list[np.ndarray]]:
    """Rows of half ``keep`` of the annotated set, their pipeline embeddings and cue blocks."""
    from intent_sentiment_eval import ANNOTATIONS, load_sources

    from heard.models.intent_cues import find_cues
    from heard.models.intent_head import cue_block
    from heard.pipeline import Batch
    from heard.records import Post
    from heard.stages import EmbedStage, NormaliseStage

    with ANNOTATIONS.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["half"] == keep]
    sources = load_sources()
    created = datetime(2020, 1, 1, tzinfo=UTC)
    posts = []
    for n, row in enumerate(rows):
        title, body = sources[row["source"]][row["id"]]
        posts.append(Post(id=f"a:{n}", source="a", external_id=str(n), text=body or title or "",
                          title=title, created_at=created))  # fmt: skip
    batch = EmbedStage(embedder).process(NormaliseStage().process(Batch(posts)))
    cues = [cue_block(find_cues(t), bool(p.title)) for t, p in zip(batch["text_norm"], posts)]
    return rows, np.asarray(batch["embedding"], dtype=np.float64), cues


def main() -> None:
    from intent_sentiment_eval import DATA, INTENTS, prf
    from sklearn.model_selection import StratifiedKFold

    from heard.models import make_embedder
    from heard.models.train_intent import EXAMPLES, fit, load_examples, pipeline_inputs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", nargs="*", default=[], metavar="NAME")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if len(args.held_out) > 3:
        sys.exit("at most 3 candidates are read on the held-out half")
    if not DATA.is_dir():
        sys.exit(f"needs the shared datasets at {DATA}")
    t0 = time.perf_counter()
    embedder = make_embedder("use-int8")
    examples = load_examples(EXAMPLES)
    x_emb, x_cues = pipeline_inputs(examples, embedder)
    y = np.array([e.label for e in examples])
    rows_a, a_emb, a_cues = annotated_inputs(embedder, "A")
    gold_a = [r["intent"] for r in rows_a]
    grid = variants()
    unknown = [n for n in args.held_out if n not in grid]
    if unknown:
        sys.exit(f"unknown variant(s) {unknown}; names are in {args.out.name}")

    def train(spec: dict, idx: np.ndarray, prior: bool = True):
        mask = FEATURE_SETS[spec["features"]]
        return fit(x_emb[idx], [x_cues[i] * mask for i in idx], list(y[idx]), c=spec["c"],
                   cue_scale=spec["cue_scale"], class_weight=spec["class_weight"],
                   prior_strength=spec["prior_strength"] if prior else 0.0)  # fmt: skip

    def predict(head, emb, cues, spec):
        mask = FEATURE_SETS[spec["features"]]
        p = head.probabilities(emb, [c * mask for c in cues])
        return [head.classes[i] for i in p.argmax(1)], p.max(1)

    result: dict = {
        "command": "python bench/intent_head_select.py",
        "examples": len(examples),
        "examples_per_class": {k: int((y == k).sum()) for k in sorted(set(y))},
        "half_A_rows": len(rows_a),
        "variants": {},
    }
    everything = np.arange(len(y))
    cv: dict[tuple, dict] = {}
    for name, spec in grid.items():
        key = (spec["features"], spec["c"], spec["class_weight"], spec["cue_scale"])
        if key not in cv:
            pooled_gold, pooled_pred = [], []
            for seed in (0, 1):
                folds = StratifiedKFold(5, shuffle=True, random_state=seed)
                for tr, te in folds.split(x_emb, y):
                    head = train(spec, tr, prior=False)
                    pred, _ = predict(head, x_emb[te], [x_cues[i] for i in te], spec)
                    pooled_gold += list(y[te])
                    pooled_pred += pred
            cv[key] = prf(pooled_gold, pooled_pred, INTENTS)
        head = train(spec, everything)
        pred_a, _ = predict(head, a_emb, a_cues, spec)
        result["variants"][name] = {
            **spec,
            "cv_macro_f1": cv[key]["macro_f1"],
            "cv_accuracy": cv[key]["accuracy"],
            "A_macro_f1": prf(gold_a, pred_a, INTENTS)["macro_f1"],
            "A_accuracy": prf(gold_a, pred_a, INTENTS)["accuracy"],
        }
        print(name, *(result["variants"][name][k] for k in ("cv_macro_f1", "A_macro_f1",
              "A_accuracy")), flush=True)  # fmt: skip
    ranked = sorted(
        grid, key=lambda n: -(result["variants"][n]["cv_macro_f1"]
                              + result["variants"][n]["A_macro_f1"])
    )  # fmt: skip
    result["ranked_by_cv_plus_A"] = ranked[:10]
    if args.held_out:
        rows_b, b_emb, b_cues = annotated_inputs(embedder, "B")
        gold_b = [r["intent"] for r in rows_b]
        result["held_out_B"] = {}
        for name in args.held_out:
            spec = grid[name]
            pred_b, _ = predict(train(spec, everything), b_emb, b_cues, spec)
            result["held_out_B"][name] = prf(gold_b, pred_b, INTENTS)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "variants"}, indent=2))


if __name__ == "__main__":
    main()
