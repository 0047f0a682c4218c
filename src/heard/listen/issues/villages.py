"""Villages named without their town: 石常村 without 北山镇, 茶场村 without 西湖街道.

Issues are split by the village, community or estate their messages name right after the town
(``grouping.split_by_sub_place``), so a message that named the village alone joined no issue of
it: its title holds no town anchor, or only the village's name, an anchor of its own that too few
titles share. The board's other messages say which town a village lies in (``known_villages``);
a message naming a village known in one town joins that town's anchor (``with_villages_alone``)
and the village's issue when it says the same (the problem clustering still decides).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from heard.listen.issues.board import CODES, NAME_BOUNDARY, GroupingParams, Message

_TOWN_THEN_VILLAGE = re.compile(r"(.+?(?:镇|乡|街道))(.+)$")


def known_villages(
    members: dict[str, list[int]], messages: Sequence[Message], p: GroupingParams
) -> dict[str, str]:
    """Village, community or estate → the one anchor the board's messages name it in: a town
    (北山镇石常村 → 石常村: 北山镇), or the town's village itself when that is the anchor
    (西湖街道茶场村 → 茶场村: 西湖街道茶场村); a name found under two anchors is left out."""
    towns: dict[str, set[str]] = {}
    for anchor, ix in members.items():
        whole = _TOWN_THEN_VILLAGE.match(anchor)  # the anchor is a town's village itself
        if whole and sub_place(Message("", anchor, ""), whole.group(1), 0) == whole.group(2):
            towns.setdefault(whole.group(2), set()).add(anchor)
        elif TOWN.search(anchor):
            for i in ix:
                name = sub_place(messages[i], anchor, p.body_chars)
                if name:
                    towns.setdefault(name, set()).add(anchor)
    return {name: next(iter(t)) for name, t in towns.items() if len(t) == 1}


def names_village(m: Message, village: str, body_chars: int) -> bool:
    """Whether ``m`` names ``village`` as a name of its own: in its title or body's start,
    after a code, punctuation or an administrative word (A3区茶场村; not 下茶场村)."""
    text = CODES.sub("|", (m.title or "") + "|" + (m.text or "")[:body_chars])
    k = text.find(village)
    while k >= 0:
        if k == 0 or text[k - 1] in NAME_BOUNDARY:
            return True
        k = text.find(village, k + 1)
    return False


def with_villages_alone(
    members: dict[str, list[int]],
    messages: Sequence[Message],
    villages: dict[str, str],
    p: GroupingParams,
) -> dict[str, list[int]]:
    """``assign``'s anchors with each message that names a village the board knows in one town
    (``known_villages``) but not the town joining the town's anchor, so that it is split into
    the village's issue with the rest (``split_by_sub_place``): one that named no anchor
    (A3区茶场村 without 西湖街道), and those of an anchor that is the village's name alone
    (石常村, the anchor of the titles without 北山镇)."""
    if not villages:
        return members
    out = {a: list(ix) for a, ix in members.items()}
    for village in sorted(members.keys() & villages.keys()):
        town = villages[village]
        if town == village:
            continue
        moved = [i for i in members[village] if names_village(messages[i], village, p.body_chars)]
        out[village] = [i for i in out[village] if i not in moved]
        out.setdefault(town, []).extend(moved)
    taken = {i for ix in members.values() for i in ix}
    for i, m in enumerate(messages):
        if i in taken:
            continue
        found = sorted(
            (v for v in villages if names_village(m, v, p.body_chars)), key=lambda v: (-len(v), v)
        )
        if found:
            out.setdefault(villages[found[0]], []).append(i)
    return {a: sorted(ix) for a, ix in out.items() if ix}


def sub_place_or_village(m: Message, town: str, villages: Sequence[str], body_chars: int) -> str:
    """``sub_place``, else the known village of ``town`` that ``m`` names without the town."""
    name = sub_place(m, town, body_chars)
    if name or town in (m.title or "") + (m.text or "")[:body_chars]:
        return name
    return next((v for v in villages if names_village(m, v, body_chars)), "")


TOWN = re.compile(r"(?:镇|乡|街道)$")
"""An anchor that names a town or a sub-district: villages, communities and estates lie in it."""
_SUB_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:村|社区|小区|组)")
_FUNCTION_TAGS = frozenset({"r", "p", "d", "c", "u", "uj", "ul", "uz", "ug"})
_WORD_TAGS = frozenset({"v", "vn", "m", "q"})
"""jieba tags of pronouns, prepositions, adverbs, conjunctions and particles, and of verbs and
numbers of two characters or more: 各个村, 政府将…组 and 有关村 are no village's name (汉回村 is:
a single character may read as a verb)."""


def sub_place(m: Message, town: str, body_chars: int) -> str:
    """The village, community, estate or villagers' group a message names right after ``town``
    (北山镇石常村 → 石常村, 星沙镇星沙派小区 → 星沙派小区, 星沙镇泉塘街道板桥小区 →
    板桥小区), in its title, else in its body's start; "" when it names none
    (北山镇生态移民政策, 北山镇农村公路)."""
    for text in (m.title or "", (m.text or "")[:body_chars]):
        k = text.find(town)
        if k < 0:
            continue
        found = _SUB_PLACE.match(text, k + len(town))
        if found is None:
            return ""
        name = re.sub(r"^.*街道", "", found.group())
        if len(name) < 3 or "农村" in name or "乡村" in name:
            return ""
        import jieba.posseg

        from heard.listen.analysis.junk import _dictionary

        words = _dictionary()  # also sets jieba up, its log quiet
        # 妇联组织 and 小区域 are words, no 组 or 小区 (a village's name runs on into 村民, 村级)
        if not name.endswith("村") and words.get(text[found.end() - 1 : found.end() + 1]):
            return ""
        head = name[: -2 if name.endswith(("社区", "小区")) else -1]
        for word, flag in jieba.posseg.lcut(head):
            if flag in _FUNCTION_TAGS or (flag in _WORD_TAGS and len(word) >= 2):
                return ""
        return name
    return ""
