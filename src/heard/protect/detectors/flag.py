"""The explained flag every detector returns (RIGHTS.md §5), and the detector protocol.

A ``Flag`` says which label, how sure (``score``), the bar it cleared (``threshold``), who said so
(``detector`` and ``version``) and why (``evidence``: the matched terms with their character
spans, the rule or cue names, the head's score, the nearest taxonomy examples). It is a proposal
for a person to review, except for spam and scams above their threshold (RIGHTS.md §5).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from heard.protect.detectors.fold import TextForm


@dataclass(frozen=True, slots=True)
class Match:
    """One piece of evidence in the text: what matched, where, and which cue it stands for."""

    cue: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Flag:
    label: str
    score: float
    threshold: float
    detector: str
    version: str
    rule: str
    matches: tuple[Match, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["matches"] = [asdict(m) for m in self.matches]
        out["score"] = round(self.score, 4)
        return out

    def explain(self) -> str:
        """One line a moderator can read: label, score vs threshold, detector, what matched."""
        terms = ", ".join(f"{m.cue}: {m.text!r}@{m.start}" for m in self.matches) or "no terms"
        return (
            f"{self.label} {self.score:.2f} ≥ {self.threshold:.2f}"
            f" by {self.detector}@{self.version}"
            f" ({self.rule}; {terms})"
        )


@runtime_checkable
class Detector(Protocol):
    """Texts in, a list of flags per text out (empty when nothing is found). ``forms`` (one per
    text, ``fold.TextForm``) share the lower-cased and folded texts between detectors."""

    name: ClassVar[str]

    @property
    def version(self) -> str: ...

    def detect(self, texts: list[str], forms: list[TextForm] | None = None) -> list[list[Flag]]: ...
