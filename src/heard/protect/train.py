"""Train the protect heads from licensed data.

    python -m heard.protect.train cold|sms_spam|all --data DIR

* ``cold`` — COLD (Deng et al. 2022, Apache-2.0): Chinese offensive language. Two parts —
  character 1–3-grams and rjieba word 1–2-grams, 2^19 columns each — with C chosen per part on
  ``dev.csv`` (fitted on ``train.csv``); then both refitted on train+dev and stacked by a logistic
  regression on their 5-fold out-of-fold logits, folded into one linear head. Accuracy reported
  on ``test.csv``.
* ``sms_spam`` — SMS Spam Collection v.1 (Almeida et al. 2011, free for all purposes): English
  SMS spam. No official split: a stratified 80/20 split with a fixed seed; C chosen by 5-fold
  cross-validation on the 80 %, accuracy reported on the 20 % the model never saw.

Each part: n-grams hashed (``sms_spam``: characters, 2^18 columns), sublinear TF-IDF,
naive-Bayes log-count ratios, logistic regression (NB-LR). The result is ``heads/NAME.npz`` +
``heads/NAME.json``; the model card quotes the JSON's figures. Same data, same seed → same files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import InputError
from heard.protect.heads import (
    HEADS_DIR,
    HeadPart,
    TextHead,
    make_vectorizer,
    save_head,
    segment,
    tfidf_rows,
)

SEED = 20261204
C_GRID = (1.0, 3.0, 10.0, 30.0)

VECTORIZERS = {
    "cold": {"analyzer": "char", "ngram_range": [1, 3], "n_features": 2**19, "lowercase": True},
    "sms_spam": {
        "analyzer": "char_wb",
        "ngram_range": [1, 4],
        "n_features": 2**18,
        "lowercase": True,
    },
}
WORD_PARTS: dict[str, dict[str, Any]] = {
    "cold": {
        "analyzer": "word",
        "ngram_range": [1, 2],
        "n_features": 2**19,
        "lowercase": True,
        "token_pattern": r"(?u)\S+",
    },
}
"""A head named here gets a second part over its rjieba words (``heads.segment``); every token
counts, single characters too (sklearn's default pattern would drop 人, 狗, 滚)."""
VERSIONS = {"cold": "2", "sms_spam": "1"}


def read_cold(folder: Path) -> dict[str, tuple[list[str], np.ndarray]]:
    out = {}
    for split in ("train", "dev", "test"):
        path = folder / f"{split}.csv"
        if not path.is_file():
            raise InputError(
                f"no COLD file at {path}", "pass --data pointing at shared/data (it holds cold/)"
            )
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        out[split] = ([r["TEXT"] for r in rows], np.array([int(r["label"]) for r in rows]))
    return out


def read_sms(folder: Path) -> dict[str, tuple[list[str], np.ndarray]]:
    from sklearn.model_selection import train_test_split

    path = folder / "SMSSpamCollection.tsv"
    if not path.is_file():
        raise InputError(f"no SMS Spam Collection at {path}", "pass --data pointing at shared/data")
    rows = [
        line.rstrip("\n").split("\t", 1) for line in path.open(encoding="utf-8") if "\t" in line
    ]
    texts = [t for _, t in rows]
    labels = np.array([1 if lab == "spam" else 0 for lab, _ in rows])
    xtr, xte, ytr, yte = train_test_split(
        texts, labels, test_size=0.2, random_state=SEED, stratify=labels
    )
    return {"train": (xtr, ytr), "test": (xte, yte)}


class NbLr:
    """TF-IDF → NB log-count ratio → logistic regression, foldable into one weight vector."""

    def __init__(self, spec: dict[str, Any], c: float):
        self.spec, self.c = spec, c

    def fit(self, texts: list[str], y: np.ndarray) -> NbLr:
        from sklearn.linear_model import LogisticRegression

        counts = make_vectorizer(self.spec).transform(texts)
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        x = tfidf_rows(counts, self.idf)
        present = (x > 0).astype(np.float64)
        p = np.asarray(present[y == 1].sum(0)).ravel() + 1.0
        q = np.asarray(present[y == 0].sum(0)).ravel() + 1.0
        self.r = np.log((p / p.sum()) / (q / q.sum()))
        model = LogisticRegression(C=self.c, max_iter=5000, random_state=SEED)
        model.fit(x.multiply(self.r.reshape(1, -1)).tocsr(), y)
        self.weights = model.coef_.ravel() * self.r
        self.bias = float(model.intercept_[0])
        return self

    def logit(self, texts: list[str]) -> np.ndarray:
        x = tfidf_rows(make_vectorizer(self.spec).transform(texts), self.idf)
        return np.asarray(x @ self.weights).ravel() + self.bias

    def proba(self, texts: list[str]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(texts)))


