"""The literal strings a cue cannot match without, so most cues never run their expression.

A rule file's cues are regular expressions, and the gate of a rule set searches every rule's first
cue over every post (59 of them for ``scam_fraud``): on ordinary posts, where nothing fires, that
search was most of protect's cost. Yet nearly every cue names words: ``安全账户``, ``(hi|hey)
(mum|mom|dad)``. ``required_literals`` reads a pattern's parse tree and returns a set of strings
one of which every match contains (``{"mum", "mom", "dad"}``), or None when it cannot name one
(``[\\d,]+``). ``LiteralIndex`` then finds, in one Aho-Corasick pass over the text, which
cues could match at all; only those run their expression. The answer is always the
expression's: the literals only rule a cue out, never in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

_MAX_CHAR_CLASS = 8
"""A character class of up to this many plain characters counts as a set of one-character
literals (``[王李张]``); larger ones or ranges name nothing."""

Literals = frozenset[str]


def required_literals(pattern: str) -> Literals | None:
    """Strings one of which every match of ``pattern`` contains, or None when there is no such
    set to name (a class, a range, an optional part, a flag change)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None  # the literals would not be compared as written
    return _sequence(parsed)


def _key(literals: Literals) -> tuple[int, int]:
    """Longer literals rule out more texts; fewer alternatives cost fewer look-ups."""
    return (min(len(s) for s in literals), -len(literals))


def _sequence(items: Iterable[tuple[Any, Any]]) -> Literals | None:
    """The most selective requirement among the parts of a sequence (each part is required)."""
    best: Literals | None = None
    run: list[str] = []

    def consider(found: Literals | None) -> None:
        nonlocal best
        if found and (best is None or _key(found) > _key(best)):
            best = found

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(frozenset({"".join(run)}))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not (add_flags or del_flags):
                consider(_sequence(sub))
        elif op is sre.BRANCH:
            consider(_branch(av[1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                consider(_sequence(sub))
        elif op is sre.ATOMIC_GROUP:
            consider(_sequence(av))
        elif op is sre.IN:
            members = list(av)
            if 0 < len(members) <= _MAX_CHAR_CLASS and all(o is sre.LITERAL for o, _ in members):
                consider(frozenset(chr(v) for _, v in members))
        # anything else (AT, ANY, NOT_LITERAL, CATEGORY, ASSERT, GROUPREF …) requires no literal
    if run:
        consider(frozenset({"".join(run)}))
    return best


def _branch(alternatives: Iterable[Iterable[tuple[Any, Any]]]) -> Literals | None:
    """Every alternative must name a requirement; the union is the branch's."""
    out: set[str] = set()
    for alternative in alternatives:
        found = _sequence(alternative)
        if found is None:
            return None
        out |= found
    return frozenset(out)


class LiteralIndex:
    """Which of a set of named cues could match a text: the cues with no literals always, the
    others when one of their literals occurs in it. One Aho-Corasick pass over the text finds
    every literal, overlapping ones included (pyahocorasick, C)."""

    def __init__(self, needs: Mapping[str, Literals | None]):
        self.always = frozenset(name for name, literals in needs.items() if literals is None)
        names_of: dict[str, set[str]] = defaultdict(set)
        for name, literals in needs.items():
            for literal in literals or ():
                names_of[literal].add(name)
        self.automaton: Any = None
        if names_of:
            self.automaton = ahocorasick.Automaton()
            for literal, names in names_of.items():
                self.automaton.add_word(literal, frozenset(names))
            self.automaton.make_automaton()

    def possible(self, text: str) -> set[str]:
        found = set(self.always)
        if self.automaton is not None:
            for _end, names in self.automaton.iter(text):
                found |= names
        return found
