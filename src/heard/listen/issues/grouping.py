"""Issues from messages: one problem at one place (or of one group). Pure functions, no store.

An *issue* is what an official acts on: "丽发新城: the mixing plant's noise", not the theme
"noise". It is found in three steps, all deterministic:

1. **Anchors.** A place or group name that recurs in titles: a character n-gram (3–8) of Chinese
   titles, or a word n-gram (1–3) of English ones, that at least ``min_members`` titles contain,
   that is rare on the board (at most ``max_share`` of its messages) and that ends like a place,
   an institution or a named group (小区, 新城, 苑, 路, 学校, 医院, 公司, 车贷 …; Road, Street,
   School …). The board's anonymised codes (A市, A2区) are taken out first. Of two anchors where
   one contains the other and names nearly the same messages, the longer (the whole name,
   伊景园滨河苑, not 景园) is kept. Each message joins the best anchor its title (or the start of
   its body) names.
   A gram that is mostly preceded by another character of a name (湖街道 in 西湖街道, 城小区 in
   魅力之城小区) is a fragment or a common noun, not a name, and is not an anchor.
   On a board that spans several cities (Teddy Cup's 附件4: codes A市 … L市), an anchor's messages
   are split by the city their codes name first: 自来水公司 or 人民医院 in five cities are five
   places, not one. Messages without a code join their anchor's largest city. An anchor that
   names a kind of place (中心小学: every town has one) is split again by the town named right
   before it; messages that do not say which are left out.
2. **One problem per anchor.** The messages of one anchor are clustered by what they say: average
   linkage on the cosine distance of their embeddings, cut where they are clearly closer than
   two messages of the board usually are (``problem_closeness``): 丽发新城's mixing-plant
   messages form one issue, its road and water complaints stay apart. Clusters of fewer than
   ``min_members`` messages are no issue. A town's cluster whose messages mostly name a village
   or estate in it is split by that place (``split_by_sub_place``: 北山镇石常村); a message that
   names such a place without its town joins it when the board names it in one town only
   (``villages``: A7县石常村 → 北山镇石常村).
3. **Duplicates folded.** Within an issue, messages with the same text, or near copies (cosine ≥
   ``duplicate_cosine``), count once as *distinct messages*.

The result depends only on the messages, not on the order in which they arrived.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from heard.listen.analysis.entities import PLACE_ENDINGS_ZH, PLACE_SUFFIX_ZH
from heard.listen.issues.board import (
    _GENERIC,
    CODES,
    NAME_BOUNDARY,
    GroupingParams,
    Message,
)
from heard.listen.issues.villages import (
    TOWN,
    known_villages,
    sub_place_or_village,
    with_villages_alone,
)

_NOT_NAME = re.compile(r"[，。、！？；：“”‘’（）()\[\]【】《》,.!?;:\"'\s·…—\-/|]+")
PLACE_WORDS_EN = frozenset(
    "road street avenue lane square park station school college university hospital estate "
    "bridge market district village tower centre center plaza mall company bank".split()
)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Group:
    """One issue's messages (indexes into the input) before it is measured."""

    anchor: str
    members: list[int]
    coherence: float
    distinct: int = 0
    medoid: int = -1
    """The message most alike to the others (its title represents the issue)."""
    duplicates_of: dict[int, int] = field(default_factory=dict)


def _zh_grams(title: str) -> set[str]:
    """The 3- to 8-character pieces of ``title`` (split at punctuation) that hold a Chinese
    character and neither start nor end with a generic one (的, 请问, 投诉 …)."""
    text = CODES.sub("|", title)
    grams: set[str] = set()
    for part in _NOT_NAME.split(text):
        size = len(part)
        if size < 3:
            continue
        # next_han[i]: where the first Chinese character at or after i is (size: none), so a
        # piece [i, i + n) holds one when next_han[i] < i + n (no regex search per piece)
        next_han = [size] * (size + 1)
        for j in range(size - 1, -1, -1):
            next_han[j] = j if "\u4e00" <= part[j] <= "\u9fff" else next_han[j + 1]
        for i in range(size - 2):
            if part[i] in _GENERIC:
                continue
            for n in range(max(3, next_han[i] - i + 1), min(8, size - i) + 1):
                if part[i + n - 1] not in _GENERIC:
                    grams.add(part[i : i + n])
    return grams


