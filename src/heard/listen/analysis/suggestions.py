"""Suggestions digest: what people propose, grouped by what the proposals are about.

Input: posts with their intent label and tokens (the ``intent`` and ``tokens`` stages' output).
Only ``suggestion`` posts are grouped. A group is the set of suggestions that share a keyword;
keywords are chosen greedily, the most widely shared first, scored by how many distinct authors
use the term among suggestions times how specific it is to suggestions (a word every post uses,
like the city's own name, or 领导 and 尊敬 in every letter, is not a proposal's subject: the score
multiplies by the square root of the term's lift, its share among suggestions over its share
among all posts). The verbs of proposing themselves (建议,
增设, should, add …) are not subjects: each group lists the ones its posts use as ``proposes``.

Pure: no I/O, deterministic (ties broken by the term). RIGHTS.md §4: a group is shown only when
at least ``min_authors`` distinct authors made it (k ≥ 5 by default); posts without an author key
count as one unknown author together.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from heard.listen.analysis.keywords import STOPWORDS, usable
from heard.models.intent_cues import SUGGESTION

MIN_AUTHORS = 5
LETTER_FILLER = frozenset(
    "领导 尊敬 您好 你好 书记 市长 局长 县长 各位 谢谢 感谢 相关 有关 部门 政府 考虑 方便 很多 尽快"
    " "
    "能够 目前 现在 已经 没有 我们 大家 居民 市民 群众 业主 本人 情况 方面 工作 时间 地方 进行 "
    "please thanks city people really think would like".split()
)
"""Words of address and courtesy that every letter to an institution uses (written for Heard)."""
UNKNOWN_AUTHOR = "\x00unknown"


@dataclass(frozen=True)
class DigestPost:
    """What the digest needs of one post."""

    id: str
    intent: str
    tokens: Sequence[str]
    author: str | None = None


@dataclass(frozen=True)
class SuggestionGroup:
    """Suggestions that share ``keyword``; ``keywords`` adds the terms they most often share too."""

    keyword: str
    keywords: tuple[str, ...]
    post_ids: tuple[str, ...]
    authors: int
    proposes: tuple[str, ...]

    @property
    def label(self) -> str:
        return " · ".join(self.keywords)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "keyword": self.keyword,
            "keywords": list(self.keywords),
            "posts": len(self.post_ids),
            "authors": self.authors,
            "post_ids": list(self.post_ids),
            "proposes": list(self.proposes),
        }


def _is_proposal_verb(term: str) -> bool:
    return any(pattern.fullmatch(term) for pattern, _weight in SUGGESTION)


def suggestion_digest(
    posts: Iterable[DigestPost],
    *,
    min_authors: int = MIN_AUTHORS,
    max_groups: int = 20,
    keywords_per_group: int = 3,
    stopwords: frozenset[str] = STOPWORDS | LETTER_FILLER,
) -> list[SuggestionGroup]:
    """Group the ``suggestion`` posts among ``posts`` by shared keyword, largest groups first.

    Every post is scored against all ``posts`` (the background): a term's specificity is
    ``log(1 + N / df_all)``. A post joins the first (best) group whose keyword it contains, so
    groups do not overlap. Groups with fewer than ``min_authors`` distinct authors are left out.
    """
    if min_authors < 1:
        raise ValueError(f"min_authors must be at least 1, got {min_authors}")
    everything = list(posts)
    df_all: Counter[str] = Counter()
    for post in everything:
        df_all.update(set(post.tokens))
    n_all = max(len(everything), 1)
    suggestions = [p for p in everything if p.intent == "suggestion"]
    terms_of = {p.id: {t for t in p.tokens if usable(t, stopwords)} for p in suggestions}
    df_sugg: Counter[str] = Counter()
    for terms in terms_of.values():
        df_sugg.update(terms)
    n_sugg = max(len(suggestions), 1)

    def score(term: str, authors: int) -> float:
        lift = (df_sugg[term] / n_sugg) / (df_all[term] / n_all)
        return authors * math.log(1 + n_all / df_all[term]) * math.sqrt(lift)

    author_of = {p.id: p.author or UNKNOWN_AUTHOR for p in suggestions}
    remaining = {p.id for p in suggestions}
    order = [p.id for p in suggestions]
    groups: list[SuggestionGroup] = []
    while remaining and len(groups) < max_groups:
        authors_by_term: dict[str, set[str]] = defaultdict(set)
        for pid in remaining:
            for term in terms_of[pid]:
                if not _is_proposal_verb(term):
                    authors_by_term[term].add(author_of[pid])
        scored = [
            (score(t, len(a)), t) for t, a in authors_by_term.items() if len(a) >= min_authors
        ]
        if not scored:
            break
        _score, keyword = max(scored, key=lambda st: (st[0], _tie(st[1])))
        members = [pid for pid in order if pid in remaining and keyword in terms_of[pid]]
        shared: Counter[str] = Counter()
        verbs: Counter[str] = Counter()
        for pid in members:
            for term in terms_of[pid]:
                (verbs if _is_proposal_verb(term) else shared)[term] += 1
        shared.pop(keyword, None)
        extra = sorted(shared.items(), key=lambda tc: (-tc[1], tc[0]))
        extra = [t for t, c in extra if c >= 2][: keywords_per_group - 1]
        groups.append(
            SuggestionGroup(
                keyword=keyword,
                keywords=(keyword, *extra),
                post_ids=tuple(members),
                authors=len({author_of[pid] for pid in members}),
                proposes=tuple(
                    t for t, _c in sorted(verbs.items(), key=lambda tc: (-tc[1], tc[0]))[:3]
                ),
            )
        )
        remaining.difference_update(members)
    return groups


def _tie(term: str) -> tuple[int, str]:
    """Deterministic tie-break for ``max``: shorter, then lexicographically *first* term wins."""
    return (-len(term), "".join(chr(0x10FFFF - ord(c)) for c in term))
