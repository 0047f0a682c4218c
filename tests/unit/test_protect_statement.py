"""Statements of reasons in the DSA transparency database's fields, built from a decision."""

from __future__ import annotations

from datetime import datetime

from heard.protect.statement import DSA_FIELDS, build_statement, dsa_export
from heard.protect.taxonomy import load_taxonomy

POST = {"lang": "zh", "created_at": datetime(2026, 11, 30, 2, 0)}
AT = datetime(2026, 12, 1, 9, 30)


def _statement(
    decision, flags, *, label="scam_fraud", ground="incompatible", automated=False, keywords=()
):
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
        keywords=keywords,
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
    # scams have three keywords (phishing, impersonation, pyramid schemes): none was stated for
    # this decision, so none is claimed
    assert "category_specification" not in s and s["heard_keywords"] == "none"
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


# The DSA transparency database's submission schema since 1 July 2025 (its API documentation,
# "Category" and "Category Specification"): the values it accepts. The older categories
# (SCOPE_OF_PLATFORM_SERVICE, PORNOGRAPHY_OR_SEXUALIZED_CONTENT, NON_CONSENSUAL_BEHAVIOUR,
# UNSAFE_AND_ILLEGAL_PRODUCTS) and keywords (REGULATED_GOODS_SERVICES, ...) are refused.
DSA_CATEGORIES = {
    "STATEMENT_CATEGORY_" + c
    for c in (
        "ANIMAL_WELFARE CONSUMER_INFORMATION CYBER_VIOLENCE CYBER_VIOLENCE_AGAINST_WOMEN "
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS ILLEGAL_OR_HARMFUL_SPEECH "
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS "
        "NOT_SPECIFIED_NOTICE OTHER_VIOLATION_TC PROTECTION_OF_MINORS RISK_FOR_PUBLIC_SECURITY "
        "SCAMS_AND_FRAUD SELF_HARM UNSAFE_AND_PROHIBITED_PRODUCTS VIOLENCE"
    ).split()
}
DSA_KEYWORDS = {
    "KEYWORD_" + k
    for k in (
        "ADULT_SEXUAL_MATERIAL AGE_SPECIFIC_RESTRICTIONS AGE_SPECIFIC_RESTRICTIONS_MINORS "
        "ANIMAL_HARM BIOMETRIC_DATA_BREACH BULLYING_AGAINST_GIRLS CHILD_SEXUAL_ABUSE_MATERIAL "
        "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE CONTENT_PROMOTING_EATING_DISORDERS COORDINATED_HARM "
        "COPYRIGHT_INFRINGEMENT CYBER_BULLYING_INTIMIDATION CYBER_HARASSMENT "
        "CYBER_HARASSMENT_AGAINST_WOMEN CYBER_INCITEMENT CYBER_STALKING "
        "CYBER_STALKING_AGAINST_WOMEN DATA_FALSIFICATION DEFAMATION DESIGN_INFRINGEMENT "
        "DISCRIMINATION FEMALE_GENDERED_DISINFORMATION GEOGRAPHICAL_REQUIREMENTS "
        "GEOGRAPHIC_INDICATIONS_INFRINGEMENT GOODS_SERVICES_NOT_PERMITTED "
        "GROOMING_SEXUAL_ENTICEMENT_MINORS HATE_SPEECH HIDDEN_ADVERTISEMENT HUMAN_EXPLOITATION "
        "HUMAN_TRAFFICKING ILLEGAL_ORGANIZATIONS IMPERSONATION_ACCOUNT_HIJACKING "
        "INAUTHENTIC_ACCOUNTS INAUTHENTIC_LISTINGS INAUTHENTIC_USER_REVIEWS "
        "INCITEMENT_AGAINST_WOMEN INCITEMENT_VIOLENCE_HATRED INSUFFICIENT_INFORMATION_ON_TRADERS "
        "LANGUAGE_REQUIREMENTS MISINFORMATION_DISINFORMATION MISLEADING_INFO_CONSUMER_RIGHTS "
        "MISLEADING_INFO_GOODS_SERVICES MISSING_PROCESSING_GROUND NONCOMPLIANCE_PRICING "
        "NON_CONSENSUAL_IMAGE_SHARING NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN "
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN NUDITY "
        "OTHER PATENT_INFRINGEMENT PHISHING PROHIBITED_PRODUCTS PYRAMID_SCHEMES "
        "RIGHT_TO_BE_FORGOTTEN RISK_ENVIRONMENTAL_DAMAGE RISK_PUBLIC_HEALTH SELF_MUTILATION "
        "STALKING SUICIDE TERRORIST_CONTENT TRADEMARK_INFRINGEMENT TRADE_SECRET_INFRINGEMENT "
        "TRAFFICKING_WOMEN_GIRLS UNLAWFUL_SALE_ANIMALS UNSAFE_CHALLENGES UNSAFE_PRODUCTS "
        "VIOLATION_EU_LAW VIOLATION_NATIONAL_LAW"
    ).split()
}


