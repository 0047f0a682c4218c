"""What an official reads of an issue: its place, its problem, when, how many, how hot.

Pure functions over one group's messages (``grouping.Group``); the clock is the board's own
(its newest message), so a historical board is measured as of its end.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from heard.listen.analysis.bursts import DAY, BurstConfig, window_growth
from heard.listen.analysis.heat import combine, negativity_of
from heard.listen.analysis.keywords import fragments, usable
from heard.listen.analysis.name_pieces import cut_from_a_name
from heard.listen.issues.grouping import CODES, Group

TITLE_CHARS = 60
"""A message without a title is represented by the start of its text, this long."""


def title_from(text: str) -> str:
    """The start of a message's text as its title, marked with … where the text goes on (an
    issue's title used to end mid-word: "… felt unsa"). A cut never falls inside personal data:
    it goes back to where that starts, as the first digits of an ID cut short are no longer an
    ID to the redaction every display runs over the title (RIGHTS.md §7)."""
    from heard.protect.pii import find_pii

    text = (text or "").strip()
    if len(text) <= TITLE_CHARS:
        return text
    cut = TITLE_CHARS
    for span in find_pii(text[: TITLE_CHARS * 2], masked=True):
        if span.start < cut < span.end:
            cut = span.start
    return text[:cut].rstrip() + "…"


def shown_title(title: str) -> str:
    """A message's title as an issue shows it: the board's codes (A市) and end punctuation off."""
    return CODES.sub("", title).strip("，。！？ ")


DISTRICT = re.compile(r"[A-Z]\d{1,2}(?:区|县)")
HEAT_WINDOW = 30 * DAY
"""Heat's growth compares an issue's busiest 30 days with its history before them."""
RECENT = 7 * DAY
"""An issue is *bursting* when its last 7 days (before the board's newest message) are
significantly above its own history."""
BURST_P = 1e-4
MIN_HISTORY = 3 * DAY
"""Board time before the last 7 days needed to call any issue bursting: on a store a few days
old every issue's history is the prior alone (one message a month), so six messages in the
first week read as p ≈ 5e-5 and every issue of a new deployment fired an alert. Three days,
not seven: the demo's water-main burst comes on day 10 of its board, 6 days after its start."""


@dataclass(frozen=True)
class MessageFacts:
    """What measuring reads of one message (no author identity: only an opaque key to count)."""

    post_id: str
    title: str
    t: float
    author_key: str | None
    engagement: int
    sentiment: float | None
    terms: tuple[str, ...]
    topic_id: int | None = None
    text: str = ""
    """Title and body as written (a term cut from a place name is read in it)."""


@dataclass
class IssueRecord:
    """One issue as stored (``issue_id`` is given by the operator)."""

    anchor: str
    place: str
    problem: str
    terms: list[str]
    title: str
    messages: int
    distinct_messages: int
    authors: int
    first_seen: float
    last_seen: float
    heat: float
    heat_components: dict[str, Any]
    burst_p: float
    bursting: bool
    topic_id: int | None
    coherence: float
    members: list[str]
    duplicates_of: dict[str, str] = field(default_factory=dict)
    issue_id: int | None = None
    burst_count: int = 0
    """Distinct messages in the last 7 days before the board's newest message …"""
    burst_expected: float = 0.0
    """… and how many the issue's own history expected there."""


def problem_terms(
    groups: Sequence[Group], facts: Sequence[MessageFacts], n: int = 3
) -> list[list[str]]:
    """Each group's most distinctive terms against the whole board (share of the group's messages
    that use the term × log(messages / messages using it on the board)), the anchor, pieces of
    places and pieces the index cut out of the group's longer words (``fragments``: 交公 of
    公交公司) left out: 搅拌站 · 噪音, not 丽发新城."""
    board: Counter[str] = Counter()
    for f in facts:
        board.update(set(f.terms))
    total = max(len(facts), 1)
    out = []
    for g in groups:
        counts: Counter[str] = Counter()
        every: Counter[str] = Counter()
        for i in g.members:
            counts.update(set(facts[i].terms))
            every.update(facts[i].terms)
        cut = fragments(every)
        scored = [
            (c / len(g.members) * math.log(total / board[term]), term)
            for term, c in counts.items()
            if c >= 2
            and usable(term)
            and term not in cut
            and term not in BOARD_WORDS
            and not re.fullmatch(r"[a-z]\d*", term)
            and not _names_a_place(term, g.anchor)
        ]
        scored.sort(key=lambda st: (-st[0], st[1]))
        texts = [facts[i].text for i in g.members]
        out.append([t for _, t in scored if not cut_from_a_name(t, texts)][:n])
    return out


BOARD_WORDS = frozenset(
    "来信 来电 留言 反映 反应 咨询 投诉 举报 请求 恳请 希望 建议 诉求 信访 问题 情况 请问 关于 "
    "您好 你好 尊敬 领导 书记 市长 县长 区长 感谢 感谢您 谢谢 百忙 百忙之中 抽空 冒昧 急盼 盼望 "
    "麻烦 帮忙 回复 答复 解决 处理 相关 有关 部门 相关部门 有关部门 网友 市民 本人".split()
)
"""How a message to a board is written, whatever it is about (来信, 反映, 咨询, 尊敬的领导, 感谢您
在百忙之中 …): the words of the letter, never its problem."""


_ADMIN = "省市区县镇乡"


def _names_a_place(term: str, anchor: str) -> bool:
    """A term that is (a piece of) a place, not a problem: the anchor or a cut of it (区丽发), a
    code's remainder (县北, 市伊), or a word ending like a road or district (东路, 四区)."""
    if term in anchor or anchor in term or CODES.fullmatch(term.upper()):
        return True
    if any(term[i : i + 2] in anchor for i in range(len(term) - 1)):
        return True
    return term[0] in _ADMIN or term[-1] in _ADMIN + "路街道村"


def _place(anchor: str, titles: Sequence[str]) -> str:
    """The anchor with its district code when at least half of the titles name the same one."""
    districts = Counter(d for t in titles for d in set(DISTRICT.findall(t)))
    if districts:
        code, count = districts.most_common(1)[0]
        if count * 2 >= len(titles) and code not in anchor:
            return f"{code}{anchor}"
    return anchor


def _busiest(times: np.ndarray, span: float) -> float:
    best_start, best_n = float(times[0]), 0
    for i, t in enumerate(times):
        n = int(np.searchsorted(times, t + span, side="right")) - i
        if n > best_n:
            best_start, best_n = float(t), n
    return best_start


def measure(
    group: Group,
    facts: Sequence[MessageFacts],
    terms: list[str],
    board_start: float,
    board_end: float,
) -> IssueRecord:
    """Describe one group; ``board_start``/``board_end``: the oldest and newest message read."""
    members = [facts[i] for i in group.members]
    distinct = [facts[i] for i in group.members if i not in group.duplicates_of]
    times = np.sort(np.array([m.t for m in distinct], dtype=float))
    config = BurstConfig(prior_rate=1 / (30 * DAY), prior_weight=30 * DAY, half_life=180 * DAY)
    start = _busiest(times, HEAT_WINDOW)
    growth = window_growth(times, start, start + HEAT_WINDOW + 1, config, stream_start=board_start)
    recent = window_growth(
        times, board_end - RECENT, board_end + 1, config, stream_start=board_start
    )
    authors = len({m.author_key for m in members if m.author_key})
    heat = combine(
        len(distinct),
        growth.surprise,
        authors,
        sum(m.engagement for m in members),
        negativity_of([m.sentiment for m in distinct]),
    )
    topics = Counter(m.topic_id for m in members if m.topic_id is not None)
    titles = [m.title for m in members]
    medoid = group.medoid if group.medoid >= 0 else group.members[0]
    medoid_title = shown_title(facts[medoid].title)
    return IssueRecord(
        anchor=group.anchor,
        place=_place(group.anchor, titles),
        problem=" · ".join(terms) if terms else "",
        terms=terms,
        title=medoid_title,
        messages=len(members),
        distinct_messages=len(distinct),
        authors=authors,
        first_seen=float(min(m.t for m in members)),  # copies count once in heat, yet they
        last_seen=float(max(m.t for m in members)),  # are messages: the range spans them all
        heat=round(heat.index, 2),
        heat_components=heat.to_dict(),
        burst_p=recent.p_value,
        bursting=(
            board_end - RECENT - board_start >= MIN_HISTORY
            and recent.p_value < BURST_P
            and recent.count >= 3
        ),
        burst_count=int(recent.count),
        burst_expected=float(recent.expected),
        topic_id=topics.most_common(1)[0][0] if topics else None,
        coherence=group.coherence,
        members=[m.post_id for m in members],
        duplicates_of={facts[i].post_id: facts[j].post_id for i, j in group.duplicates_of.items()},
    )


def match_ids(records: Sequence[IssueRecord], previous: dict[int, set[str]], next_id: int) -> int:
    """Give each record the id of the previous issue it overlaps most (Jaccard ≥ 0.3, each old
    id used once, biggest records first), else a new id from ``next_id``; returns the next free
    id. An issue keeps its id as messages join it."""
    taken: set[int] = set()
    for rec in sorted(records, key=lambda r: (-r.messages, r.anchor, r.members[0])):
        mine = set(rec.members)
        best, best_j = None, 0.3
        for issue_id, posts in previous.items():
            if issue_id in taken:
                continue
            inter = len(mine & posts)
            if not inter:
                continue
            j = inter / len(mine | posts)
            if j > best_j or (j == best_j and best is not None and issue_id < best):
                best, best_j = issue_id, j
        if best is None:
            rec.issue_id = next_id
            next_id += 1
        else:
            rec.issue_id = best
            taken.add(best)
    return next_id
