"""Intent and sentiment on Heard's own annotated set (bench/annotations/intent_sentiment.csv).

    .venv/bin/python bench/intent_sentiment_eval.py          # → bench/results/intent_sentiment.json
    .venv/bin/python bench/intent_sentiment_eval.py --sample # reselect the 500 rows
    (source,id,selection)
    .venv/bin/python bench/intent_sentiment_eval.py --blind-v2 [--first-read]
    # sentiment on the blind set v2 (bench/annotations/sentiment_blind_v2.jsonl, texts written
    # for Heard) → bench/results/sentiment_blind_v2.json; lists half A's errors only

The CSV holds only ``source, id`` and labels (guide: docs/listen/intent_annotation_guide.md); texts
are read here from ``../shared/data`` by id. Posts go through the real stages (normalise → langid →
tokens → embed → sentiment → intent). Reported per half: ``A`` (where rule changes after reading
errors were allowed) and ``B`` (held out), and per language.

- intent: macro-F1 over the five intents (complaint, suggestion, question, praise,
  incident_report; ``other`` counts as a wrong answer for them and is scored beside), accuracy,
  per-class precision/recall/F1 and the confusion matrix;
- sentiment: accuracy, macro-F1 and per-class precision/recall/F1 of the shipped stage, and of the
  same scorer without the complaint/request rules (``blended_score``), for comparison.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
ANNOTATIONS = REPO / "bench" / "annotations" / "intent_sentiment.csv"
BLIND_V2 = REPO / "bench" / "annotations" / "sentiment_blind_v2.jsonl"
OUT = REPO / "bench" / "results" / "intent_sentiment.json"
INTENTS = ("complaint", "suggestion", "question", "praise", "incident_report")
SENTIMENTS = ("negative", "neutral", "positive")
SEED = 20261204
CIVIC = re.compile(
    r"\b(city|council|road|roads|traffic|police|cops|water|school|schools|government|gov|bus|"
    r"buses|train|subway|tax|taxes|hospital|power|trash|street|mayor|governor|congress|senator|"
    r"flood|fire|bridge|park|airport|healthcare|obamacare|immigration|refugees|nhs|metro|transit|"
    r"delay|delayed|outage)\b",
    re.I,
)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def load_sources() -> dict[str, dict[str, tuple[str | None, str]]]:
    """``source → id → (title, text)`` for every source the annotations name."""
    teddy = DATA / "teddycup2020_c"
    out: dict[str, dict[str, tuple[str | None, str]]] = {}
    for name, file in (
        ("teddycup_a3", "attachment3_hot_issue_messages.csv"),
        ("teddycup_a4", "attachment4_messages_with_official_replies.csv"),
    ):
        with (teddy / file).open(encoding="utf-8") as fh:
            out[name] = {
                r["留言编号"]: (_clean(r["留言主题"]), _clean(r["留言详情"]))
                for r in csv.DictReader(fh)
            }
    with (teddy / "messages_titles_labels_all9210.csv").open(encoding="utf-8") as fh:
        out["teddycup_titles"] = {
            str(i): (None, _clean(r["留言主题"])) for i, r in enumerate(csv.DictReader(fh))
        }
    polis = DATA / "polis_open_data" / "american-assembly.bowling-green" / "comments.csv"
    with polis.open(encoding="utf-8") as fh:
        out["polis_bowling_green"] = {
            r["comment-id"]: (None, _clean(r["comment-body"])) for r in csv.DictReader(fh)
        }
    tweets = (
        (DATA / "tweeteval" / "datasets" / "sentiment" / "test_text.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    out["tweeteval_sentiment_test"] = {str(i): (None, _clean(t)) for i, t in enumerate(tweets)}
    return out


def sample_random() -> list[tuple[str, str]]:
    """The 420 randomly drawn rows (guide, "Selection"), in annotation order."""
    rng = random.Random(SEED)
    rows: list[tuple[str, str]] = []
    src = load_sources()
    teddy = DATA / "teddycup2020_c"
    for name, file, n in (
        ("teddycup_a3", "attachment3_hot_issue_messages.csv", 150),
        ("teddycup_a4", "attachment4_messages_with_official_replies.csv", 100),
    ):
        with (teddy / file).open(encoding="utf-8") as fh:
            ids = [r["留言编号"] for r in csv.DictReader(fh)]
        rows += [(name, i) for i in rng.sample(ids, n)]
    rows += [
        ("teddycup_titles", str(i)) for i in rng.sample(range(len(src["teddycup_titles"])), 50)
    ]
    with (DATA / "polis_open_data" / "american-assembly.bowling-green" / "comments.csv").open(
        encoding="utf-8"
    ) as fh:
        polis = [r["comment-id"] for r in csv.DictReader(fh) if r["moderated"] == "1"]
    rows += [("polis_bowling_green", i) for i in rng.sample(polis, 60)]
    tweets = src["tweeteval_sentiment_test"]
    civic = [i for i in range(len(tweets)) if CIVIC.search(tweets[str(i)][1])]
    rows += [("tweeteval_sentiment_test", str(i)) for i in rng.sample(civic, 60)]
    return rows


RETRIEVAL_QUERIES = {
    "zh_praise": (
        "感谢社区和工作人员帮我们解决了问题，表扬他们认真负责，为他们点赞",
        [("titles", 12), ("a3", 8)],
    ),
    "zh_incident": (
        "突发事故：昨晚小区发生火灾，道路塌陷，水管爆裂，有人受伤",
        [("titles", 12), ("a3", 8)],
    ),
    "en_praise": (
        "Thank you to the city crews and police for their great work, well done",
        [("tw", 15)],
    ),
    "en_incident": (
        "Breaking: fire, crash, flooding and power outage reported downtown, people injured",
        [("tw", 15)],
    ),
    "en_question": (
        "Does anyone know when the road will reopen and how to apply for the permit?",
        [("tw", 10)],
    ),
}
"""The 80 retrieved rows: nearest neighbours (cosine, ``use-int8``) of a description of each rare
class, skipping rows already drawn. Titles are embedded as they are; 附件3 messages and tweets as
the pipeline embeds them (``text_norm``)."""


def sample_retrieved(already: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(source, id, query name) of the retrieved rows, in annotation order (slow: embeds ~26k
    texts)."""
    import numpy as np

    from heard.models import make_embedder
    from heard.pipeline import Batch
    from heard.records import Post
    from heard.stages import EmbedStage, NormaliseStage

    embedder = make_embedder("use-int8")
    src = load_sources()
    created = datetime(2020, 1, 1, tzinfo=UTC)

    def pipeline_vectors(texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 2048):
            posts = [
                Post(id=f"r:{i}", source="r", external_id=str(i), text=t, created_at=created)
                for i, t in enumerate(texts[start : start + 2048], start)
            ]
            batch = NormaliseStage().process(Batch(posts))
            out.append(EmbedStage(embedder).process(batch)["embedding"])
        return np.vstack(out)

    titles = [src["teddycup_titles"][str(i)][1] for i in range(len(src["teddycup_titles"]))]
    with (DATA / "teddycup2020_c" / "attachment3_hot_issue_messages.csv").open(
        encoding="utf-8"
    ) as fh:
        a3_rows = list(csv.DictReader(fh))
    a3_texts = [
        r["留言主题"].strip() + "\n" + re.sub(r"\s+", " ", r["留言详情"]).strip() for r in a3_rows
    ]
    tweets = (
        (DATA / "tweeteval" / "datasets" / "sentiment" / "test_text.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    pools = {
        "titles": (
            "teddycup_titles",
            embedder.encode(titles),
            [str(i) for i in range(len(titles))],
        ),
        "a3": ("teddycup_a3", pipeline_vectors(a3_texts), [r["留言编号"] for r in a3_rows]),
        "tw": (
            "tweeteval_sentiment_test",
            pipeline_vectors(tweets),
            [str(i) for i in range(len(tweets))],
        ),
    }
    have = set(already)
    out = []
    for name, (query, draws) in RETRIEVAL_QUERIES.items():
        vector = embedder.encode([query])[0]
        for pool, k in draws:
            source, vectors, ids = pools[pool]
            taken = 0
            for j in np.argsort(-(vectors @ vector)):
                if (source, ids[j]) in have:
                    continue
                have.add((source, ids[j]))
                out.append((source, ids[j], name))
                taken += 1
                if taken >= k:
                    break
    return out


def half(source: str, ident: str) -> str:
    return (
        "A" if int(hashlib.sha256(f"{source}:{ident}".encode()).hexdigest(), 16) % 2 == 0 else "B"
    )


def prf(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> dict:
    """Per-class precision/recall/F1/support, macro-F1 over ``labels`` present in gold, accuracy."""
    per = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred))
        fp = sum(p == label != g for g, p in zip(gold, pred))
        fn = sum(g == label != p for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": tp + fn,
        }
    present = [label for label in labels if per[label]["support"]]
    return {
        "rows": len(gold),
        "macro_f1": round(sum(per[label]["f1"] for label in present) / len(present), 4)
        if present
        else None,
        "macro_over": present,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 4) if gold else None,
        "per_class": per,
    }


