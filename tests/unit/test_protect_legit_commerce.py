"""Legal sales are not contraband, scams or sexual solicitation (issue 19; RIGHTS.md: a label is
about harm, not about selling things). ``tests/fixtures/legit_commerce.jsonl`` holds legal sales
written for this check, in Chinese and English — a used bike, a fruit stall, a pharmacy's
announcement, kitchen knives, a licensed fireworks stand, and classified ads in their terse words
("Used bike for sale, cash only, pickup today"). The embedding head scored 13 of them as
contraband above its threshold; it now needs the thing sold to be contraband by name
(``NEEDS_CUES``), which costs none of its catches among the taxonomy's contraband examples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from heard.models import make_embedder
from heard.protect.detectors.embedded_head import EmbeddedHeadDetector, unsupported, vetoed
from heard.protect.stage import HarmStage

ROOT = Path(__file__).resolve().parents[2]
SALES = [
    json.loads(line)
    for line in (ROOT / "tests" / "fixtures" / "legit_commerce.jsonl")
    .read_text("utf-8")
    .splitlines()
]
EXAMPLES = ROOT / "src" / "heard" / "protect" / "taxonomy" / "examples.jsonl"
NOT_THESE = {"contraband_sale", "scam_fraud", "sexual_solicitation"}


@pytest.fixture(scope="module")
def embedder():
    return make_embedder("use-int8")


def test_the_fixture_holds_enough_sales_in_each_language():
    langs = [r["lang"] for r in SALES]
    assert langs.count("zh") >= 20 and langs.count("en") >= 20
    assert all(r["label"] is None for r in SALES)


def test_the_embedding_head_flags_no_legal_sale(embedder):
    texts = [r["text"] for r in SALES]
    flags = EmbeddedHeadDetector().detect_vectors(texts, embedder.encode(texts))
    flagged = [(t, [f.label for f in fl]) for t, fl in zip(texts, flags) if fl]
    assert flagged == []


def test_no_detector_calls_a_legal_sale_contraband_a_scam_or_solicitation(embedder):
    texts = [r["text"] for r in SALES]
    stage = HarmStage(embedder_name=embedder.name, nearest=0)
    flags = stage.flag_texts(texts, embedder.encode(texts))
    wrong = [(t, f["label"], f["detector"]) for t, fl in zip(texts, flags) for f in fl
             if f["label"] in NOT_THESE]  # fmt: skip
    assert wrong == []


def test_the_requirement_costs_no_contraband_example_the_head_caught(embedder):
    rows = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines()]
    texts = [
        r["text"] for r in rows if r["label"] == "contraband_sale" and r["polarity"] == "positive"
    ]
    detector = EmbeddedHeadDetector()
    head = detector.head
    column = head.classes.index("contraband_sale")
    p = head.probabilities(embedder.encode(texts))[:, column]
    caught = [t for t, s in zip(texts, p) if s >= head.thresholds["contraband_sale"]]
    caught = [t for t in caught if not vetoed("contraband_sale", t)]
    assert len(caught) >= 20  # the head reads most of them; the requirement must keep each
    assert [t for t in caught if unsupported("contraband_sale", t)] == []


def test_an_illegal_sale_in_a_classified_ads_words_is_still_flagged(embedder):
    offer = "Selling pills, coke and molly, cash only, pickup today, DM me."
    bike = "Used bike for sale, cash only, pickup today."
    vectors = embedder.encode([offer, bike])
    got = EmbeddedHeadDetector().detect_vectors([offer, bike], vectors)
    assert [[f.label for f in fl] for fl in got] == [["contraband_sale"], []]
    assert np.isfinite(got[0][0].score) and got[0][0].version.endswith("+gates-1")