def _en_grams(title: str) -> set[str]:
    from heard.listen.analysis.keywords import STOPWORDS

    words = [w.lower() for w in _EN_WORD.findall(title)]
    grams: set[str] = set()
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] in STOPWORDS or gram[-1] in STOPWORDS or any(len(w) < 3 for w in gram):
                continue
            grams.add(" ".join(gram))
    return grams


def candidate_grams(title: str) -> set[str]:
    """The n-grams of a title that could name a place or group (before counting)."""
    return _zh_grams(title) if _CJK.search(title) else _en_grams(title)


def is_place_like(gram: str) -> bool:
    """Ends like a place or group, with a name of at least two characters before the ending
    (丽发新城, 58车贷; not 限公司 or 城小区, pieces of 有限公司 and 魅力之城小区)."""
    if _CJK.search(gram):
        m = PLACE_SUFFIX_ZH.search(gram)
        return m is not None and m.start() >= 2
    words = gram.split(" ")
    return len(words) >= 2 and words[-1] in PLACE_WORDS_EN  # "changle road", never "road"


def haystack(m: Message, body_chars: int) -> str:
    text = CODES.sub("|", (m.title or "") + "|" + (m.text or "")[:body_chars])
    return text if _CJK.search(text) else " ".join(_EN_WORD.findall(text.lower()))


def _bounded_share(gram: str, titles: Sequence[str]) -> float:
    """Of the titles naming ``gram``, the share where it starts a name: at the start, after a
    code or punctuation, after an administrative word (市, 区, 路 …) or a function word (投诉,
    关于, 的 …). English grams always do."""
    if not _CJK.search(gram):
        return 1.0
    seen = bounded = 0
    for t in titles:
        k = t.find(gram)
        if k < 0:
            continue
        seen += 1
        bounded += k == 0 or t[k - 1] in NAME_BOUNDARY
    return bounded / seen if seen else 0.0


def _token_edges(title: str, tokens: Sequence[str]) -> tuple[set[int], set[int]]:
    """Where the segmenter's words start and end in ``title`` (its first tokens are the title's)."""
    starts, ends = {0}, {len(title)}
    low, at = title.lower(), 0
    for tok in tokens:
        k = low.find(tok, at)
        if k < 0 or k - at > 3:  # past the title, or a token the title does not hold
            if at >= len(low):
                break
            continue
        starts.add(k)
        ends.add(k + len(tok))
        at = k + len(tok)
    return starts, ends


def _aligned_share(gram: str, titled: Sequence[tuple[str, Sequence[str]]]) -> float:
    """Of the titles naming ``gram``, the share where it ends on one of the segmenter's word
    edges: 安装路 in 安装路灯 (安装|路灯) does not, 丽发新城 (丽发|新城) does. Only the end is
    checked: the segmenter often cuts a name's start wrongly (A市伊景园 → 市伊|景园)."""
    if not _CJK.search(gram):
        return 1.0
    seen = aligned = 0
    for title, tokens in titled:
        k = title.find(gram)
        if k < 0 or not tokens:
            continue
        seen += 1
        starts, ends = _token_edges(title, tokens)
        aligned += (k + len(gram)) in ends
    return aligned / seen if seen else 1.0


