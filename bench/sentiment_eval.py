"""Sentiment benchmark: the shipped head (+ lexicon blend) on TweetEval and weibo_senti_100k.

    .venv/bin/python bench/sentiment_eval.py            # → bench/results/sentiment.json
    .venv/bin/python bench/sentiment_eval.py --tune     # also search weight/thresholds on
    TweetEval *val*

- TweetEval sentiment *test* (12,284 English tweets; 0 neg, 1 neu, 2 pos): macro-averaged recall
  over the three classes, the official metric. Published: SVM / FastText 62.9, RoBERTa 72.8.
- weibo_senti_100k *test* (11,987 posts, binary): accuracy of the *sign* of the score (score > 0 →
  positive), since the task has no neutral class; also the share of posts the stage would label
  neutral, and the same with Weibo's ``[..]`` emoticons stripped (they produced the labels).
- Teddy Cup 附件3 (4,326 citizen messages, title + body as ``heard ingest --preset teddycup``
  reads them; no labels): the share labelled positive / neutral / negative. They are complaints,
  questions and proposals to a city; the target is ≤ 5 % positive.

Each set is scored as shipped (head + lexicon blend, then the complaint/request rules: see
``heard.stages.sentiment``) and without the rules (``no_rules``), so the rules' effect is visible.

Posts go through the real stages (normalise → langid → tokens → embed); then the scorer is run as
shipped and in two ablations (head only, lexicon only), each with thresholds tuned on TweetEval val.
Nothing here trains the head: both sets are evaluation-only (see ../shared/data/README.md).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "results" / "sentiment.json"
EMOTICON = re.compile(r"\[[^\[\]\s]{1,8}\]")


def macro_recall(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean([(pred[y == c] == c).mean() for c in np.unique(y)]))


def three_way(scores: np.ndarray, negative: float, positive: float) -> np.ndarray:
    return np.where(scores <= negative, 0, np.where(scores >= positive, 2, 1))


def best_thresholds(
    scores: np.ndarray, y: np.ndarray, step: float = 0.025
) -> tuple[float, float, float]:
    """(macro recall, negative, positive) maximising macro recall on (scores, y)."""
    best = (-1.0, 0.0, 0.0)
    grid = np.round(np.arange(-0.9, 0.9 + 1e-9, step), 4)
    for neg in grid:
        for pos in grid[grid > neg]:
            r = macro_recall(y, three_way(scores, neg, pos))
            if r > best[0]:
                best = (r, float(neg), float(pos))
    return best


def enrich(texts: list[str], stages: list, chunk: int = 2048) -> dict[str, list | np.ndarray]:
    """Run the stages up to ``embed`` over ``texts``; return the columns the scorer needs."""
    from heard.pipeline import Batch
    from heard.records import Post

    created = datetime(2020, 1, 1, tzinfo=UTC)
    cols: dict[str, list] = {"text_norm": [], "lang": [], "tokens": [], "embedding": []}
    for start in range(0, len(texts), chunk):
        posts = [Post(id=f"b:{i}", source="b", external_id=str(i), text=t, created_at=created)
                 if isinstance(t, str) else
                 Post(id=f"b:{i}", source="b", external_id=str(i), text=t[1], title=t[0],
                      created_at=created)
                 for i, t in enumerate(texts[start : start + chunk], start)]  # fmt: skip
        batch = Batch(posts)
        for stage in stages:
            batch = stage.process(batch)
        for name in cols:
            cols[name].append(batch[name]) if name == "embedding" else cols[name].extend(
                batch[name]
            )
        print(f"  {min(start + chunk, len(texts))}/{len(texts)}", file=sys.stderr, flush=True)
    return {**cols, "embedding": np.vstack(cols["embedding"])}


def score_parts(scorer, cols) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(head score, lexicon score, shipped score with the rules) per text."""
    from heard.stages.sentiment import lexicon_score

    head = scorer.head.score(cols["embedding"])
    rows = zip(cols["text_norm"], cols["tokens"], cols["lang"])
    lex = np.array([lexicon_score(scorer.lexicon.evidence(t, tok, lang)) for t, tok, lang in rows])
    shipped, _labels, _evidence = scorer.score(
        cols["embedding"], list(cols["text_norm"]), cols["tokens"], cols["lang"]
    )
    return head, lex, np.asarray(shipped)


