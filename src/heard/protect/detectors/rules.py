"""Rule detectors: named cues (lists of patterns) combined by named rules, read from TOML.

Each ``rules/<label>.toml`` file holds one label's cues and rules, readable by a moderator::

    [cues]
    safe_account = ["安全账户", "safe (holding )?account"]
    transfer = ["转(入|到|给)", "move (them|it|your savings)"]
    warning = ["不存在安全账户", "never ask"]

    [[rules]]
    name = "safe_account_transfer"
    score = 0.95
    all = ["safe_account", "transfer"]   # every cue must match
    any = []                             # optional: at least one of these
    none = ["warning"]                   # none of these may match (news, warnings, advice)
    window = 40                          # optional: the matches lie within 40 characters (×3 for
                                         # text that is not Chinese)

A cue is a list of regular expressions (case-insensitive). ``window`` keeps a rule from firing on
words scattered over a long complaint ("必须 … 地铁 … 爆炸" three paragraphs apart). A label's
score is its best firing rule's score; it becomes a flag at or above the file's ``threshold``.
The evidence is every match of the cues that made the rule fire, with character spans.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from heard.errors import ModelError
from heard.protect.detectors.flag import Flag, Match
from heard.protect.detectors.fold import TextForm, text_forms
from heard.protect.detectors.literals import LiteralIndex, required_literals
from heard.protect.detectors.script import is_chinese
from heard.protect.taxonomy import LABELS

RULES_DIR = Path(__file__).resolve().parent / "rules"
LATIN_WINDOW_SCALE = 3
"""A window is written in Chinese characters; English spends about three characters per one."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    score: float
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]
    window: int | None = None


def _near(found: dict[str, list[Match]], cues: list[str], window: int) -> bool:
    """Some match of the first cue has a match of every other cue within ``window`` characters."""
    if len(cues) < 2:
        return True
    first, *rest = cues
    return any(
        all(any(abs(m.start - anchor.start) <= window for m in found[c]) for c in rest)
        for anchor in found[first]
    )


def lower_pattern(pattern: str) -> str:
    """``pattern`` for lower-cased text: letters lowered except escapes (``\\D``, ``\\S`` …)."""
    out, escaped = [], False
    for ch in pattern:
        out.append(ch if escaped else ch.lower())
        escaped = ch == "\\" and not escaped
    return "".join(out)


class CueHits(dict):
    """A text's cue matches, computed only when a rule asks (most texts fail a rule's first cue,
    so most cues are never run): ``hits[cue]`` is a list, empty when the cue does not match. A
    cue none of whose required literals occurs in the text (``literals.py``) is not run at all."""

    def __init__(self, text: str | TextForm, rules: RuleSet):
        super().__init__()
        form = text if isinstance(text, TextForm) else TextForm(text)
        self.text, self.cues = form.text, rules.cues
        # folded: spelling tricks undone; ``index`` maps back into ``text`` (see fold.py)
        self.lowered, self.index = form.read(rules.fold)
        self.possible = rules.literals.possible(self.lowered)

    def _span(self, start: int, end: int) -> tuple[int, int]:
        if self.index is None:
            return start, end
        return self.index[start], self.index[end - 1] + 1

    def __missing__(self, cue: str) -> list[Match]:
        if cue not in self.possible:
            self[cue] = []
            return []
        spans = [
            self._span(m.start(), m.end())
            for p in self.cues[cue]
            for m in p.finditer(self.lowered)
            if m.end() > m.start()
        ]
        found = [Match(cue, self.text[a:b], a, b) for a, b in spans]
        self[cue] = found
        return found

    def matched(self) -> dict[str, list[Match]]:
        return {cue: hits for cue, hits in self.items() if hits}


