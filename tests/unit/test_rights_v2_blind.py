"""The blind rights set v2 (tests/fixtures/rights_speech_v2_blind.jsonl): 114 legitimate posts
written before they were first measured. No row may get an automated decision (RIGHTS.md §5), and
no row may be flagged except the one its first measurement found and BENCHMARKS.md reports (a
shop's own hiring notice read as an advert, sent to review): a new false flag fails here."""

import json
from pathlib import Path

import pytest

from heard.protect.automation import automatable
from heard.protect.stage import HarmStage

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "rights_speech_v2_blind.jsonl"
KNOWN_REVIEW_ONLY = {"rv2.zh.056"}
AUTO_THRESHOLD = 0.9


@pytest.fixture(scope="module")
def flagged() -> tuple[list[dict], list[list[dict]]]:
    rows = [json.loads(x) for x in V2.read_text(encoding="utf-8").splitlines() if x.strip()]
    return rows, HarmStage(nearest=0).flag_texts([r["text"] for r in rows])


def test_every_row_is_legitimate_and_the_set_is_whole(flagged):
    rows, _ = flagged
    assert len(rows) == 114 and all(r["label"] is None for r in rows)


def test_no_new_false_flag(flagged):
    rows, flags = flagged
    got = {r["id"]: [f["label"] for f in fl] for r, fl in zip(rows, flags) if fl}
    assert set(got) <= KNOWN_REVIEW_ONLY, got


def test_no_automated_decision_on_legitimate_speech(flagged):
    rows, flags = flagged
    auto = [
        r["id"] for r, fl in zip(rows, flags) if any(automatable(f, AUTO_THRESHOLD) for f in fl)
    ]
    assert auto == []
