"""Routing benchmark on the Teddy Cup 2020 titles (evaluation only: nothing trained here ships).

    PYTHONPATH=src python bench/routing_eval.py [--data ../shared/data/teddycup2020_c] [--quick]

Reads ``messages_titles_labels_all9210.csv`` (split column: train 6,383 / dev 1,906 / test 921) and
writes ``bench/results/routing_eval.json``:

- ``trained``: configurations compared on dev (trained on train); the best one retrained with
  out-of-fold calibration, reported on dev and test (macro-F1, accuracy, per department),
  calibration (ECE before/after temperature), triage (threshold from out-of-fold and from dev,
  applied to test), and the same configuration trained on train+dev, reported on test;
- ``zero_shot``: the preset's descriptions/keywords only; + the 附件1 taxonomy names; +
self-training
  on the unlabelled train titles; and on ``messages_full_records_subset.csv`` (title + body);
- ``corrections``: learning curve from zero-shot as simulated responders reassign wrongly routed
  train titles (test macro-F1 after 0, 50, 200, 1,000 corrections); ``..._with_accepted_routes``:
  the same, when titles routed right and worked without reassignment count as confirmed too;
- ``throughput``: texts/s of ``Router.route`` (embedding, features, explanation), test titles.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from heard.answer import (  # noqa: E402
    FeatureConfig,
    LabelledText,
    Router,
    RouterConfig,
    ZeroShotRouter,
    calibration_report,
    choose_triage_threshold,
    load_teddycup_taxonomy,
    teddycup_departments,
    triage_report,
    with_taxonomy_keywords,
)
from heard.answer.calibration import softmax  # noqa: E402
from heard.models import make_embedder  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "teddycup2020_c"
GRID = [  # (char_weight, word_weight, embed_weight, C): compared on dev only
    (1.0, 1.0, 0.5, 0.5),
    (1.0, 1.0, 0.5, 1.0),
    (1.0, 1.0, 0.3, 1.0),
    (1.0, 0.5, 0.5, 1.0),
    (1.0, 1.0, 0.7, 0.5),
    (1.0, 1.0, 0.0, 0.5),
    (1.0, 0.0, 0.0, 0.5),
]
CHECKPOINTS = (0, 50, 200, 1000)
REFITS = (10, 25, 50, 100, 200, 400, 700, 1000)


def macro(y, p) -> float:
    return round(float(f1_score(y, p, average="macro")), 4)


def scores_block(y, probs, codes) -> dict:
    p = probs.argmax(axis=1)
    per = f1_score(y, p, average=None, labels=list(range(len(codes))))
    return {
        "macro_f1": macro(y, p),
        "accuracy": round(float(accuracy_score(y, p)), 4),
        "f1_per_department": {c: round(float(v), 4) for c, v in zip(codes, per)},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "routing_eval.json")
    ap.add_argument("--quick", action="store_true", help="first grid row only, fewer refits")
    args = ap.parse_args()
    rows = list(
        csv.DictReader((args.data / "messages_titles_labels_all9210.csv").open(encoding="utf-8"))
    )
    depts = teddycup_departments()
    codes = [d.code for d in depts]
    by_zh = {d.name_zh: i for i, d in enumerate(depts)}
    texts = [r["留言主题"] for r in rows]
    y = np.array([by_zh[r["一级标签"]] for r in rows])
    split = np.array([r["split"] for r in rows])
    ids = [f"t{i}" for i in range(len(rows))]
    tr, dv, te = (np.nonzero(split == s)[0] for s in ("train", "dev", "test"))
    embedder = make_embedder("use-int8")
    t0 = time.perf_counter()
    emb = embedder.encode(texts)
    embed_rate = len(texts) / (time.perf_counter() - t0)

    def examples(idx, weight=1.0):
        return [LabelledText(ids[i], texts[i], codes[y[i]], weight) for i in idx]

    def sub(idx):
        return [texts[i] for i in idx]

    result: dict = {
        "data": str(args.data.name),
        "sizes": {"train": len(tr), "dev": len(dv), "test": len(te)},
        "embedder": embedder.name,
        "cpu_count": os.cpu_count(),
    }

    # ---------------------------------------------------------------- trained: grid on dev
    grid = []
    for cw, ww, ew, C in GRID[:1] if args.quick else GRID:
        cfg = RouterConfig(
            FeatureConfig(char_weight=cw, word_weight=ww, embed_weight=ew),
            C=C,
            calibrate=False,
            keep_cases=False,
        )
        r = Router.train(examples(tr), depts, embedder=embedder, config=cfg, embeddings=emb[tr])
        grid.append(
            {
                "char": cw,
                "word": ww,
                "embed": ew,
                "C": C,
                "dev_macro_f1": macro(y[dv], r.scores(sub(dv), emb[dv]).argmax(1)),
            }
        )
        print(json.dumps(grid[-1]), file=sys.stderr, flush=True)
    best = max(grid, key=lambda g: g["dev_macro_f1"])
    cfg = RouterConfig(
        FeatureConfig(
            char_weight=best["char"], word_weight=best["word"], embed_weight=best["embed"]
        ),
        C=best["C"],
    )
    t0 = time.perf_counter()
    router = Router.train(examples(tr), depts, embedder=embedder, config=cfg, embeddings=emb[tr])
    train_s = time.perf_counter() - t0
    raw = {s: router.scores(sub(idx), emb[idx]) for s, idx in (("dev", dv), ("test", te))}
    probs = {s: softmax(v, router.temperature) for s, v in raw.items()}
    conf = {s: p.max(1) for s, p in probs.items()}
    right = {s: probs[s].argmax(1) == y[idx] for s, idx in (("dev", dv), ("test", te))}
    dev_threshold = choose_triage_threshold(conf["dev"], right["dev"], cfg.target_accuracy)
    trained = {
        "grid_on_dev": grid,
        "chosen": best,
        "train_seconds": round(train_s, 1),
        "dev": scores_block(y[dv], probs["dev"], codes),
        "test": scores_block(y[te], probs["test"], codes),
        "temperature": round(router.temperature, 4),
        "out_of_fold_accuracy": router.meta.get("out_of_fold_accuracy"),
        "calibration_test": calibration_report(conf["test"], right["test"]),
        "calibration_test_uncalibrated_T1": {
            k: v
            for k, v in calibration_report(softmax(raw["test"], 1.0).max(1), right["test"]).items()
            if k != "reliability"
        },
        "calibration_dev": {
            k: v
            for k, v in calibration_report(conf["dev"], right["dev"]).items()
            if k != "reliability"
        },
        "triage": {
            "target_accuracy": cfg.target_accuracy,
            "from_out_of_fold": {
                "dev": triage_report(conf["dev"], right["dev"], router.triage_below),
                "test": triage_report(conf["test"], right["test"], router.triage_below),
            },
            "chosen_on_dev": {
                "test": triage_report(conf["test"], right["test"], dev_threshold),
                "dev": triage_report(conf["dev"], right["dev"], dev_threshold),
            },
        },
    }
    trdv = np.concatenate([tr, dv])
    r2 = Router.train(
        examples(trdv),
        depts,
        embedder=embedder,
        config=RouterConfig(cfg.features, C=cfg.C, calibrate=False),
        embeddings=emb[trdv],
    )
    trained["train_plus_dev_test"] = scores_block(
        y[te], softmax(r2.scores(sub(te), emb[te])), codes
    )
    # throughput: the whole route() path, embedding included, explanations on
    t0 = time.perf_counter()
    routes = router.route(sub(te), [ids[i] for i in te])
    result["throughput"] = {
        "route_texts_per_s": round(len(te) / (time.perf_counter() - t0), 1),
        "embed_texts_per_s": round(embed_rate, 1),
        "texts": len(te),
        # the cores are shared with other work: read the rates beside the load
        "load_average_1min": round(os.getloadavg()[0], 2),
        "example_route": routes[0].to_dict(),
    }
    result["trained"] = trained
    print(
        json.dumps(
            {"trained_test": trained["test"]["macro_f1"], "dev": trained["dev"]["macro_f1"]}
        ),
        file=sys.stderr,
        flush=True,
    )

    # ---------------------------------------------------------------- zero-shot
    taxonomy = load_teddycup_taxonomy(args.data / "attachment1_label_taxonomy.csv")
    zs = ZeroShotRouter(depts, embedder=embedder)
    zst = ZeroShotRouter(with_taxonomy_keywords(depts, taxonomy), embedder=embedder)
    zero: dict = {}
    for name, z in (("descriptions_keywords", zs), ("plus_taxonomy_names", zst)):
        block = {}
        for s, idx in (("dev", dv), ("test", te)):
            p = z.probabilities(sub(idx), emb[idx])
            block[s] = scores_block(y[idx], p, codes)
            if s == "test":
                block["calibration_test"] = {
                    k: v
                    for k, v in calibration_report(p.max(1), p.argmax(1) == y[idx]).items()
                    if k != "reliability"
                }
        zero[name] = block
    for name, z in (("self_trained", zs), ("self_trained_plus_taxonomy", zst)):
        r = z.self_train(
            sub(tr),
            [ids[i] for i in tr],
            emb[tr],
            config=RouterConfig(cfg.features, C=cfg.C, keep_cases=False),
        )
        block = {
            s: scores_block(y[idx], r.probabilities(sub(idx), emb[idx]), codes)
            for s, idx in (("dev", dv), ("test", te))
        }
        p = r.probabilities(sub(te), emb[te])
        block["calibration_test"] = {
            k: v
            for k, v in calibration_report(p.max(1), p.argmax(1) == y[te]).items()
            if k != "reliability"
        }
        block["note"] = (
            "trained on zero-shot weak labels of the unlabelled train titles (no label read)"
        )
        zero[name] = block
    full = list(
        csv.DictReader((args.data / "messages_full_records_subset.csv").open(encoding="utf-8"))
    )
    ftexts = [f"{r['留言主题']} {r['留言详情'][:300]}" for r in full]
    fy = np.array([by_zh[r["一级标签"]] for r in full])
    femb = embedder.encode(ftexts)
    zero["full_records_title_body"] = {
        name: scores_block(fy, z.probabilities(ftexts, femb), codes)
        for name, z in (("descriptions_keywords", zs), ("plus_taxonomy_names", zst))
    }
    zero["full_records_title_body"]["rows"] = len(full)
    result["zero_shot"] = zero
    print(
        json.dumps({k: v.get("test", {}).get("macro_f1") for k, v in zero.items()}),
        file=sys.stderr,
        flush=True,
    )

    # ---------------------------------------------------------------- corrections learning curve
    result["corrections"] = corrections_curve(
        zs, texts, ids, y, codes, emb, tr, te, cfg, quick=args.quick
    )
    result["corrections_with_accepted_routes"] = corrections_curve(
        zs, texts, ids, y, codes, emb, tr, te, cfg, quick=args.quick, accepted_weight=1.0
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


def corrections_curve(
    zs,
    texts,
    ids,
    y,
    codes,
    emb,
    tr,
    te,
    cfg,
    quick=False,
    correction_weight=2.0,
    pseudo_weight=0.5,
    accepted_weight=0.0,
) -> dict:
    """Responders work the train titles in a random order; each one the current router gets wrong
    is reassigned (a correction, weight correction_weight). The router is retrained (zero-shot
    weak labels of the unlabelled train titles + corrections) at each count in REFITS; test
    macro-F1 at CHECKPOINTS. With accepted_weight > 0, a title routed right and worked without
    reassignment also becomes a confirmed example of that weight."""
    rng = np.random.default_rng(0)
    stream = rng.permutation(tr)
    weak_cfg = RouterConfig(cfg.features, C=cfg.C, calibrate=False, keep_cases=False)
    te_texts = [texts[i] for i in te]
    pool_texts, pool_ids = [texts[i] for i in tr], [ids[i] for i in tr]
    model = zs.self_train(
        pool_texts, pool_ids, emb[tr], config=weak_cfg, pseudo_weight=pseudo_weight
    )
    curve = [
        {
            "corrections": 0,
            "seen": 0,
            "test_macro_f1": macro(y[te], model.scores(te_texts, emb[te]).argmax(1)),
            "zero_shot_plain_test_macro_f1": macro(y[te], zs.scores(te_texts, emb[te]).argmax(1)),
        }
    ]
    corrections: list[LabelledText] = []
    accepted: list[LabelledText] = []
    pos = 0
    refits = [r for r in REFITS if not quick or r in CHECKPOINTS]
    for target in refits:
        pending = stream[pos:]
        pred = model.scores([texts[i] for i in pending], emb[pending]).argmax(1)
        for k, i in enumerate(pending):
            if len(corrections) >= target:
                break
            pos += 1
            if pred[k] != y[i]:
                corrections.append(LabelledText(ids[i], texts[i], codes[y[i]], correction_weight))
            elif accepted_weight > 0:
                accepted.append(LabelledText(ids[i], texts[i], codes[y[i]], accepted_weight))
        model = zs.self_train(
            pool_texts,
            pool_ids,
            emb[tr],
            corrections=corrections + accepted,
            config=weak_cfg,
            pseudo_weight=pseudo_weight,
        )
        if target in CHECKPOINTS:
            curve.append(
                {
                    "corrections": len(corrections),
                    "seen": pos,
                    "accepted_used": len(accepted),
                    "test_macro_f1": macro(y[te], model.scores(te_texts, emb[te]).argmax(1)),
                }
            )
            print(json.dumps(curve[-1]), file=sys.stderr, flush=True)
    return {
        "protocol": corrections_curve.__doc__.split("\n\n")[0].replace("\n    ", " "),
        "refits_at": refits,
        "correction_weight": correction_weight,
        "pseudo_weight": pseudo_weight,
        "accepted_weight": accepted_weight,
        "curve": curve,
    }


if __name__ == "__main__":
    main()