def bootstrap_macro_f1(gold: list[str], pred: list[str], n: int = 1000) -> list[float]:
    """95 % percentile interval of the intent macro-F1 over ``n`` resamples of the rows (seeded):
    how much the figure could move with another draw of messages like these."""
    rng = random.Random(SEED)
    scores = []
    for _ in range(n):
        idx = [rng.randrange(len(gold)) for _ in gold]
        f1 = prf([gold[i] for i in idx], [pred[i] for i in idx], INTENTS)["macro_f1"]
        if f1 is not None:
            scores.append(f1)
    scores.sort()
    return [round(scores[int(0.025 * len(scores))], 3), round(scores[int(0.975 * len(scores))], 3)]


def calibration(gold: list[str], pred: list[str], confidence: list[float]) -> dict:
    """Mean confidence beside accuracy, and the expected calibration error over 10 equal-width
    confidence bins (0 = the confidence is the hit rate)."""
    hits = [g == p for g, p in zip(gold, pred)]
    ece = 0.0
    for b in range(10):
        idx = [i for i, c in enumerate(confidence) if min(int(c * 10), 9) == b]
        if idx:
            gap = abs(sum(confidence[i] for i in idx) - sum(hits[i] for i in idx)) / len(idx)
            ece += gap * len(idx) / len(gold)
    return {
        "mean_confidence": round(sum(confidence) / len(confidence), 4),
        "accuracy": round(sum(hits) / len(hits), 4),
        "ece_10_bins": round(ece, 4),
    }