def accuracy(p: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> float:
    return float(((p >= threshold).astype(int) == y).mean())


def choose_c(
    name: str, data: dict[str, tuple[list[str], np.ndarray]], spec: dict[str, Any] | None = None
) -> tuple[float, dict[str, float]]:
    spec = spec or VECTORIZERS[name]
    scores: dict[str, float] = {}
    xtr, ytr = data["train"]
    if "dev" in data:
        xdv, ydv = data["dev"]
        for c in C_GRID:
            scores[str(c)] = accuracy(NbLr(spec, c).fit(xtr, ytr).proba(xdv), ydv)
    else:
        from sklearn.model_selection import StratifiedKFold

        folds = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(xtr, ytr))
        for c in C_GRID:
            accs = []
            for a, b in folds:
                m = NbLr(spec, c).fit([xtr[i] for i in a], ytr[a])
                accs.append(accuracy(m.proba([xtr[i] for i in b]), ytr[b]))
            scores[str(c)] = float(np.mean(accs))
    best = max(C_GRID, key=lambda c: scores[str(c)])
    return best, scores


def train(name: str, data_dir: Path, out_dir: Path = HEADS_DIR) -> dict[str, Any]:
    if name == "cold":
        data, source = (
            read_cold(data_dir / "cold"),
            {
                "dataset": "COLD (Deng et al., EMNLP 2022), thu-coai/COLDataset",
                "license": "Apache-2.0",
                "train": "train.csv",
                "selection": "dev.csv",
                "test": "test.csv",
            },
        )
    elif name == "sms_spam":
        data, source = (
            read_sms(data_dir / "sms_spam_collection"),
            {
                "dataset": "SMS Spam Collection v.1 (Almeida, Gómez Hidalgo & Yamakami 2011)",
                "license": "free for all purposes (UCI: CC BY 4.0)",
                "split": f"stratified 80/20, random_state={SEED}; C by 5-fold CV on the 80 %",
            },
        )
    else:
        raise InputError(f"unknown head {name!r}", "train 'cold' or 'sms_spam'")
    if name in WORD_PARTS:
        return train_stacked(name, data, source, out_dir)
    c, selection = choose_c(name, data)
    xtr, ytr = data["train"]
    model = NbLr(VECTORIZERS[name], c).fit(xtr, ytr)
    xte, yte = data["test"]
    metrics = test_metrics(model.proba(xte), yte) | {
        "train_rows": int(len(ytr)),
        "selection_accuracy_by_C": {k: round(v, 4) for k, v in selection.items()},
        "C": c,
    }
    meta = {
        "version": VERSIONS[name],
        "threshold": 0.5,
        "method": "hashed char n-grams, sublinear TF-IDF, NB log-count ratio, LogisticRegression",
        "vectorizer": VECTORIZERS[name],
        "seed": SEED,
        "training_data": source,
        "metrics": metrics,
        "sklearn": __import__("sklearn").__version__,
    }
    save_head(out_dir, name, meta, model.idf, model.weights, model.bias)
    return meta


