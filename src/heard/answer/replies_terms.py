"""The specific terms of a message — places, organisations, route numbers, proper names — that a
reply addressing *this* message tends to repeat, as opposed to the topic words any reply on the
subject shares.
"""

from __future__ import annotations

import re

_CJK = r"\u4e00-\u9fff"

# --- the specific terms of a message ----------------------------------------------------------

_PLACE_SUFFIX = re.compile(
    r"(?:省|市|县|区|镇|乡|村|组|社区|街道|小区|花园|家园|公寓|新村|广场|大道|路|街|巷|桥|站|公园"
    r"|水库|"
    r"医院|小学|中学|幼儿园|学校|学院|大学|公司|集团|工厂|厂|场|馆|酒店|超市|市场|驾校|银行|局|号线"
    r"|线|楼|栋)"
)
_NAME_CHAR = re.compile(rf"[{_CJK}A-Za-z0-9]")
_NAME_STOP = set(
    "的在了是我你他她它们说和与对把被从到向给等有为这那其该此本各每也都就还又并及或而但因由于之将已"
    "去来做住买卖开建要想请问看找到过上下里内外前后个"
)
_LEADING_VERBS = re.compile(
    r"^(关于|咨询|请问|投诉|举报|反映|希望|建议|请求|要求|呼吁|对于|位于|地处|家住|住在|居住)+"
)
_CODE = re.compile(r"\b[A-Za-z]{0,3}\d{2,}[A-Za-z0-9]*(?:路|号|栋|线|号线|次)?|\d+(?:路|号线|栋)")
_EN_PROPER = re.compile(
    r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s+(?:Road|Street|Lane|Park|School|Avenue|Estate|"
    r"Station|Bridge|Hospital|Library|Council|Centre|Center)\b|\b[A-Z][a-z]{2,}\b"
)
_STOP_TERMS = {
    "网友",
    "领导",
    "政府",
    "我们",
    "你们",
    "他们",
    "书记",
    "市长",
    "县长",
    "部门",
    "相关部门",
    "有关部门",
    "A市",
    "西地省",
    "The",
    "We",
    "Our",
    "Please",
    "This",
    "That",
    "There",
    "Dear",
    "When",
    "Why",
    "How",
    "What",
    "Can",
    "Could",
    "Will",
    "Thank",
    "Thanks",
    "Hello",
}


def specific_terms(title: str, body: str = "", limit: int = 12) -> list[str]:
    """Places, organisations, route numbers and proper names a message is about.

    These are what a reply that addresses *this* message tends to repeat (the estate, the road, the
    bus number), as opposed to the topic words any reply on the subject would share. A Chinese
    name is read backwards from its suffix (小区, 路, 公司 …) up to 8 characters, stopping at a
    function word, so ``我家住在中航怡园小区`` gives ``中航怡园小区``.
    """
    text = f"{title}。{body}"
    found: dict[str, int] = {}

    def add(term: str, weight: int) -> None:
        term = _LEADING_VERBS.sub("", term.strip())
        if len(term) < 2 or term in _STOP_TERMS or term.isdigit() and len(term) < 3:
            return
        bonus = 2 if term in title else 0
        found[term] = max(found.get(term, 0), weight + bonus)

    for match in _PLACE_SUFFIX.finditer(text):
        start = match.start()
        while (
            start > 0
            and match.start() - start < 8
            and _NAME_CHAR.match(text[start - 1])
            and text[start - 1] not in _NAME_STOP
        ):
            start -= 1
        if match.start() - start >= 2:
            add(text[start : match.end()], 2)
    for match in _EN_PROPER.finditer(text):
        add(match.group(0), 2)
    for match in _CODE.finditer(text):
        add(match.group(0), 1)
    ranked = sorted(found, key=lambda t: (-found[t], -len(t)))
    return _drop_contained(ranked)[:limit]


def _drop_contained(terms: list[str]) -> list[str]:
    """Keep ``梅溪湖旭辉御府公寓`` or ``旭辉御府`` but not both when one contains the other."""
    kept: list[str] = []
    for term in terms:
        if not any(term in other or other in term for other in kept):
            kept.append(term)
    return kept


def term_in(term: str, text: str) -> bool:
    """A term counts as present when it, or its core without the place suffix, is in the text."""
    if term in text:
        return True
    core = re.sub(r"(省|市|县|区|镇|乡|村|组|社区|街道|小区|路|街|站|公司|学校)$", "", term)
    return len(core) >= 2 and core in text
