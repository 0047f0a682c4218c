"""The closed harm taxonomy: exactly ten labels, each explained, each with enough examples."""

from __future__ import annotations

from collections import Counter

import pytest

from heard.errors import ModelError
from heard.protect.taxonomy import EXAMPLES_FILE, LABELS, LABELS_FILE, load_taxonomy

# categories of the DSA transparency database's schema v2 (the whole list, and the keywords, are
# checked against it in test_protect_statement.py)
DSA_CATEGORIES = {
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_VIOLENCE",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
}


def test_the_label_set_is_exactly_the_closed_ten():
    tax = load_taxonomy()
    assert set(tax.labels) == set(LABELS)
    assert len(LABELS) == 10
    assert not any("politic" in name for name in tax.labels)


def test_every_label_has_definitions_a_dsa_category_and_a_misuse_note():
    for label in load_taxonomy().labels.values():
        assert label.definition and label.definition_zh
        assert label.dsa_category in DSA_CATEGORIES, label.name
        assert label.dsa_keywords and all(k.startswith("KEYWORD_") for k in label.dsa_keywords)
        assert len(label.misuse) > 80, f"{label.name}: the misuse note is too thin"


def test_only_spam_and_scams_may_be_actioned_automatically():
    auto = {name for name, label in load_taxonomy().labels.items() if label.auto_action}
    assert auto == {"spam", "scam_fraud"}


def test_each_label_has_ten_positive_and_ten_negative_examples_per_language():
    counts = Counter((e.label, e.lang, e.polarity) for e in load_taxonomy().examples)
    for label in LABELS:
        for lang in ("zh", "en"):
            for polarity in ("positive", "negative"):
                assert counts[label, lang, polarity] >= 10, (label, lang, polarity)


def test_negatives_include_the_speech_rights_md_protects():
    kinds = {e.kind for e in load_taxonomy().examples if e.polarity == "negative"}
    for needed in (
        "criticism_official",
        "criticism_police",
        "criticism_court",
        "criticism_policy",
        "satire",
        "protest",
        "whistleblowing",
        "religious",
        "minority_language",
        "near_miss",
        "news",
        "film_review",
    ):
        assert needed in kinds, needed


def test_a_held_out_test_split_exists_for_every_label_language_and_polarity():
    tax = load_taxonomy()
    ids = [e.id for e in tax.examples]
    assert len(ids) == len(set(ids))
    for label in LABELS:
        for lang in ("zh", "en"):
            for polarity in ("positive", "negative"):
                rows = [e for e in tax.examples_for(label, polarity=polarity) if e.lang == lang]
                test = [e for e in rows if e.split == "test"]
                assert 3 <= len(test) < len(rows) / 2, (label, lang, polarity)


def test_a_label_file_with_an_eleventh_label_is_refused(tmp_path):
    extra = tmp_path / "labels.toml"
    extra.write_text(
        LABELS_FILE.read_text(encoding="utf-8")
        + '\n[labels.political_opinion]\ntitle = "x"\ntitle_zh = "x"\ndefinition = "x"\n'
        'definition_zh = "x"\ndsa_category = "x"\nmisuse = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="closed to exactly 10 labels.*political_opinion"):
        load_taxonomy(extra, EXAMPLES_FILE)


def test_a_label_that_may_not_be_auto_actioned_is_refused(tmp_path):
    bad = tmp_path / "labels.toml"
    text = LABELS_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace("auto_action = false", "auto_action = true", 1), encoding="utf-8")
    with pytest.raises(ModelError, match="may not be auto-actioned"):
        load_taxonomy(bad, EXAMPLES_FILE)
