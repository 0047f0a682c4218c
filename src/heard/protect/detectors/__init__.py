"""Detectors for the closed taxonomy, each returning explained ``Flag``s.

* ``rules``: named cues and rules read from ``rules/<label>.toml`` (scam_fraud, spam,
  sexual_solicitation, violent_threat, terrorism_incitement, self_harm_promotion,
  contraband_sale);
* ``offensive``: harassment and hate — target rules, with the COLD head as a second key for
  Chinese (the head alone never flags);
* ``sms_spam``: the SMS Spam Collection head for English, with a commercial signal required;
* ``written_head``: scam and spam heads learnt from texts Heard's contributors wrote (plus the
  SMS Spam Collection); review only, never actioned automatically;
* ``doxxing``: personal-data spans plus exposure or a call to go after the person.

``default_detectors()`` is the set ``HarmStage`` runs.
"""

from __future__ import annotations

from heard.protect.detectors.doxxing import DoxxingDetector
from heard.protect.detectors.flag import Detector, Flag, Match
from heard.protect.detectors.offensive import OffensiveDetector
from heard.protect.detectors.rules import RuleDetector
from heard.protect.detectors.sms_spam import SmsSpamDetector
from heard.protect.detectors.written_head import WrittenHeadDetector

RULE_LABELS = (
    "scam_fraud",
    "spam",
    "sexual_solicitation",
    "violent_threat",
    "terrorism_incitement",
    "self_harm_promotion",
    "contraband_sale",
)


def default_detectors() -> list[Detector]:
    return [
        *(RuleDetector(label) for label in RULE_LABELS),
        OffensiveDetector(),
        SmsSpamDetector(),
        WrittenHeadDetector(),
        DoxxingDetector(),
    ]


__all__ = [
    "Detector",
    "DoxxingDetector",
    "Flag",
    "Match",
    "OffensiveDetector",
    "RULE_LABELS",
    "RuleDetector",
    "SmsSpamDetector",
    "WrittenHeadDetector",
    "default_detectors",
]
