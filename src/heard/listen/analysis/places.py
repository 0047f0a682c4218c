"""One place, one name: the variants of a place among a topic's places are counted as one.

The tagger and the name pattern find a place in several forms — 伊景园 and 伊景园滨河苑, 西渡 and
西渡镇, 福满新城 and 福满新城二期 — and a list of places showed each as its own. ``fold_places``
counts them under one name, in three steps that only ever join names the list already holds
(after the rest of a cut code is taken off a name's start: 市双凫铺镇 → 双凫铺镇):

1. **A part of a place** (a residential block, a phase, a building: 上海花园小区, 福满新城二期,
   上海花园13栋) joins the place when the place itself is in the list (上海花园).
2. **A place and its administrative form** (西渡 and 西渡镇, 泉塘 and 泉塘街道) are one place, shown
   in the administrative form.
3. **A named place inside one longer name** (伊景园 and 滨河苑 inside 伊景园滨河苑, 房半岛 inside
   长房半岛) joins it: the longer name is the whole one. Not when the shorter is found in several
   longer names (城陵矶 in 城陵矶街道 and 城陵矶桂花园: an area with places in it), nor when the
   longer one goes on past it with an administrative word (丁字湾 → 丁字湾街道湖外路: a road in the
   area), nor for names of two characters (上海 in 上海花园 is a city, not the estate).

``rank_places`` then lists the most specific places first: an estate, a road, a town or a school
before a district or county, those before a city, and a province or the country last (中国, 广东,
上海 name no place an official can go to). Within a level, a place named by many topics (the city's
main road, a district every letter gives as its address) ranks below one this topic has to itself:
by count × log((topics + 1) / topics naming the place), an inverse document frequency over topics;
by count alone when that spread is not known.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from heard.listen.analysis.entities import PLACE_SUFFIX_ZH

ADMIN_FORMS = ("街道", "社区", "镇", "乡", "村", "区", "县", "市", "省")
PROVINCES = frozenset(
    "中国 全国 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 "
    "山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 "
    "宁夏 新疆 香港 澳门".split()
)
"""The country and its provincial-level divisions (also with 省, 市 or 自治区 after them)."""
_PROVINCE_FORM = re.compile(r"(?:省|市|自治区|特别行政区)$")
_PART = re.compile(r"(?:小区|公寓|[一二三四五六七八九十\d]+期|[A-Za-z]?\d+(?:栋|幢|座|号楼))$")


def _whole_name(name: str, names: list[str], target: dict[str, str]) -> str | None:
    """The one longer name in ``names`` that holds ``name`` whole (step 3), else None."""
    if len(name) < 3 or not PLACE_SUFFIX_ZH.search(name):
        return None
    longer = []
    for other in names:
        if other == name or name not in other or target[other] != other:
            continue
        after = other.split(name, 1)[1]
        if not PLACE_SUFFIX_ZH.search(other) or after.startswith(ADMIN_FORMS):
            return None  # a road or block in the area: the area is a place of its own
        longer.append(other)
    return longer[0] if len(longer) == 1 else None


def without_code_remnant(name: str) -> str:
    """A place after the rest of a cut code (A8县市双凫铺镇 → 市双凫铺镇) without it: 双凫铺镇;
    市民广场 keeps its 市 (市民 is a word)."""
    if len(name) >= 4 and name[0] in "市县区省":
        from heard.listen.analysis.junk import _dictionary

        if not _dictionary().get(name[:2]):
            return name[1:]
    return name


def fold_places(counts: Counter[str]) -> Counter[str]:
    """``counts`` with each place's variants counted under one name (see the module)."""
    cleaned: Counter[str] = Counter()
    for name, count in counts.items():
        cleaned[without_code_remnant(name)] += count
    counts = cleaned
    names = sorted(counts, key=lambda n: (len(n), n))
    target = {n: n for n in names}
    for name in names:
        base = _PART.sub("", name)
        if base != name and len(base) >= 2 and base in counts:
            target[name] = base
    for name in names:
        if target[name] == name:
            admin = next((name + s for s in ADMIN_FORMS if name + s in counts), None)
            if admin is not None:
                target[name] = admin
    for name in names:
        if target[name] == name:
            whole = _whole_name(name, names, target)
            if whole is not None:
                target[name] = whole
    folded: Counter[str] = Counter()
    for name, count in counts.items():
        seen = {name}
        while target[name] != name and target[name] not in seen:
            name = target[name]
            seen.add(name)
        folded[name] += count
    return folded


def specificity(name: str) -> int:
    """How close to one spot a place is: 0 the country or a province, 1 a city (…市), 2 a district
    or county (…区, …县), 3 anything else (an estate, a road, a town, a school, a lake)."""
    if name in PROVINCES or _PROVINCE_FORM.sub("", name) in PROVINCES:
        return 0
    if name.endswith("市"):
        return 1
    if name.endswith(("区", "县", "州")) and len(name) <= 4:
        return 2
    return 3


def place_spread(place_sets: Iterable[Iterable[str]]) -> Counter[str]:
    """How many topics name each place (each topic's places given once)."""
    spread: Counter[str] = Counter()
    for names in place_sets:
        spread.update(set(names))
    return spread


def rank_places(
    counts: Counter[str],
    limit: int,
    spread: Mapping[str, int] | None = None,
    n_topics: int = 0,
) -> list[tuple[str, int]]:
    """The ``limit`` most specific places: by level, then within a level by count × log((n_topics
    + 1) / topics naming the place) when ``spread`` is given (see the module), then by count, ties
    by name."""

    def weight(name: str, count: int) -> float:
        if not spread or n_topics <= 1:
            return float(count)
        return count * math.log((n_topics + 1) / max(1, spread.get(name, 1)))

    ranked = sorted(
        counts.items(), key=lambda kv: (-specificity(kv[0]), -weight(*kv), -kv[1], kv[0])
    )
    return ranked[:limit]