def teddycup_a3() -> list[tuple[str, str]]:
    """(title, body) of every 附件3 message, whitespace collapsed."""
    import csv

    with (DATA / "teddycup2020_c" / "attachment3_hot_issue_messages.csv").open(
        encoding="utf-8"
    ) as fh:
        return [
            (" ".join(r["留言主题"].split()), " ".join(r["留言详情"].split()))
            for r in csv.DictReader(fh)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tune", action="store_true", help="search lexicon weight + thresholds on TweetEval val"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="first N rows of each set (smoke runs)"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--embedder", default="use-int8", help="'use-int8' (Heard's default) or 'use' (float32)"
    )
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"needs the shared datasets at {DATA}")

    from heard.models import make_embedder
    from heard.stages import EmbedStage, LangIdStage, NormaliseStage, SentimentScorer, TokensStage

    scorer = SentimentScorer()
    embedder = make_embedder(args.embedder)
    stages = [NormaliseStage(), LangIdStage(), TokensStage(), EmbedStage(embedder)]

    def lines(path: Path) -> list[str]:
        return path.read_text(encoding="utf-8").splitlines()[: args.limit]

    tw = DATA / "tweeteval" / "datasets" / "sentiment"
    sets = {
        "tweeteval_val": (
            lines(tw / "val_text.txt"),
            np.array([int(x) for x in lines(tw / "val_labels.txt")]),
        ),
        "tweeteval_test": (
            lines(tw / "test_text.txt"),
            np.array([int(x) for x in lines(tw / "test_labels.txt")]),
        ),
    }
    weibo = [row.split("\t", 1) for row in lines(DATA / "weibo_senti_100k" / "test.tsv")]
    weibo_y = np.array([int(label) for label, _ in weibo])
    sets["weibo_test"] = ([text for _, text in weibo], weibo_y)
    sets["weibo_test_no_emoticons"] = ([EMOTICON.sub("", text) for _, text in weibo], weibo_y)
    a3 = teddycup_a3()[: args.limit]
    sets["teddycup_a3"] = (a3, np.zeros(len(a3), dtype=np.int64))

    parts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    timings: dict[str, float] = {}
    for name, (texts, _y) in sets.items():
        print(f"{name}: {len(texts)} texts", file=sys.stderr)
        t0 = time.perf_counter()
        cols = enrich(texts, stages)
        parts[name] = score_parts(scorer, cols)
        timings[name] = round(time.perf_counter() - t0, 1)

    w = scorer.weight
    neg, pos = scorer.head.negative_at_or_below, scorer.head.positive_at_or_above

    def blend(name: str, weight: float) -> np.ndarray:
        head, lex, _shipped = parts[name]
        return np.clip((1 - weight) * head + weight * lex, -1, 1)

    def shipped(name: str) -> np.ndarray:
        return parts[name][2]

    val_y, test_y = sets["tweeteval_val"][1], sets["tweeteval_test"][1]
    result: dict = {
        "model": scorer.head.name,
        "embedder": embedder.name,
        "lexicon": scorer.lexicon.name,
        "lexicon_weight": w,
        "thresholds": scorer.head.thresholds,
        "command": "python bench/sentiment_eval.py" + (" --tune" if args.tune else ""),
        "tweeteval_test": {
            "rows": int(len(test_y)),
            "macro_recall": round(
                macro_recall(test_y, three_way(shipped("tweeteval_test"), neg, pos)), 4
            ),
            "per_class_recall": {
                label: round(
                    float(
                        (three_way(shipped("tweeteval_test"), neg, pos)[test_y == c] == c).mean()
                    ),
                    4,
                )
                for c, label in enumerate(("negative", "neutral", "positive"))
            },
            "no_rules_macro_recall": round(
                macro_recall(test_y, three_way(blend("tweeteval_test", w), neg, pos)), 4
            ),
            "published": {"SVM": 0.629, "FastText": 0.629, "RoBERTa-retrained": 0.728},
        },
        "tweeteval_val_macro_recall": round(
            macro_recall(val_y, three_way(shipped("tweeteval_val"), neg, pos)), 4
        ),
        "ablations_tweeteval_test (thresholds re-tuned on val for each)": {},
        "seconds": timings,
    }
    for label, weight in (("head_only", 0.0), ("lexicon_only", 1.0)):
        _r, n2, p2 = best_thresholds(blend("tweeteval_val", weight), val_y)
        result["ablations_tweeteval_test (thresholds re-tuned on val for each)"][label] = {
            "macro_recall": round(
                macro_recall(test_y, three_way(blend("tweeteval_test", weight), n2, p2)), 4
            ),
            "thresholds": [n2, p2],
        }
    for name in ("weibo_test", "weibo_test_no_emoticons"):
        scores, y = shipped(name), sets[name][1]
        head, lex, _ = parts[name]
        labels = three_way(scores, neg, pos)
        result[name] = {
            "rows": int(len(y)),
            "accuracy_sign_of_score": round(float(((scores > 0) == (y == 1)).mean()), 4),
            "no_rules_accuracy_sign": round(float(((blend(name, w) > 0) == (y == 1)).mean()), 4),
            "accuracy_labels_neutral_counts_wrong": round(float((labels == 2 * y).mean()), 4),
            "neutral_share": round(float((labels == 1).mean()), 4),
            "head_only_accuracy_sign": round(float(((head > 0) == (y == 1)).mean()), 4),
            "lexicon_only_accuracy_sign": round(float(((lex > 0) == (y == 1)).mean()), 4),
        }
    result["weibo_test"]["published"] = {"ERNIE fine-tuned": 0.98}

    def shares(scores: np.ndarray) -> dict[str, float]:
        labels = three_way(scores, neg, pos)
        return {
            k: round(float((labels == c).mean()), 4)
            for c, k in enumerate(("negative", "neutral", "positive"))
        }

    result["teddycup_a3"] = {
        "rows": len(sets["teddycup_a3"][0]),
        "label_shares": shares(shipped("teddycup_a3")),
        "no_rules_label_shares": shares(blend("teddycup_a3", w)),
        "target": "positive <= 0.05",
    }
    if args.tune:
        tuning = []
        for weight in np.round(np.arange(0.0, 1.0001, 0.1), 2):
            r, n2, p2 = best_thresholds(blend("tweeteval_val", float(weight)), val_y)
            tuning.append(
                {
                    "lexicon_weight": float(weight),
                    "val_macro_recall": round(r, 4),
                    "thresholds": [n2, p2],
                }
            )
        result["tuning_on_tweeteval_val"] = tuning
        result["tuning_best"] = max(tuning, key=lambda t: t["val_macro_recall"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