def test_metrics(p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    pred = (p >= 0.5).astype(int)
    return {
        "test_accuracy": round(accuracy(p, y), 4),
        "test_rows": int(len(y)),
        "test_precision": round(float(y[pred == 1].mean()), 4),
        "test_recall": round(float(pred[y == 1].mean()), 4),
    }


def train_stacked(
    name: str, data: dict[str, tuple[list[str], np.ndarray]], source: dict, out_dir: Path
) -> dict[str, Any]:
    """Char part + word part: C per part on dev, then both refitted on train+dev and weighted by
    a logistic regression on their 5-fold out-of-fold logits; the weights fold into the arrays."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    specs = [VECTORIZERS[name], WORD_PARTS[name]]
    inputs = {s: (data[s][0], segment(data[s][0])) for s in ("train", "dev", "test")}
    selection, cs = {}, []
    for j, part in enumerate(("char", "word")):
        split = {s: (inputs[s][j], data[s][1]) for s in ("train", "dev")}
        c, scores = choose_c(name, split, specs[j])
        cs.append(c)
        selection[part] = {k: round(v, 4) for k, v in scores.items()}
    texts = [inputs["train"][j] + inputs["dev"][j] for j in range(2)]
    y = np.concatenate([data["train"][1], data["dev"][1]])
    oof = np.zeros((len(y), 2))
    for a, b in StratifiedKFold(5, shuffle=True, random_state=SEED).split(oof, y):
        for j in range(2):
            fold = NbLr(specs[j], cs[j]).fit([texts[j][i] for i in a], y[a])
            oof[b, j] = fold.logit([texts[j][i] for i in b])
    stacker = LogisticRegression(C=1.0).fit(oof, y)
    coef = stacker.coef_.ravel()
    char, word = (NbLr(specs[j], cs[j]).fit(texts[j], y) for j in range(2))
    bias = float(coef[0] * char.bias + coef[1] * word.bias + stacker.intercept_[0])
    meta: dict[str, Any] = {
        "version": VERSIONS[name],
        "threshold": 0.5,
        "method": "stack of two NB-LR parts (hashed char 1-3-grams; rjieba word 1-2-grams), "
        "sublinear TF-IDF, NB log-count ratio, LogisticRegression; stacker weights folded in",
        "vectorizer": specs[0],
        "parts": [{"name": "word", "input": "rjieba words", "vectorizer": specs[1]}],
        "seed": SEED,
        "training_data": dict(source, train="train.csv + dev.csv (after selection on dev)"),
        "sklearn": __import__("sklearn").__version__,
    }
    f16 = lambda a: a.astype(np.float16).astype(np.float64)  # noqa: E731 (as shipped)
    word_weights = word.weights * coef[1]
    head = TextHead(
        name,
        meta["version"],
        0.5,
        meta,
        f16(char.idf),
        f16(char.weights * coef[0]),
        bias,
        (HeadPart("word", specs[1], f16(word.idf), f16(word_weights)),),
    )
    meta["metrics"] = test_metrics(head.proba(data["test"][0]), data["test"][1]) | {
        "train_rows": int(len(y)),
        "selection_accuracy_by_C": selection,
        "C": {"char": cs[0], "word": cs[1]},
        "stack_weights": [round(float(c), 4) for c in coef],
        "oof_accuracy": round(float(((stacker.decision_function(oof) > 0) == y).mean()), 4),
    }
    save_head(
        out_dir,
        name,
        meta,
        char.idf,
        char.weights * coef[0],
        bias,
        parts={"word": (word.idf, word_weights)},
    )
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m heard.protect.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument("head", choices=["cold", "sms_spam", "all"])
    parser.add_argument(
        "--data",
        type=Path,
        required=True,
        help="the shared data folder (holds cold/, sms_spam_collection/)",
    )
    parser.add_argument("--out", type=Path, default=HEADS_DIR)
    args = parser.parse_args(argv)
    try:
        for name in ["cold", "sms_spam"] if args.head == "all" else [args.head]:
            meta = train(name, args.data, args.out)
            print(json.dumps({"head": name, **meta["metrics"]}, ensure_ascii=False))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
