"""COLD candidates of 2026-12-07: NB-LR parts and sentence-vector models, stacked; chosen on dev.

    PYTHONPATH=src .venv/bin/python bench/cold_candidates.py [--cache /tmp/cold-cache]
    # → bench/results/cold_candidates.json; 20–40 min on 2 shared cores

Bases (each gives a logit; NB-LR as in ``heard.protect.train``): ``char13_18`` (the v1 head's
recipe: char 1–3-grams, 2^18, C 30), ``char13_19`` (2^19), ``char15_20`` (char 1–5, 2^20),
``word12_19`` (rjieba words, every token, 1–2-grams, 2^19, C 30), ``use_lr`` / ``use_mlp``
(logistic regression C 1 / one hidden layer of 256 on the pipeline's ``use-int8`` vectors) and
``use_knn`` (cosine 30-nearest neighbours on them). A stacker (logistic regression, C 1) is fitted
on 5-fold out-of-fold logits of train; every combination is scored on dev.

The test split is NOT read here unless ``--read-test NAME`` names candidates fixed beforehand:
then their bases are refitted on train+dev (stacker on train+dev out-of-fold logits) and
scored on test. The 2026-12-07 session read ``A`` (that is the shipped v2; its figure comes
from ``python -m heard.protect.train cold``), ``B`` and ``C`` (the best dev stack) only. The
sentence vectors are cached under ``--cache`` (not in the repo).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "src"))

from heard.protect.heads import segment  # noqa: E402
from heard.protect.train import SEED, NbLr, read_cold  # noqa: E402

CANDIDATES = {
    "A": ["char13_19", "word12_19"],
    "B": ["char13_19", "word12_19", "use_lr", "use_mlp"],
    "C": ["char13_18", "char13_19", "char15_20", "word12_19", "use_lr", "use_mlp"],
}
WORD = {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**19, "token_pattern": r"(?u)\S+"}
SPECS = {
    "char13_18": ({"analyzer": "char", "ngram_range": [1, 3], "n_features": 2**18}, "text"),
    "char13_19": ({"analyzer": "char", "ngram_range": [1, 3], "n_features": 2**19}, "text"),
    "char15_20": ({"analyzer": "char", "ngram_range": [1, 5], "n_features": 2**20}, "text"),
    "word12_19": (WORD, "words"),
}


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def fit_predict(name: str, xa, ya: np.ndarray, xb) -> np.ndarray:
    """Logits on ``xb`` of base ``name`` fitted on (``xa``, ``ya``)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if name in SPECS:
        return NbLr(SPECS[name][0], 30.0).fit(xa, ya).logit(xb)
    if name == "use_knn":
        na = xa / np.linalg.norm(xa, axis=1, keepdims=True)
        nb = xb / np.linalg.norm(xb, axis=1, keepdims=True)
        out = np.zeros(len(xb))
        for i in range(0, len(xb), 1000):
            s = nb[i : i + 1000] @ na.T
            idx = np.argpartition(-s, 30, axis=1)[:, :30]
            w = np.exp(10 * np.take_along_axis(s, idx, 1))
            out[i : i + 1000] = (w * ya[idx]).sum(1) / w.sum(1)
        return logit(np.clip(out, 0.02, 0.98))
    model = (
        MLPClassifier((256,), alpha=1e-3, early_stopping=True, random_state=SEED, max_iter=200)
        if name == "use_mlp"
        else LogisticRegression(C=1.0, max_iter=3000)
    )
    return logit(model.fit(xa, ya).predict_proba(xb)[:, 1])


def take(x, idx):
    return [x[i] for i in idx] if isinstance(x, list) else x[idx]


def oof_and_fit(name: str, x, y: np.ndarray, xe) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros(len(y))
    for a, b in StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y):
        oof[b] = fit_predict(name, take(x, a), y[a], take(x, b))
    return oof, fit_predict(name, x, y, xe)


def acc(z: np.ndarray, y: np.ndarray) -> float:
    return round(float(((z > 0) == y).mean()), 4)


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/cold-cache"))
    parser.add_argument("--read-test", nargs="*", default=[], choices=sorted(CANDIDATES))
    args = parser.parse_args()
    data = read_cold(DATA / "cold")
    splits = ("train", "dev", "test") if args.read_test else ("train", "dev")
    y = {s: data[s][1] for s in splits}
    args.cache.mkdir(parents=True, exist_ok=True)
    vectors = {}
    for s in splits:
        path = args.cache / f"{s}_use.npy"
        if not path.is_file():
            from heard.models import make_embedder

            emb, t = make_embedder("use-int8", threads=1), data[s][0]
            np.save(path, np.vstack([emb.encode(t[i : i + 256]) for i in range(0, len(t), 256)]))
        vectors[s] = np.load(path)
    inputs = {
        "text": {s: data[s][0] for s in splits},
        "words": {s: segment(data[s][0]) for s in splits},
        "use": vectors,
    }
    names = [*SPECS, "use_lr", "use_mlp", "use_knn"]
    base, t0 = {}, time.time()
    for n in names:
        x = inputs[SPECS[n][1] if n in SPECS else "use"]
        base[n] = oof_and_fit(n, x["train"], y["train"], x["dev"])
        print(n, "dev", acc(base[n][1], y["dev"]), f"{time.time() - t0:.0f} s", flush=True)
    result: dict = {"seed": SEED, "base_dev": {n: acc(b[1], y["dev"]) for n, b in base.items()}}
    stacks = {}
    for k in range(2, len(names) + 1):
        for combo in itertools.combinations(names, k):
            o = np.column_stack([base[n][0] for n in combo])
            stacker = LogisticRegression(C=1.0).fit(o, y["train"])
            d = np.column_stack([base[n][1] for n in combo])
            stacks["+".join(combo)] = acc(stacker.decision_function(d), y["dev"])
    result["stack_dev"] = dict(sorted(stacks.items(), key=lambda kv: -kv[1]))
    result["candidates_dev"] = {c: stacks["+".join(ns)] for c, ns in CANDIDATES.items()}
    print(json.dumps(dict(list(result["stack_dev"].items())[:10])), flush=True)
    for c in args.read_test:
        ytd = np.concatenate([y["train"], y["dev"]])
        cols = []
        for n in CANDIDATES[c]:
            x = inputs[SPECS[n][1] if n in SPECS else "use"]
            xtd = x["train"] + x["dev"] if n in SPECS else np.vstack([x["train"], x["dev"]])
            cols.append(oof_and_fit(n, xtd, ytd, x["test"]))
        stacker = LogisticRegression(C=1.0).fit(np.column_stack([o for o, _ in cols]), ytd)
        z = stacker.decision_function(np.column_stack([t for _, t in cols]))
        result.setdefault("test_read", {})[c] = acc(z, y["test"])
    out = REPO / "bench" / "results" / "cold_candidates.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["candidates_dev"]), json.dumps(result.get("test_read")))


if __name__ == "__main__":
    main()
