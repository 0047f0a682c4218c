"""Intent of a post from its cue phrases: complaint, suggestion, question, praise, incident report.

Rules, not a fitted model: the cue lists (``intent_cues``) were written for Heard, and the decision
below picks the intent with the most cue weight, with two exceptions that a plain maximum gets
wrong on message boards:

- **praise** needs real praise (表扬, 点赞, thank you for …), not a courteous "谢谢" after a
  request, and must outweigh the complaint cues (a thank-you inside a complaint stays a complaint);
- **incident report** needs an event (fire, collapse, burst main, outage, accident) that outweighs
  the grievance: "又停水了，谁来管管" complains about a repeated outage; "路口水管爆裂，水漫到路上"
  reports one.

A post with no cue at all is ``other``, or ``complaint`` at low confidence when it has a title
(a letter to an institution: on the Teddy Cup boards 68 % of randomly drawn messages are
complaints). Standing hazards and repeated events (隐患, 频发, 万一) halve the incident weight and
make it need twice the complaint weight: a report of one event needs a response now; a recurring
problem is a grievance. A strong grievance (complaint weight ≥ ``STRONG_GRIEVANCE``) halves the
question and suggestion weights: "请问何时能解决？" at the end of a long complaint is still one.
``confidence`` is the winning weight's share of all cue weight (1.0 when one intent alone is
cued). See ``heads/intent.MODEL_CARD.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heard.models.intent_cues import CUES_VERSION, INTENTS, OTHER, CueHits, find_cues

MODEL_NAME = "heard-intent-rules"
MODEL_VERSION = CUES_VERSION
LABELS = (*INTENTS, OTHER)
INCIDENT_MIN = 2.0
"""An incident report needs at least this much incident cue weight: one event cue (火灾, 爆裂,
"explosion"), or an outage plus a time or consequence cue (停水 + 刚刚, 漏水 + 无法通行)."""
UNCUED_TITLED = 0.2
DISCOUNTED_EVENT = 1.5
STRONG_GRIEVANCE = 4.0
"""Complaint cue weight at which questions and suggestions count half (see ``decide``)."""
PRIORITY = ("incident_report", "complaint", "question", "suggestion", "praise")
"""Tie-break order: the more actionable intent wins a tie."""


@dataclass(frozen=True)
class IntentResult:
    label: str
    confidence: float
    weights: dict[str, float]
    cues: dict[str, list[str]]

    def evidence(self) -> dict[str, Any]:
        """What the label rests on: model, label, confidence, the cue weights and words found."""
        return {
            "model": f"{MODEL_NAME}@{MODEL_VERSION}",
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "weights": {k: round(v, 2) for k, v in self.weights.items() if v},
            "cues": {k: v for k, v in self.cues.items() if v},
        }


def decide(hits: CueHits, titled: bool = False) -> tuple[str, float]:
    """The intent label and its confidence from cue weights (see the module docstring).

    ``titled``: the post has a title, as letters to an institution do; with no cue at all, such a
    post is most often a grievance (``complaint`` at confidence ``UNCUED_TITLED``), where an
    untitled one (a tweet) is ``other``."""
    w = dict(hits.weights)
    if hits.recurring:
        w["incident_report"] *= 0.5
    total = sum(w.values())
    if total <= 0:
        return ("complaint", UNCUED_TITLED) if titled else (OTHER, 0.0)
    if not hits.praises:
        w["praise"] = 0.0
    event_share = 2.0 if hits.recurring else 0.8
    if w["incident_report"] < INCIDENT_MIN or w["incident_report"] < event_share * w["complaint"]:
        w["incident_report"] = min(w["incident_report"], 0.0)
    if w["complaint"] >= STRONG_GRIEVANCE:
        # A letter full of grievance that also asks (请问…何时解决？) or proposes is a complaint.
        w["question"] *= 0.5
        w["suggestion"] *= 0.5
    best = max(PRIORITY, key=lambda k: (w[k], -PRIORITY.index(k)))
    if w[best] <= 0:
        # Here: an event cue discounted as a standing hazard (事故频发), a lone time word, or a
        # courtesy 谢谢. A hazard or event cue of some weight, or a title, makes a grievance.
        grievance = titled or (
            hits.recurring and hits.weights["incident_report"] >= DISCOUNTED_EVENT
        )
        return ("complaint", UNCUED_TITLED) if grievance else (OTHER, 0.0)
    return best, w[best] / total


def classify(text: str, titled: bool = False) -> IntentResult:
    """Intent of one post (any language; the cues are Chinese and English). ``titled``: the post
    has a title (``text`` then starts with it, as ``text_norm`` does)."""
    hits = find_cues(text)
    label, confidence = decide(hits, titled)
    return IntentResult(label, confidence, hits.weights, hits.words)


def model_name() -> str:
    return f"{MODEL_NAME}@{MODEL_VERSION}"
