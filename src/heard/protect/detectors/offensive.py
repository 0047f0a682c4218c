"""Harassment and hate: target cues from the rules AND, for Chinese, agreement of the COLD head.

A classifier trained on COLD learns "offensive" as a property of the words, and flags police and
policy criticism (measured in issue 19: 6 of 35 legitimate items). So the head alone never flags
here. A flag needs a target: ``rules/harassment.toml`` (a person addressed with a personal
insult, or an abuse campaign) or ``rules/hate.toml`` (a protected group with a degrading
predicate). For Chinese text the COLD head must then also reach ``head_gate``; its probability
and the n-grams that drove it are part of the evidence. English text has no offensive head
(the licensed data has none), so the rules decide alone.
"""

from __future__ import annotations

from typing import ClassVar

from heard.protect.detectors.flag import Flag
from heard.protect.detectors.fold import TextForm, text_forms
from heard.protect.detectors.rules import RuleDetector
from heard.protect.detectors.script import is_chinese
from heard.protect.heads import TextHead, load_head

HEAD_GATE = 0.15
"""The COLD probability a Chinese text must reach besides the target rule. Low on purpose: COLD
is about attacks on groups (race, gender, region) and scores many personal insults low (measured
on the taxonomy's train split with head v1: 0.17–0.19 for 神经病, 丑八怪, 像头猪), so the head is a
veto for texts it is sure are inoffensive, not a detector; the target rules carry the decision.
Head v2 vetoes one train-split hate example that v1 let through, "同性恋就是有病，应该强制治疗。"
(0.09; COLD has no sexual-orientation topic)."""


class OffensiveDetector:
    """``harassment`` and ``hate`` flags: rules for the target, the COLD head as a second key."""

    name: ClassVar[str] = "offensive"

    def __init__(self, head: TextHead | None = None, head_gate: float = HEAD_GATE):
        self.head = head or load_head("cold")
        self.head_gate = head_gate
        self.rules = {label: RuleDetector(label) for label in ("harassment", "hate")}

    @property
    def version(self) -> str:
        versions = "+".join(f"{k}{d.version}" for k, d in self.rules.items())
        return f"{versions}+{self.head.model}"

    def detect(self, texts: list[str], forms: list[TextForm] | None = None) -> list[list[Flag]]:
        candidates = [
            [f for d in self.rules.values() if (f := d.flag(form)) is not None]
            for form in text_forms(texts, forms)
        ]
        need_head = [i for i, (t, c) in enumerate(zip(texts, candidates)) if c and is_chinese(t)]
        probs = (
            dict(zip(need_head, self.head.proba([texts[i] for i in need_head])))
            if need_head
            else {}
        )
        out: list[list[Flag]] = []
        for i, flags in enumerate(candidates):
            kept = []
            for f in flags:
                details = dict(f.details)
                if i in probs:
                    p = float(probs[i])
                    details.update(
                        head=self.head.model, head_score=round(p, 4), head_gate=self.head_gate
                    )
                    if p < self.head_gate:
                        continue
                    details["head_ngrams"] = self.head.top_features(texts[i])
                else:
                    details["head"] = None  # not Chinese: no licensed head reads it
                kept.append(
                    Flag(
                        f.label,
                        f.score,
                        f.threshold,
                        f"offensive.{f.label}",
                        self.version,
                        f.rule,
                        f.matches,
                        details,
                    )
                )
            out.append(kept)
        return out
