"""Reply quality on Teddy Cup 附件4: the scorer against hand annotations, beside two baselines.

    PYTHONPATH=src python bench/reply_quality_eval.py
    # writes bench/results/reply_quality_eval.json

Per dimension (relevance, completeness, interpretability), on the 300 annotated replies
(bench/annotations/reply_quality_a.csv; guide: docs/answer/reply_annotation_guide.md):

* Spearman between the 0–1 score and the 0/1/2 label, and AUC for "good" (label 2) vs not and
  for "any" (label ≥ 1) vs 0 — for the scorer, for reply length alone, and for message–reply
  embedding similarity alone (the two baselines a quality score has to beat);
* the same within reply-length thirds (AUC averaged over the thirds, weighted by size): a score
  that only restates length has no power left once length is held fixed;
* Spearman of each score with reply length;
* split halves: the label cut-offs of ``ReplyQualityConfig`` were set looking at the first half of
  the sample (``tune``); the second half (``held_out``) was not used for any choice;
* Cohen's κ between annotation passes A and B on their shared ids (intra-annotator, see the guide);
* response times of all 2,816 messages via ``heard.answer.response_times`` and, independently,
  straight from the CSV with the standard library, so the two can be compared.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, roc_auc_score

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from heard.answer.replies import ReplyQualityConfig, ReplyToScore, score_replies  # noqa: E402
from heard.answer.response_times import (  # noqa: E402
    board_messages_from_rows,
    parse_board_time,
    response_time_stats,
)

DATA = (
    REPO.parent
    / "shared"
    / "data"
    / "teddycup2020_c"
    / "attachment4_messages_with_official_replies.csv"
)
ANNOTATIONS = REPO / "bench" / "annotations"
OUT = REPO / "bench" / "results" / "reply_quality_eval.json"
DIMS = ("relevance", "completeness", "interpretability")


def load_labels(path: Path) -> dict[str, dict[str, int]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["留言编号"]: {d: int(r[d]) for d in DIMS} for r in csv.DictReader(fh)}


def auc(labels: np.ndarray, scores: np.ndarray, positive) -> float | None:
    y = positive(labels)
    if y.all() or not y.any():
        return None
    return float(roc_auc_score(y, scores))


def rho(a: np.ndarray, b: np.ndarray) -> float | None:
    if np.all(a == a[0]) or np.all(b == b[0]):
        return None
    return float(spearmanr(a, b).statistic)


def within_length_auc(labels, scores, lengths, positive, bands: int = 3) -> float | None:
    """AUC inside each length band, averaged weighted by the band's size (bands without both
    classes are skipped): how well a score ranks replies of about the same length."""
    order = np.argsort(lengths, kind="stable")
    total, weight = 0.0, 0
    for idx in np.array_split(order, bands):
        a = auc(labels[idx], scores[idx], positive)
        if a is not None:
            total += a * len(idx)
            weight += len(idx)
    return total / weight if weight else None


def metrics(labels, scores, lengths) -> dict[str, float | None]:
    good = lambda y: y == 2  # noqa: E731
    some = lambda y: y >= 1  # noqa: E731
    r = {
        "spearman": rho(scores, labels),
        "auc_good": auc(labels, scores, good),
        "auc_any": auc(labels, scores, some),
        "auc_good_within_length_thirds": within_length_auc(labels, scores, lengths, good),
        "auc_any_within_length_thirds": within_length_auc(labels, scores, lengths, some),
    }
    return {k: (None if v is None else round(v, 4)) for k, v in r.items()}


def label_agreement(labels, predicted) -> dict[str, float]:
    return {
        "exact": round(float(np.mean(labels == predicted)), 4),
        "kappa_quadratic": round(
            float(cohen_kappa_score(labels, predicted, weights="quadratic")), 4
        ),
    }


def kappa_between_passes(a: dict, b: dict) -> dict[str, object]:
    shared = sorted(set(a) & set(b), key=int)
    out: dict[str, object] = {"shared_ids": len(shared)}
    for d in DIMS:
        x = [a[i][d] for i in shared]
        y = [b[i][d] for i in shared]
        out[d] = {
            "cohen_kappa": round(float(cohen_kappa_score(x, y)), 4),
            "cohen_kappa_quadratic": round(float(cohen_kappa_score(x, y, weights="quadratic")), 4),
            "exact_agreement": round(float(np.mean(np.array(x) == np.array(y))), 4),
        }
    return out


def direct_response_times(rows: list[dict[str, str]]) -> dict[str, object]:
    """The same figures with no Heard code: strptime on the two formats, statistics.median and a
    hand-written PERCENTILE.INC, so `heard accountability` can be checked against this."""
    days = []
    for r in rows:

        def parse(s: str) -> datetime:
            s = s.strip().replace("-", "/")
            return (
                datetime.strptime(s, "%Y/%m/%d %H:%M:%S")
                if ":" in s
                else datetime.strptime(s, "%Y/%m/%d")
            )

        days.append((parse(r["答复时间"]) - parse(r["留言时间"])).total_seconds() / 86400)
    valid = sorted(d for d in days if d >= 0)
    k = (len(valid) - 1) * 0.9
    lo, hi = math.floor(k), math.ceil(k)
    p90 = valid[lo] + (valid[hi] - valid[lo]) * (k - lo)
    return {
        "messages": len(days),
        "negative_excluded": len(days) - len(valid),
        "median_days": round(statistics.median(valid), 4),
        "p90_days": round(p90, 4),
    }


def ablations(items, scored, ids, labels, lengths, halves, embedder) -> dict[str, object]:
    """Parts of the scorer on their own (reported after the fact, not used to choose anything):
    relevance and completeness without the embedder, relevance as the message–substance cosine
    alone (0 for a form letter, no hand-off factor), and completeness with asks matched by cosine
    alone (``ask_match_by="cosine"``, the second candidate read on the held-out half)."""
    lexical = score_replies(items)
    by_cosine = score_replies(
        items, embedder=embedder, config=ReplyQualityConfig(ask_match_by="cosine")
    )
    variants = {
        "relevance_lexical_only": ("relevance", [q.relevance.score for q in lexical]),
        "relevance_substance_cosine_only": (
            "relevance",
            [
                0.0
                if q.relevance.evidence.get("form_letter")
                else q.relevance.evidence["similarity"]
                for q in scored
            ],
        ),
        "completeness_lexical_only": ("completeness", [q.completeness.score for q in lexical]),
        "completeness_ask_match_by_cosine": (
            "completeness",
            [q.completeness.score for q in by_cosine],
        ),
    }
    out: dict[str, object] = {}
    for name, (d, values) in variants.items():
        y = np.array([labels[i][d] for i in ids])
        s = np.array(values, dtype=float)
        out[name] = {h: metrics(y[p], s[p], lengths[p]) for h, p in halves.items()}
        out[name]["spearman_with_length"] = round(rho(s, lengths) or 0.0, 4)
    return out


def main() -> None:
    with open(DATA, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["留言编号"]: r for r in rows}
    labels_a = load_labels(ANNOTATIONS / "reply_quality_a.csv")
    ids = list(labels_a)  # sample order: the first half tuned the cut-offs, the second is held out
    items = [
        ReplyToScore(
            by_id[i]["留言主题"],
            by_id[i]["留言详情"],
            by_id[i]["答复意见"],
            parse_board_time(by_id[i]["留言时间"]),
            parse_board_time(by_id[i]["答复时间"]),
            i,
        )
        for i in ids
    ]
    from heard.models import make_embedder

    embedder = make_embedder("use-int8", threads=1)
    config = ReplyQualityConfig()
    scored = score_replies(items, embedder=embedder, config=config)
    lengths = np.array([len(i.reply) for i in items], dtype=float)
    messages = embedder.encode([f"{i.title}。{i.body}"[:2000] for i in items])
    replies = embedder.encode([i.reply[:2000] for i in items])
    similarity = np.sum(messages * replies, axis=1)

    halves = {
        "all": slice(None),
        "tune": slice(0, len(ids) // 2),
        "held_out": slice(len(ids) // 2, None),
    }
    result: dict[str, object] = {
        "n_annotated": len(ids),
        "sample": "random.Random(20261204).sample of the 2,816 留言编号 "
        "(bench/reply_annotation_sample.py)",
        "embedder": embedder.name,
        "label_counts": {
            d: {
                str(k): int(v)
                for k, v in zip(*np.unique([labels_a[i][d] for i in ids], return_counts=True))
            }
            for d in DIMS
        },
        "dimensions": {},
    }
    for d in DIMS:
        y = np.array([labels_a[i][d] for i in ids])
        s = np.array([getattr(q, d).score for q in scored])
        predicted = np.array([getattr(q, d).label for q in scored])
        block: dict[str, object] = {"spearman_with_length": round(rho(s, lengths) or 0.0, 4)}
        for name, part in halves.items():
            block[name] = {
                "scorer": metrics(y[part], s[part], lengths[part]),
                "length_alone": metrics(y[part], lengths[part], lengths[part]),
                "similarity_alone": metrics(y[part], similarity[part], lengths[part]),
                "scorer_labels_vs_annotation": label_agreement(y[part], predicted[part]),
            }
        result["dimensions"][d] = block
    result["ablations"] = ablations(items, scored, ids, labels_a, lengths, halves, embedder)
    timeliness = [q.timeliness.label for q in scored]
    result["timeliness_labels_in_sample"] = {str(k): timeliness.count(k) for k in (0, 1, 2)}

    b_path = ANNOTATIONS / "reply_quality_b.csv"
    if b_path.exists():
        result["intra_annotator_kappa_a_vs_b"] = kappa_between_passes(labels_a, load_labels(b_path))

    board = board_messages_from_rows(rows)
    stats = response_time_stats(board, now=lambda: datetime(2020, 1, 1), by_department=False)
    result["response_times"] = {
        "department_column": None,
        "note": "附件4 has no department column: one row for the whole board",
        "heard": [s.as_dict() for s in stats],
        "direct": direct_response_times(rows),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