def enrich(rows: list[dict], texts: dict) -> dict[str, list]:
    """Run Heard's stages over the annotated posts; return the columns scored here."""
    return enrich_texts([texts[row["source"]][row["id"]] for row in rows])


def enrich_texts(pairs: list[tuple[str | None, str]]) -> dict[str, list]:
    """Run Heard's stages over ``(title, body)`` pairs; return the columns scored here."""
    from heard.models import make_embedder
    from heard.pipeline import Batch, build_pipeline
    from heard.records import Post
    from heard.stages import EmbedStage, LangIdStage, NormaliseStage, SentimentStage, TokensStage
    from heard.stages.intent import IntentStage

    embedder = make_embedder("use-int8")
    pipeline = build_pipeline(
        [
            NormaliseStage(),
            LangIdStage(),
            TokensStage(),
            EmbedStage(embedder),
            SentimentStage(embedder_name=embedder.name),
            IntentStage(),
        ]
    )
    created = datetime(2020, 1, 1, tzinfo=UTC)
    posts = []
    for n, (title, body) in enumerate(pairs):
        posts.append(
            Post(
                id=f"a:{n}",
                source="a",
                external_id=str(n),
                text=body or title or "",
                title=title,
                created_at=created,
            )
        )
    batch = pipeline.run(Batch(posts))
    return {
        "intent": batch["intent_label"],
        "intent_confidence": batch["intent_confidence"],
        "sentiment": batch["sentiment_label"],
        "blended": [e["blended_score"] for e in batch["sentiment_evidence"]],
        "thresholds": batch["sentiment_evidence"][0]["thresholds"],
        "models": pipeline.models(),
    }