def choose_anchors(messages: Sequence[Message], p: GroupingParams) -> list[tuple[str, float]]:
    """Anchors with their scores, best first (step 1)."""
    n = len(messages)
    raw = [m.title or m.text[:60] for m in messages]
    titles = [CODES.sub("|", t) for t in raw]
    grams = [candidate_grams(title) for title in titles]  # read twice below
    counts: Counter[str] = Counter()
    for title_grams in grams:
        counts.update(title_grams)
    ceiling = max(p.min_members, p.max_count_floor, p.max_share * n)
    scored = {
        g: c * math.log(max(n, 2) / c) * (1 + 0.05 * len(g))
        for g, c in counts.items()
        if p.min_members <= c <= ceiling and is_place_like(g)
    }
    # the whole name: drop a gram when a longer candidate containing it names nearly as many titles
    kept = [
        g
        for g in scored
        if not any(g != h and g in h and counts[h] >= 0.8 * counts[g] for h in scored)
    ]
    if kept:
        by_gram: dict[str, list[int]] = {g: [] for g in kept}
        for i, title_grams in enumerate(grams):
            for g in title_grams & by_gram.keys():
                by_gram[g].append(i)
        kept = [
            g
            for g in kept
            if _bounded_share(g, [titles[i] for i in by_gram[g]]) >= p.min_bounded
            and _aligned_share(g, [(raw[i], messages[i].tokens) for i in by_gram[g]])
            >= p.min_bounded
        ]
    return sorted(((g, scored[g]) for g in kept), key=lambda gs: (-gs[1], gs[0]))


def assign(
    messages: Sequence[Message], anchors: Sequence[str], p: GroupingParams
) -> dict[str, list[int]]:
    """Each message joins the first (best) anchor its title names, else its body's start."""
    titles = [CODES.sub("|", m.title or "") for m in messages]
    titles = [t if _CJK.search(t) else " ".join(_EN_WORD.findall(t.lower())) for t in titles]
    stacks = [haystack(m, p.body_chars) for m in messages]
    members: dict[str, list[int]] = {a: [] for a in anchors}
    for i in range(len(messages)):
        chosen = next((a for a in anchors if a in titles[i]), None)
        if chosen is None:
            chosen = next((a for a in anchors if a in stacks[i]), None)
        if chosen is not None:
            members[chosen].append(i)
    return {a: ix for a, ix in members.items() if ix}


def city_of(m: Message, body_chars: int) -> str:
    """The city a message's anonymised codes name most often (K2区, K市 → K; "" without one)."""
    found = Counter(
        code[0] for code in CODES.findall((m.title or "") + "|" + (m.text or "")[:body_chars])
    )
    found.pop("西", None)  # 西地省, the province: every city is in it
    return min(found, key=lambda c: (-found[c], c)) if found else ""


def split_by_city(
    members: list[int], messages: Sequence[Message], p: GroupingParams
) -> list[list[int]]:
    """An anchor's messages, one list per city their codes name (a generic name such as 自来水公司
    names a different place in every city); messages without a code join the largest city."""
    cities = [city_of(messages[i], p.body_chars) for i in members]
    named = Counter(c for c in cities if c)
    if len(named) < 2:
        return [members]
    largest = min(named, key=lambda c: (-named[c], c))
    parts: dict[str, list[int]] = {}
    for i, city in zip(members, cities):
        parts.setdefault(city or largest, []).append(i)
    return [parts[c] for c in sorted(parts)]


GENERIC_INSTITUTION = re.compile(
    r"(?:中心|人民|民办|公办|私立|公立|实验|第[一二三四五六七八九十]+|乡镇|农村|乡村|城区|当地|本地"
    f"|附近|周边|县城|市区|[省市区县镇乡村])+(?:{PLACE_ENDINGS_ZH})"
)
"""An anchor that names a kind of place, not one place: 中心小学, 人民医院, 民办学校, 镇政府 …
(every town has its 中心小学)."""
_QUALIFIER = re.compile(r"((?:[A-Z]\d{0,2}(?:省|市|区|县|镇|乡))*)([\u4e00-\u9fff]*)$")
_TOWN_SUFFIX = re.compile(r"(?:镇|乡|村|街道|社区)$")


