"""Intent shares per group (topic, issue, day …): what share of its posts complain, ask, propose.

Pure: rows in, shares out. RIGHTS.md §4: a group is reported only when at least ``min_authors``
distinct authors posted in it (k ≥ 5 by default); posts without an author key count as no
author, so unknown authors never help a small group pass k (as everywhere in Heard). Shares
are over the group's posts; every label of ``heard.models.intent_rules.LABELS`` is present
(0.0 when unused), so a dashboard can draw the same bars for every group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from heard.models.intent_rules import LABELS

MIN_AUTHORS = 5


@dataclass(frozen=True)
class IntentShare:
    posts: int
    authors: int
    counts: dict[str, int]

    @property
    def shares(self) -> dict[str, float]:
        return {label: round(self.counts[label] / self.posts, 4) for label in LABELS}

    @property
    def leading(self) -> str:
        """The most frequent intent (ties: the order of ``LABELS``)."""
        return max(LABELS, key=lambda label: (self.counts[label], -LABELS.index(label)))

    def as_dict(self) -> dict:
        return {
            "posts": self.posts,
            "authors": self.authors,
            "counts": dict(self.counts),
            "shares": self.shares,
            "leading": self.leading,
        }


def intent_shares(
    rows: Iterable[tuple[Hashable, str, str | None]], *, min_authors: int = MIN_AUTHORS
) -> dict[Hashable, IntentShare]:
    """``(group, intent_label, author_key)`` rows → each group's intent counts and shares.

    Groups with fewer than ``min_authors`` distinct authors are left out. An unknown label is an
    error (the stage only assigns ``LABELS``), not a silent new bar."""
    if min_authors < 1:
        raise ValueError(f"min_authors must be at least 1, got {min_authors}")
    counts: dict[Hashable, Counter[str]] = defaultdict(Counter)
    authors: dict[Hashable, set[str]] = defaultdict(set)
    for group, label, author in rows:
        if label not in LABELS:
            raise ValueError(
                f"unknown intent label {label!r} (expected one of {', '.join(LABELS)})"
            )
        counts[group][label] += 1
        if author:
            authors[group].add(author)
    return {
        group: IntentShare(sum(c.values()), len(authors[group]), {lab: c[lab] for lab in LABELS})
        for group, c in counts.items()
        if len(authors[group]) >= min_authors
    }
