"""Per-post cost of the sentiment stage (with and without its complaint rules) and the intent stage.

    .venv/bin/python bench/stage_cost.py [--posts 6000]   # → bench/results/stage_cost.json

The posts are the ingest benchmark's mix (``bench/corpus.py``: Weibo, COLD, Teddy Cup letters,
TweetEval, SMS). They go through normalise → langid → tokens → embed once; then each timed stage
runs over the same batches of 512, three times, and the fastest run is kept (the machine is
shared). Reported: milliseconds per post for ``sentiment`` as shipped, ``sentiment`` with
``SentimentScorer(rules=False)`` (1.2's behaviour plus the emoticon weight), ``intent`` (the
intent head over the stored embedding + cue scan) and ``intent_rules_only`` (the cue rules alone,
what the intent stage ran before heard-intent-head@2.0).
Compare with the ingest benchmark's 2.05 ms per post end to end (487 posts/s, BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
OUT = REPO / "bench" / "results" / "stage_cost.json"


class _RulesOnly:
    """The intent rules alone over ``text_norm`` (heard-intent-rules, the stage before 2.0)."""

    def process(self, batch):
        from heard.models.intent_rules import classify

        titled = [bool(getattr(post, "title", None)) for post in batch["post"]]
        results = [classify(t or "", h) for t, h in zip(batch["text_norm"], titled)]
        batch.set("intent_label", [r.label for r in results])
        batch.set("intent_evidence", [r.evidence() for r in results])
        return batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from corpus import real_texts

    from heard.models import make_embedder
    from heard.pipeline import Batch
    from heard.records import Post
    from heard.stages import (
        EmbedStage,
        LangIdStage,
        NormaliseStage,
        SentimentScorer,
        SentimentStage,
        TokensStage,
    )
    from heard.stages.intent import IntentStage

    texts = [text for _origin, text in real_texts()[: args.posts]]
    created = datetime(2020, 1, 1, tzinfo=UTC)
    embedder = make_embedder("use-int8")
    prepare = [NormaliseStage(), LangIdStage(), TokensStage(), EmbedStage(embedder)]
    batches = []
    for start in range(0, len(texts), 512):
        batch = Batch(
            [
                Post(id=f"c:{i}", source="c", external_id=str(i), text=t, created_at=created)
                for i, t in enumerate(texts[start : start + 512], start)
            ]
        )
        for stage in prepare:
            batch = stage.process(batch)
        batches.append(batch)
    stages = {
        "sentiment": SentimentStage(embedder_name=embedder.name),
        "sentiment_without_rules": SentimentStage(
            SentimentScorer(rules=False), embedder_name=embedder.name
        ),
        "intent": IntentStage(embedder_name=embedder.name),
        "intent_rules_only": _RulesOnly(),
    }
    result: dict = {
        "command": "python bench/stage_cost.py"
        + (f" --posts {args.posts}" if args.posts != 6000 else ""),
        "posts": len(texts),
        "ms_per_post": {},
    }
    for name, stage in stages.items():
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for batch in batches:
                stage.process(batch)
            best = min(best, time.perf_counter() - t0)
        result["ms_per_post"][name] = round(1000 * best / len(texts), 4)
    cost = result["ms_per_post"]
    result["rules_add_ms_per_post"] = round(cost["sentiment"] - cost["sentiment_without_rules"], 4)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    result["ingest_reference_ms_per_post"] = round(1000 / 487, 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
