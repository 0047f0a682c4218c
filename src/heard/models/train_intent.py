"""Train the intent head (``heard.models.intent_head``) on the examples written for Heard.

    python -m heard.models.train_intent [--out DIR]   # default: the shipped heads/ folder

Training data: ``heads/intent_examples.tsv`` only — messages written for Heard by its developers
in the annotation guide's definitions (``docs/listen/intent_annotation_guide.md``); nothing from
the evaluation set or any third-party dataset. Each example goes through the real ``normalise``
and ``embed`` stages, so the head sees the vectors the pipeline computes. sklearn fits it; the
head is saved as plain arrays, and the run is deterministic (lbfgs, fixed data order).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from heard.errors import ModelError
from heard.models.intent_cues import find_cues
from heard.models.intent_head import IntentHead, cue_block
from heard.models.intent_rules import LABELS
from heard.models.sentiment_head import HEADS_DIR

EXAMPLES = HEADS_DIR / "intent_examples.tsv"
HEAD_NAME = "heard-intent-head"
HEAD_VERSION = "2.0"
DEFAULT_C = 3.0
DEFAULT_CUE_SCALE = 0.5
DEFAULT_CLASS_WEIGHT: str | None = "balanced"
TARGET_COUNTS = {
    "complaint": 136,
    "suggestion": 44,
    "question": 25,
    "praise": 7,
    "incident_report": 4,
    "other": 37,
}
"""How often each label occurs where the head is used: the gold label counts of half A of the
annotated set (253 messages; Teddy Cup letters, Pol.is comments, civic tweets). The written
examples over-represent the rare classes on purpose (to learn them); ``fit`` moves the head's
intercepts ``prior_strength`` of the way from the training shares to these (+1 smoothed)."""
DEFAULT_PRIOR_STRENGTH = 0.5


@dataclass(frozen=True)
class Example:
    label: str
    lang: str
    title: str | None
    body: str


def load_examples(path: Path = EXAMPLES) -> list[Example]:
    """``label<TAB>lang<TAB>text`` lines (``#`` comments; `` | `` splits a title from its body).
    A malformed line is refused with its number."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in LABELS or parts[1] not in ("zh", "en"):
            raise ModelError(
                f"{path.name} line {n}: expected 'label<TAB>zh|en<TAB>text' with a label of "
                f"{LABELS}, got {line[:80]!r}",
                "fix the line",
            )
        label, lang, text = parts
        title, sep, body = text.partition(" | ")
        out.append(Example(label, lang, title.strip() if sep else None, (body if sep else text)))
    return out


def pipeline_inputs(examples: list[Example], embedder) -> tuple[np.ndarray, list[np.ndarray]]:
    """Embeddings and cue blocks of ``examples``, computed by the real stages (normalise, embed)
    as the pipeline computes them for a post with that title and body."""
    from heard.pipeline import Batch
    from heard.records import Post
    from heard.stages import EmbedStage, NormaliseStage

    created = datetime(2026, 1, 1, tzinfo=UTC)
    posts = [
        Post(
            id=f"x:{i}",
            source="x",
            external_id=str(i),
            text=e.body,
            title=e.title,
            created_at=created,
        )  # fmt: skip
        for i, e in enumerate(examples)
    ]
    batch = EmbedStage(embedder).process(NormaliseStage().process(Batch(posts)))
    cues = [cue_block(find_cues(t), bool(e.title)) for t, e in zip(batch["text_norm"], examples)]
    return np.asarray(batch["embedding"], dtype=np.float64), cues


def prior_shift(classes: tuple[str, ...], labels: list[str], strength: float) -> np.ndarray:
    """``strength · log(target share / training share)`` per class (``TARGET_COUNTS``)."""
    total = sum(TARGET_COUNTS.values()) + len(TARGET_COUNTS)
    return np.array([
        strength * np.log(((TARGET_COUNTS.get(k, 0) + 1) / total) / (labels.count(k) / len(labels)))
        for k in classes
    ])  # fmt: skip


def fit(embeddings: np.ndarray, cues: list[np.ndarray], labels: list[str], *,
        c: float = DEFAULT_C, cue_scale: float = DEFAULT_CUE_SCALE,
        class_weight: str | None = DEFAULT_CLASS_WEIGHT,
        prior_strength: float = DEFAULT_PRIOR_STRENGTH) -> IntentHead:  # fmt: skip
    """A multinomial logistic regression on embedding + scaled cue block, its intercepts moved
    toward the target label shares (``prior_shift``)."""
    from sklearn.linear_model import LogisticRegression

    classes = tuple(k for k in LABELS if k in set(labels))
    head = IntentHead(
        np.zeros((embeddings.shape[1] + len(cues[0]), len(classes))), np.zeros(len(classes)),
        classes, cue_scale,
    )  # fmt: skip
    model = LogisticRegression(C=c, max_iter=5000, class_weight=class_weight)
    model.fit(head.features(embeddings, cues), labels)
    order = [list(model.classes_).index(k) for k in classes]
    head.coef = model.coef_[order].T.copy()
    head.intercept = model.intercept_[order] + prior_shift(classes, list(labels), prior_strength)
    return head


def train(out: Path = HEADS_DIR, examples_path: Path = EXAMPLES, embedder_spec: str = "use-int8",
          c: float = DEFAULT_C, cue_scale: float = DEFAULT_CUE_SCALE,
          class_weight: str | None = DEFAULT_CLASS_WEIGHT,
          prior_strength: float = DEFAULT_PRIOR_STRENGTH) -> IntentHead:  # fmt: skip
    """Train on every example and save ``intent.npz`` + ``intent.json`` into ``out``."""
    import sklearn

    from heard.models import make_embedder

    examples = load_examples(examples_path)
    embedder = make_embedder(embedder_spec)
    embeddings, cues = pipeline_inputs(examples, embedder)
    labels = [e.label for e in examples]
    head = fit(embeddings, cues, labels, c=c, cue_scale=cue_scale, class_weight=class_weight,
               prior_strength=prior_strength)  # fmt: skip
    counts = {k: sum(1 for e in examples if e.label == k) for k in head.classes}
    head.meta = {
        "name": HEAD_NAME,
        "version": HEAD_VERSION,
        "embedder": embedder.name,
        "method": (
            f"sklearn LogisticRegression(C={c}, lbfgs, multinomial, class_weight={class_weight}) "
            f"on the embedding + {cue_scale} x cue block (cue weights, titled, praises, "
            "recurring, the rules' label); intercepts moved "
            f"{prior_strength} of the way (log scale) to the target label shares"
        ),
        "target_label_counts": TARGET_COUNTS,
        "prior_strength": prior_strength,
        "sklearn": sklearn.__version__,
        "examples": len(examples),
        "examples_per_class": counts,
        "examples_per_language": {
            lang: sum(1 for e in examples if e.lang == lang) for lang in ("zh", "en")
        },
        "training_data": f"{examples_path.name}: written for Heard by its developers only",
        "train_accuracy": round(
            float(
                np.mean(
                    np.array(head.classes)[head.probabilities(embeddings, cues).argmax(1)]
                    == np.array(labels)
                )
            ),
            4,
        ),  # fmt: skip
    }
    head.save(out)
    return head


def main() -> None:
    parser = argparse.ArgumentParser(description="train the intent head (see module docstring)")
    parser.add_argument("--out", type=Path, default=HEADS_DIR)
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--embedder", default="use-int8")
    args = parser.parse_args()
    head = train(args.out, args.examples, args.embedder)
    print(f"{head.name}: {head.meta['examples']} examples, train accuracy "
          f"{head.meta['train_accuracy']} → {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