def _fires(rule: Rule, hits: CueHits, scale: int = 1) -> bool:
    # Cheapest question first: ``all`` then ``any``; the ``none`` cues (long lists of warning
    # and complaint words) are only run on a text that would otherwise fire.
    if not all(hits[c] for c in rule.all):
        return False
    options = [[*rule.all, c] for c in rule.any if hits[c]] if rule.any else [list(rule.all)]
    if not options or any(hits[c] for c in rule.none):
        return False
    if rule.window is None:
        return True
    return any(_near(hits, cues, rule.window * scale) for cues in options)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One label's cues and rules. Each cue's patterns are joined into one alternation, so a cue
    costs one pass over the text."""

    label: str
    version: str
    threshold: float
    cues: dict[str, tuple[re.Pattern[str], ...]]
    rules: tuple[Rule, ...]
    literals: LiteralIndex
    """Which cues could match a text at all (their required literals, ``literals.py``)."""
    gate: tuple[str, ...] | None = None
    """Every rule's first cue: a text none of them matches cannot fire a rule. Only the gate
    cues whose literals occur in the text are searched, one by one. (One alternation of them all
    was slower than the rules themselves: 4.3 ms against 1.2 ms per 附件4 message for
    scam_fraud v2, as Python's regex engine loses its literal prefix scan on a long mixed
    alternation.)"""
    fold: bool = False
    """Undo spelling tricks (spacing, full-width, look-alikes) before the cues read the text."""

    def cue_matches(
        self, text: str | TextForm, names: set[str] | None = None
    ) -> dict[str, list[Match]]:
        hits = CueHits(text, self)
        for cue in self.cues if names is None else names:
            hits[cue]  # noqa: B018 - computes and caches
        return hits.matched()

    def evaluate(self, text: str | TextForm) -> tuple[float, list[Rule], dict[str, list[Match]]]:
        """Best score, the rules that fired (best first) and the cue matches found on the way."""
        hits = CueHits(text, self)
        if self.gate is not None and not any(
            self.cues[g][0].search(hits.lowered) for g in self.gate if g in hits.possible
        ):
            return 0.0, [], {}  # no rule's first cue matches anywhere: no rule can fire
        scale = 1 if is_chinese(hits.text) else LATIN_WINDOW_SCALE
        fired = [r for r in self.rules if _fires(r, hits, scale)]
        fired.sort(key=lambda r: -r.score)
        return (fired[0].score if fired else 0.0), fired, hits.matched()


def _compile(label: str, cue: str, pattern: str, path: Path) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ModelError(
            f"{path.name}: cue {cue!r} has a bad pattern {pattern!r} ({exc})",
            f"fix the pattern in {path}",
        ) from exc


def load_ruleset(path: Path) -> RuleSet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"rule file {path} cannot be read ({exc})", f"fix {path}") from exc
    label = data.get("label")
    if label not in LABELS:
        raise ModelError(
            f"{path.name}: label {label!r} is not in the closed taxonomy",
            f"use one of {', '.join(LABELS)}",
        )
    cues, needs = {}, {}
    for name, patterns in data.get("cues", {}).items():
        for p in patterns:
            _compile(label, name, p, path)  # one by one first, so an error names the pattern
        joined = "|".join(f"(?:{lower_pattern(p)})" for p in patterns)
        cues[name] = (re.compile(joined),)  # run on lower-cased text (see lower_text)
        needs[name] = required_literals(joined)
    rules = []
    for raw in data.get("rules", []):
        rule = Rule(
            name=raw["name"],
            score=float(raw["score"]),
            all=tuple(raw.get("all", ())),
            any=tuple(raw.get("any", ())),
            none=tuple(raw.get("none", ())),
            window=int(raw["window"]) if "window" in raw else None,
        )
        unknown = [c for c in (*rule.all, *rule.any, *rule.none) if c not in cues]
        if unknown:
            raise ModelError(
                f"{path.name}: rule {rule.name!r} names cues that are not defined: {unknown}",
                f"define them under [cues] in {path}",
            )
        rules.append(rule)
    entry = {r.all[0] if r.all else None for r in rules}
    gate = None
    if entry and None not in entry:  # every rule needs its first cue: they can rule all out
        gate = tuple(sorted(entry))
    return RuleSet(
        literals=LiteralIndex(needs),
        gate=gate,
        fold=bool(data.get("fold", False)),
        label=label,
        version=str(data.get("version", "1")),
        threshold=float(data.get("threshold", 0.5)),
        cues=cues,
        rules=tuple(rules),
    )


@lru_cache(maxsize=32)
def ruleset(label: str) -> RuleSet:
    path = RULES_DIR / f"{label}.toml"
    if not path.is_file():
        raise ModelError(f"no rule file for {label!r} at {path}", "reinstall heard")
    return load_ruleset(path)


class RuleDetector:
    """One label's rules as a detector. ``name`` is ``rules.<label>``."""

    name: ClassVar[str] = "rules"

    def __init__(self, label: str, rules: RuleSet | None = None):
        self.rules = rules or ruleset(label)
        self.label = label
        self.detector = f"rules.{label}"

    @property
    def version(self) -> str:
        return self.rules.version

    def flag(self, text: str | TextForm) -> Flag | None:
        score, fired, found = self.rules.evaluate(text)
        if not fired or score < self.rules.threshold:
            return None
        best = fired[0]
        matches = tuple(m for cue in (*best.all, *best.any) for m in found.get(cue, ()))
        return Flag(
            label=self.label,
            score=score,
            threshold=self.rules.threshold,
            detector=self.detector,
            version=self.version,
            rule=best.name,
            matches=matches,
            details={"rules_fired": [r.name for r in fired]},
        )

    def detect(self, texts: list[str], forms: list[TextForm] | None = None) -> list[list[Flag]]:
        return [[f] if (f := self.flag(form)) else [] for form in text_forms(texts, forms)]