def qualifier(m: Message, anchor: str, body_chars: int) -> tuple[str, str]:
    """Which ``anchor`` a message means: (key, name) from the words right before it in the title
    (else the body's start): D7县向阳镇中心小学 → ("向阳", "向阳镇"); the district code when no name
    comes between (D6县中心小学 → ("D6县", "D6县")); ("", "") when nothing does. The key is the
    name's last two characters without 镇/乡/村, so 去官家嘴镇 and 官家嘴镇 are the same town."""
    for text in (m.title or "", (m.text or "")[:body_chars]):
        k = text.find(anchor)
        if k < 0:
            continue
        found = _QUALIFIER.search(text[:k])
        codes, name = (found.group(1), found.group(2)) if found else ("", "")
        name = name[-6:]
        core = _TOWN_SUFFIX.sub("", name)
        if len(core) >= 2:
            return core[-2:], name
        last_code = CODES.findall(codes)
        return (last_code[-1], last_code[-1]) if last_code else ("", "")
    return "", ""


def split_by_qualifier(
    anchor: str, members: list[int], messages: Sequence[Message], p: GroupingParams
) -> list[tuple[str, list[int]]]:
    """A generic anchor's messages (``GENERIC_INSTITUTION``), one list per town or district that
    comes right before it, each named with it (向阳镇中心小学); messages that do not say which are
    left out, as no one can tell which school they mean. Any other anchor: unchanged."""
    if not GENERIC_INSTITUTION.fullmatch(anchor):
        return [(anchor, members)]
    parts: dict[str, list[int]] = {}
    names: dict[str, Counter[str]] = {}
    for i in members:
        key, name = qualifier(messages[i], anchor, p.body_chars)
        if key:
            parts.setdefault(key, []).append(i)
            names.setdefault(key, Counter())[name] += 1
    return [
        (min(names[k], key=lambda n: (-names[k][n], len(n), n)) + anchor, parts[k])
        for k in sorted(parts)
    ]


def split_by_sub_place(
    group: Group,
    messages: Sequence[Message],
    vectors: np.ndarray,
    p: GroupingParams,
    cut: float,
    villages: Sequence[str] = (),
) -> list[Group]:
    """A town's issue where more than half of the messages name the village, community or estate
    in the town that they are about (``sub_place``): one issue per such place that keeps
    ``min_members`` messages, named with it (北山镇石常村). The messages that name none join the
    place most of the others name (星沙派1栋 beside four of 星沙派小区), else stay the town's own,
    an issue when they are enough. On 附件4, 北山镇's one issue held seven messages about six
    villages' roads, houses and resettlement: no one problem at one place. An issue whose messages
    mostly name no place in the town (安沙镇's hukou-transfer questions: a town's policy) stays
    whole."""
    if not TOWN.search(group.anchor):
        return [group]
    names = [
        sub_place_or_village(messages[i], group.anchor, villages, p.body_chars)
        for i in group.members
    ]
    named = Counter(n for n in names if n)
    if named.total() * 2 <= len(names):
        return [group]
    top = min(named, key=lambda n: (-named[n], n))
    unnamed = top if named[top] * 2 > named.total() else ""
    parts: dict[str, list[int]] = {}
    for i, name in zip(group.members, names):
        parts.setdefault(name or unnamed, []).append(i)
    out: list[Group] = []
    for name in sorted(parts):
        out.extend(split_by_problem(group.anchor + name, parts[name], vectors, p, cut))
    return out


def _unit(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1.0, norms)


def board_baseline(vectors: np.ndarray) -> float:
    """Mean cosine of two different messages of the board, over every pair, in O(n·d): for unit
    vectors the pairs sum to |Σx|² − n. (An evenly spaced sample of 400 moved with every message
    that arrived, so two unrelated posts changed the cut and the messages of untouched issues:
    demo + 2 posts, 0.1697 → 0.1636, three issues changed.)"""
    n = len(vectors)
    if n < 2:
        return 0.0
    x = _unit(vectors).astype(np.float64)
    total = x.sum(axis=0)
    self_sims = float((x * x).sum())  # n, less any zero vectors
    return float((total @ total - self_sims) / (n * (n - 1)))


