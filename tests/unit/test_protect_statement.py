"""Statements of reasons in the DSA transparency database's fields, built from a decision."""

from __future__ import annotations

from datetime import datetime

from heard.protect.statement import DSA_FIELDS, build_statement, dsa_export
from heard.protect.taxonomy import load_taxonomy

POST = {"lang": "zh", "created_at": datetime(2026, 11, 30, 2, 0)}
AT = datetime(2026, 12, 1, 9, 30)


def _statement(decision, flags, *, label="scam_fraud", ground="incompatible", automated=False):
    tax = load_taxonomy()
    return build_statement(
        decision_id="d-1",
        decision=decision,
        label=tax[label] if decision != "no_action" else None,
        ground=ground,
        facts="Asks for a transfer while impersonating a manager.",
        post=POST,
        flags=flags,
        automated_decision=automated,
        decided_at=AT,
        taxonomy_version=tax.version,
        legal_ground="Criminal Law art. 266",
    )


def test_automated_scam_decision_from_a_detector():
    s = _statement(
        "limit_visibility",
        [
            {
                "flag_id": "f-1",
                "source": "detector",
                "label": "scam_fraud",
                "detector": "rules.scam_fraud",
                "version": "1",
                "score": 0.93,
                "threshold": 0.8,
            }
        ],
        automated=True,
    )
    assert s["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]
    assert s["category"] == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    assert "KEYWORD_PHISHING" in s["category_specification"]
    assert (s["automated_detection"], s["automated_decision"]) == (
        "Yes",
        "AUTOMATED_DECISION_FULLY",
    )
    assert s["source_type"] == "SOURCE_VOLUNTARY" and s["puid"] == "d-1"
    assert (s["content_language"], s["content_date"], s["application_date"]) == (
        "ZH",
        "2026-11-30",
        "2026-12-01",
    )
    assert s["incompatible_content_ground"].startswith("Heard harm taxonomy")
    assert s["redress"] and s["heard_explanation"][0]["score"] == 0.93


def test_trusted_flagger_report_on_illegal_ground_by_a_person():
    s = _statement(
        "remove",
        [
            {"flag_id": "f-2", "source": "trusted_flagger", "label": "scam_fraud"},
            {"flag_id": "f-3", "source": "detector", "label": "scam_fraud"},
        ],
        ground="illegal",
    )
    assert s["source_type"] == "SOURCE_TRUSTED_FLAGGER"
    assert s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert s["illegal_content_legal_ground"] == "Criminal Law art. 266"
    assert s["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"


def test_export_has_restrictions_only_and_only_dsa_fields():
    kept = _statement(
        "remove", [{"flag_id": "f-4", "source": "public_report", "label": "scam_fraud"}]
    )
    dropped = _statement(
        "no_action", [{"flag_id": "f-5", "source": "public_report", "label": "scam_fraud"}]
    )
    out = dsa_export([kept, dropped])
    assert len(out) == 1 and set(out[0]) <= set(DSA_FIELDS)
    assert out[0]["source_type"] == "SOURCE_ARTICLE_16"
    assert dropped["decision_visibility"] == [] and "category" not in dropped
