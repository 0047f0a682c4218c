"""An automated decision needs two independent detectors to agree (RIGHTS.md §5): a rule set
and a learned head, each over its own bar; one detector alone, two heads that learnt from the
same corpus, or a head that is for review only because of what the text is, never suffice."""

from __future__ import annotations

from heard.protect.automation import automatable, family_of, why_not_automated
from heard.protect.detectors import Flag
from heard.protect.stage import merge_flags


def _flag(detector, score, label="spam", **details):
    return Flag(label, score, 0.7, detector, "1", "r", (), details)


def _merged(*flags):
    [merged] = merge_flags([[f] for f in flags])
    return merged


def test_families():
    assert family_of("rules.spam") == family_of("rules.scam_fraud") == "rules"
    assert family_of("sms_spam") == family_of("written_head") == "learned"
    assert family_of("doxxing") == "doxxing"


def test_one_detector_alone_is_never_automated():
    alone = _merged(_flag("rules.spam", 0.99))
    assert not automatable(alone, 0.9)
    assert "two independent detectors" in why_not_automated("spam", 0.99, "rules.spam", alone, 0.9)
    assert not automatable(_merged(_flag("sms_spam", 1.0)), 0.9)


def test_a_rule_set_and_a_head_that_agree_are_automated():
    agreed = _merged(_flag("rules.spam", 0.95), _flag("sms_spam", 0.93))
    assert agreed["detector"] == "rules.spam" and agreed["also"] == ["sms_spam"]
    assert agreed["seconded_by"][0]["detector"] == "sms_spam"
    assert automatable(agreed, 0.9)
    # the written head is for review only, but may second a rule set's flag
    second_key = _flag("written_head", 0.8, review_only=True, second_key=True)
    assert automatable(_merged(_flag("rules.spam", 0.92), second_key), 0.9)
    assert not automatable(_merged(_flag("rules.spam", 0.85), second_key), 0.9)  # below the bar


def test_two_heads_of_one_corpus_or_a_cautious_head_do_not_count():
    heads = _merged(
        _flag("sms_spam", 1.0), _flag("written_head", 0.99, review_only=True, second_key=True)
    )
    assert not automatable(heads, 0.9)  # both learnt from the SMS Spam Collection
    link_only = _flag("sms_spam", 0.95, review_only=True)  # a link alone, civic speech …
    assert not automatable(_merged(_flag("rules.spam", 0.95), link_only), 0.9)


def test_other_labels_and_review_only_leads_are_never_automated():
    threat = _merged(
        _flag("rules.violent_threat", 0.99, label="violent_threat"),
        _flag("offensive", 0.99, label="violent_threat"),
    )
    assert "never decided automatically" in why_not_automated(
        "violent_threat", 0.99, threat["detector"], threat, 0.9
    )
    assert not automatable(threat, 0.9)