def blind_v2(out: Path) -> dict:
    """Sentiment on the blind set v2: all, halves, languages and kinds; half A's errors only
    (half B is held out: its rows are scored, never listed)."""
    rows = [json.loads(line) for line in BLIND_V2.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        assert row["half"] == half("sentiment_blind_v2", row["id"]), row["id"]
    t0 = time.perf_counter()
    cols = enrich_texts([(None, row["text"]) for row in rows])
    pred = cols["sentiment"]
    result: dict = {
        "command": "python bench/intent_sentiment_eval.py --blind-v2",
        "annotations": str(BLIND_V2.relative_to(REPO)),
        "models": cols["models"],
        "rows": len(rows),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    subsets = {
        "all": lambda r: True,
        "half_A_tuned": lambda r: r["half"] == "A",
        "half_B_held_out": lambda r: r["half"] == "B",
        "zh": lambda r: r["lang"] == "zh",
        "en": lambda r: r["lang"] == "en",
    }
    for name, keep in subsets.items():
        idx = [i for i, r in enumerate(rows) if keep(r)]
        result[name] = prf([rows[i]["sentiment"] for i in idx], [pred[i] for i in idx], SENTIMENTS)
    kinds = sorted({r["kind"] for r in rows})
    result["accuracy_by_kind"] = {
        k: f"{sum(pred[i] == r['sentiment'] for i, r in enumerate(rows) if r['kind'] == k)}"
        f"/{sum(r['kind'] == k for r in rows)}"
        for k in kinds
    }
    result["half_A_errors"] = [
        {"id": r["id"], "kind": r["kind"], "gold": r["sentiment"], "predicted": pred[i]}
        for i, r in enumerate(rows)
        if r["half"] == "A" and pred[i] != r["sentiment"]
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="print the random selection and exit")
    parser.add_argument("--blind-v2", action="store_true", help="sentiment on the blind set v2")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.blind_v2:
        result = blind_v2(args.out or REPO / "bench" / "results" / "sentiment_blind_v2.json")
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    args.out = args.out or OUT
    if not DATA.is_dir():
        sys.exit(f"needs the shared datasets at {DATA}")
    if args.sample:
        drawn = sample_random()
        for source, ident in drawn:
            print(f"{source},{ident},random")
        for source, ident, name in sample_retrieved(drawn):
            print(f"{source},{ident},retrieved:{name}")
        return
    with ANNOTATIONS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    t0 = time.perf_counter()
    cols = enrich(rows, load_sources())
    neg, pos = (
        cols["thresholds"]["negative_at_or_below"],
        cols["thresholds"]["positive_at_or_above"],
    )
    no_rules = [
        "negative" if s <= neg else "positive" if s >= pos else "neutral" for s in cols["blended"]
    ]
    result: dict = {
        "command": "python bench/intent_sentiment_eval.py",
        "annotations": str(ANNOTATIONS.relative_to(REPO)),
        "models": cols["models"],
        "rows": len(rows),
        "gold_counts": {
            "intent": dict(Counter((r["lang"], r["intent"]) for r in rows).most_common()),
            "sentiment": dict(Counter((r["lang"], r["sentiment"]) for r in rows).most_common()),
        },
        "seconds": round(time.perf_counter() - t0, 1),
    }
    result["gold_counts"] = {
        k: {f"{a}:{b}": n for (a, b), n in v.items()} for k, v in result["gold_counts"].items()
    }
    subsets = {
        "all": lambda r: True,
        "half_A_tuned": lambda r: r["half"] == "A",
        "half_B_held_out": lambda r: r["half"] == "B",
        "zh": lambda r: r["lang"] == "zh",
        "en": lambda r: r["lang"] == "en",
        "random_rows_only": lambda r: r["selection"] == "random",
    }
    for name, keep in subsets.items():
        idx = [i for i, r in enumerate(rows) if keep(r)]
        gold_i = [rows[i]["intent"] for i in idx]
        pred_i = [cols["intent"][i] for i in idx]
        gold_s = [rows[i]["sentiment"] for i in idx]
        result[name] = {
            "intent": prf(gold_i, pred_i, INTENTS),
            "intent_with_other_as_class": prf(gold_i, pred_i, (*INTENTS, "other"))["macro_f1"],
            "intent_macro_f1_ci95": bootstrap_macro_f1(gold_i, pred_i),
            "intent_confidence": calibration(
                gold_i, pred_i, [cols["intent_confidence"][i] for i in idx]
            ),
            "sentiment": prf(gold_s, [cols["sentiment"][i] for i in idx], SENTIMENTS),
            "sentiment_without_rules": prf(gold_s, [no_rules[i] for i in idx], SENTIMENTS),
        }
    labels = (*INTENTS, "other")
    result["intent_confusion_all (gold → predicted)"] = {
        g: {
            p: n
            for p in labels
            if (n := sum(1 for r, q in zip(rows, cols["intent"]) if r["intent"] == g and q == p))
        }
        for g in labels
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