def test_every_label_exports_a_category_and_keywords_the_database_accepts():
    tax = load_taxonomy()
    for name in tax.labels:
        (s,) = dsa_export(
            [_statement("remove", [{"flag_id": "f-6", "source": "detector"}], label=name)]
        )
        assert s["category"] in DSA_CATEGORIES, (name, s["category"])
        assert set(s.get("category_specification", ())) <= DSA_KEYWORDS, (name, s)
        (every,) = dsa_export(  # each keyword of the label, as a moderator may state them
            [
                _statement(
                    "remove",
                    [{"flag_id": "f-6", "source": "detector"}],
                    label=name,
                    keywords=tax[name].dsa_keywords,
                )
            ]
        )
        assert set(every["category_specification"]) <= DSA_KEYWORDS, (name, every)
        assert len(every.get("category_specification_other", "")) <= 500
        assert len(s.get("category_specification_other", "")) <= 500
        assert len(s["incompatible_content_ground"]) <= 500
        assert len(s["incompatible_content_explanation"]) <= 2000


def test_a_statement_stored_with_v1_values_is_exported_in_v2():
    """Decisions taken before the labels moved to v2 keep their stored statements (the audit log
    recorded them); the export says what v2 accepts."""
    old = _statement("remove", [{"flag_id": "f-7", "source": "detector"}], label="spam")
    old["category"] = "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
    older = _statement(
        "remove", [{"flag_id": "f-8", "source": "detector"}], label="contraband_sale"
    )
    older["category"] = "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"
    older["category_specification"] = [
        "KEYWORD_PROHIBITED_PRODUCTS",
        "KEYWORD_REGULATED_GOODS_SERVICES",
    ]
    a, b = dsa_export([old, older])
    assert a["category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    assert b["category"] == "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
    assert b["category_specification"] == ["KEYWORD_PROHIBITED_PRODUCTS"]
    assert old["category"] == "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"  # not changed


def test_an_undetermined_language_is_left_out_not_sent_as_und():
    """langid says "und" for a post it cannot place; the statement said content_language "UND",
    which the database refuses (two ISO 639-1 letters, or nothing)."""
    tax = load_taxonomy()
    s = build_statement(
        decision_id="d-2",
        decision="remove",
        label=tax["spam"],
        ground="incompatible",
        facts="Bulk adverts.",
        post={"lang": "und", "created_at": datetime(2026, 11, 30, 2, 0)},
        flags=[{"flag_id": "f-9", "source": "public_report"}],
        automated_decision=False,
        decided_at=AT,
        taxonomy_version=tax.version,
    )
    assert s["content_language"] is None
    (out,) = dsa_export([s, {**s, "heard_decision": "no_action"}])
    assert "content_language" not in out
    stored = {**s, "content_language": "UND"}  # a statement stored before
    assert "content_language" not in dsa_export([stored])[0]
    assert dsa_export([{**s, "content_language": "EN"}])[0]["content_language"] == "EN"