def split_by_problem(
    anchor: str, members: list[int], vectors: np.ndarray, p: GroupingParams, cut: float = 0.45
) -> list[Group]:
    """The anchor's messages clustered by what they say (step 2)."""
    if len(members) < p.min_members:
        return []
    x = _unit(vectors[members])
    sims = np.clip(x @ x.T, -1.0, 1.0)
    if len(members) == 1:
        labels = np.array([1])
    else:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        distance = np.clip(1.0 - sims, 0.0, 2.0)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        labels = fcluster(tree, t=cut, criterion="distance")
    out = []
    for label in sorted(set(labels.tolist())):
        ix = [k for k in range(len(members)) if labels[k] == label]
        if len(ix) >= p.min_members:
            sub = sims[np.ix_(ix, ix)]
            medoid = members[ix[int(np.argmax(sub.sum(axis=1)))]]
            out.append(Group(anchor, [members[k] for k in ix], round(coherence(sub), 4), 0, medoid))
    return out


def coherence(sims: np.ndarray) -> float:
    """Mean pairwise similarity (1.0 for one message)."""
    k = len(sims)
    return float((sims.sum() - np.trace(sims)) / (k * (k - 1))) if k > 1 else 1.0


def fold_duplicates(
    group: Group, messages: Sequence[Message], vectors: np.ndarray, p: GroupingParams
) -> None:
    """Set ``group.distinct`` and ``group.duplicates_of`` (a copy → the first of its kind)."""
    x = _unit(vectors[group.members])
    first_of_hash: dict[str, int] = {}
    kept: list[int] = []  # positions in group.members of distinct messages
    for k, i in enumerate(group.members):
        h = messages[i].text_hash
        if h and h in first_of_hash:
            group.duplicates_of[i] = first_of_hash[h]
            continue
        near = next((j for j in kept if float(x[k] @ x[j]) >= p.duplicate_cosine), None)
        if near is not None:
            group.duplicates_of[i] = group.members[near]
            continue
        if h:
            first_of_hash[h] = i
        kept.append(k)
    group.distinct = len(kept)


def find_groups(
    messages: Sequence[Message], vectors: np.ndarray, p: GroupingParams | None = None
) -> list[Group]:
    """The issues among ``messages`` (``vectors``: their embeddings, row by row), biggest
    first."""
    p = p or GroupingParams()
    if len(messages) < p.min_members:
        return []
    anchors = [a for a, _ in choose_anchors(messages, p)]
    base = board_baseline(vectors)
    cut = 1.0 - (base + p.problem_closeness * (1.0 - base))
    groups: list[Group] = []
    assigned = assign(messages, anchors, p)
    villages = known_villages(assigned, messages, p)
    of_town: dict[str, list[str]] = {}
    for village in sorted(villages, key=lambda v: (-len(v), v)):  # the longest name first
        of_town.setdefault(villages[village], []).append(village)
    for anchor, members in with_villages_alone(assigned, messages, villages, p).items():
        for same_city in split_by_city(members, messages, p):
            for place, same_place in split_by_qualifier(anchor, same_city, messages, p):
                for group in split_by_problem(place, same_place, vectors, p, cut):
                    groups.extend(
                        split_by_sub_place(
                            group, messages, vectors, p, cut, of_town.get(anchor, [])
                        )
                    )
    for g in groups:
        g.members.sort(key=lambda i: messages[i].post_id)
        fold_duplicates(g, messages, vectors, p)
    groups.sort(
        key=lambda g: (-g.distinct, -len(g.members), g.anchor, messages[g.members[0]].post_id)
    )
    return groups
