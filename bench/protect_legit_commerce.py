"""The embedding head on legal sales: false flags on legitimate commerce, recall kept on harm.

    PYTHONPATH=src .venv/bin/python bench/protect_legit_commerce.py [--cache DIR]
    # → bench/results/protect_legit_commerce.json

Each text is embedded as the pipeline embeds it (``use-int8``, ``model_text``'s cut) and read by
the ``harm_embedded`` head's detector (``EmbeddedHeadDetector``) and by the whole ``HarmStage``
with its vector. Sets:

* ``legit_commerce`` — ``tests/fixtures/legit_commerce.jsonl``: 45 Chinese and 45 English posts
  selling legal things (a used bike, a fruit stall, a pharmacy's hours, kitchen knives, a
  licensed fireworks stand …; 15 of each language in the terse words of a classified ad, "Used
  bike for sale, cash only, pickup today"), written for this check: every flag is false; so is
  every flag on the legitimate look-alikes of ``harm_blind_v1`` and the everyday set's half B;
* real citizen messages (Teddy Cup 2020 C 附件3, 附件4, the full records; evaluation-only) and
  weibo_senti_100k's test split and the Weibo rumour set's source posts (adverts and shop posts
  among them): every head flag is listed to be read;
* harm the head must keep catching: the taxonomy's positive examples of the head's labels
  (train and held-out test split; the head was trained on the train split), the harmful rows of
  ``harm_blind_v1`` (held out) and of the everyday set's half B (held out).

Reported per set: texts the head flags (by label), texts the stage flags, and for harm sets the
rows whose own label the head flags and the stage flags.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from protect_eval import attachment4, full_records, weibo  # noqa: E402
from protect_probes import half_of, read_probes  # noqa: E402
from protect_real_posts import rumour_weibo  # noqa: E402

from heard.models import make_embedder  # noqa: E402
from heard.protect.detectors.embedded_head import EmbeddedHeadDetector  # noqa: E402
from heard.protect.stage import HarmStage  # noqa: E402
from heard.stages.embed import MODEL_TEXT_CHARS  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "src" / "heard" / "protect" / "taxonomy" / "examples.jsonl"
OUT = REPO / "bench" / "results" / "protect_legit_commerce.json"


def _fixture(name: str, half: str | None = None) -> list[dict]:
    return [
        r for r in read_probes(FIXTURES / f"{name}.jsonl") if half is None or half_of(r) == half
    ]


def sets(head_labels: tuple[str, ...]) -> dict[str, list[tuple[str, str | None]]]:
    commerce = _fixture("legit_commerce")
    examples = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    positives = [e for e in examples if e["polarity"] == "positive" and e["label"] in head_labels]
    blind = [r for r in _fixture("harm_blind_v1") if r.get("label") in head_labels]
    everyday = [r for r in _fixture("everyday_speech_v1_blind", "B") if r.get("label")]
    return {
        "legit_commerce_zh": [(r["text"], None) for r in commerce if r["lang"] == "zh"],
        "legit_commerce_en": [(r["text"], None) for r in commerce if r["lang"] == "en"],
        "harm_blind_v1_legit": [(r["text"], None) for r in _fixture("harm_blind_v1")
                                if not r.get("label")],
        "everyday_v1_halfB_legit": [(r["text"], None) for r in _fixture(
            "everyday_speech_v1_blind", "B") if not r.get("label")],
        "attachment3": [(t, None) for t in attachment4("attachment3_hot_issue_messages.csv")],
        "attachment4": [(t, None) for t in attachment4()],
        "teddycup_full_records": [(t, None) for t in full_records()],
        "weibo_senti_100k_test": [(t, None) for t in weibo("test")],
        "weibo_rumour": [(t, None) for _, _, t in rumour_weibo()],
        "taxonomy_positives_train": [(e["text"], e["label"]) for e in positives
                                     if e.get("split") != "test"],
        "taxonomy_positives_test": [(e["text"], e["label"]) for e in positives
                                    if e.get("split") == "test"],
        "harm_blind_v1_heldout": [(r["text"], r["label"]) for r in blind],
        "everyday_v1_halfB_harmful": [(r["text"], r["label"]) for r in everyday],
    }  # fmt: skip


def vectors(embedder, texts: list[str], cache: Path | None) -> np.ndarray:
    cut = [t[:MODEL_TEXT_CHARS] for t in texts]
    key = hashlib.sha256("\n\u0000".join(cut).encode()).hexdigest()[:16]
    path = cache / f"{key}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    out = np.vstack([embedder.encode(cut[i : i + 256]) for i in range(0, len(cut), 256)])
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out


def read(stage: HarmStage, head: EmbeddedHeadDetector, rows, x: np.ndarray) -> dict:
    texts = [t for t, _ in rows]
    gold = [g for _, g in rows]
    head_flags = head.detect_vectors(texts, x)
    stage_flags = stage.flag_texts(texts, x)
    harmful = [g is not None for g in gold]
    out: dict = {"rows": len(rows), "harmful": sum(harmful)}
    head_labels = [{f.label for f in fl} for fl in head_flags]
    stage_labels = [{f["label"] for f in fl} for fl in stage_flags]
    if any(harmful):
        out["head_own_label"] = sum(g in ls for g, ls in zip(gold, head_labels) if g)
        out["stage_own_label"] = sum(g in ls for g, ls in zip(gold, stage_labels) if g)
        out["head_missed"] = [t[:120] for (t, g), ls in zip(rows, head_labels) if g and g not in ls]
    else:
        out["head_flagged"] = sum(bool(ls) for ls in head_labels)
        out["head_flagged_by_label"] = dict(Counter(lab for ls in head_labels for lab in ls))
        out["stage_flagged"] = sum(bool(ls) for ls in stage_labels)
        out["stage_flagged_by_label"] = dict(Counter(lab for ls in stage_labels for lab in ls))
        out["head_flags"] = [
            {"label": f.label, "score": round(f.score, 3), "text": t[:160]}
            for t, fl in zip(texts, head_flags)
            for f in fl
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=None, help="keep the vectors here")
    parser.add_argument("--only", nargs="+", help="read only these sets")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    t0 = time.time()
    embedder = make_embedder("use-int8")
    stage = HarmStage(embedder_name=embedder.name)
    head = EmbeddedHeadDetector()
    result: dict = {"bench": "protect_legit_commerce", "head": head.version, "sets": {}}
    for name, rows in sets(head.head.labels).items():
        if args.only and name not in args.only:
            continue
        x = vectors(embedder, [t for t, _ in rows], args.cache)
        result["sets"][name] = r = read(stage, head, rows, x)
        if r["harmful"]:
            print(f"{name:28s} own label: head {r['head_own_label']:>4}, stage "
                  f"{r['stage_own_label']:>4} of {r['harmful']}")  # fmt: skip
        else:
            print(f"{name:28s} flagged: head {r['head_flagged']:>4} {r['head_flagged_by_label']}, "
                  f"stage {r['stage_flagged']:>4} of {r['rows']}")  # fmt: skip
    result["seconds"] = round(time.time() - t0, 1)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
