"""What a post does to its own words: sarcasm, courtesy, litotes, "praise, but …", notices.

The sentiment stage's head and lexicon read words; these cues read how they are used, where the
words mislead (2026-12-07, from half A of the blind sentiment set v2, see BENCHMARKS.md):

- **sarcasm**: a praise word in scare quotes after 真是/太/好一个 (真是太"好"了, 这服务效率真"高"),
  "love waiting …", "nothing says …"; **irony**: a smirk on a grievance ([微笑]没人管, 呵呵, 🙃),
  and a **laugh** on a strong one ([哈哈]又停电了，第三次了, 😂) — neither counts alone: on
  Weibo they mostly mean what they show;
- **grievance** the intent cues lack: how long a fault has lasted (坏了两个月, 修了三年还没修完,
  "out for three weeks"), repeats (第三次, 又要), things missing (没水, 没人来, 打不通, "no heat");
- **courtesy**: salutations and formulae (尊敬的…, 您好, 感谢您对…的关心, 百忙之中, …谢谢！,
  "Hi …,", "Thanks!", kindly, please) — a complaint dressed in them is still a complaint;
- **litotes**: a grievance word negated (一点也不敷衍, 一点都不麻烦, "no complaints", "not bad");
- **praise** the intent cues lack: a fault fixed (终于修好了, 第二天就恢复了, 点个赞, "fixed by
  Wednesday", "shout out");
- **notice**: an announcement (【通知】, 公告, 即日起, 将于…施工, "Reminder:", "will be closed");
- **contrast**: 但是/可是/可惜/不过/"but": what follows it decides a mixed post;
- **asks** (English): a question that asks for information ("How do I …?", "When will …?"), not
  a rhetorical "Why …?" (on TweetEval most of those are angry).

Written for Heard (no third-party lists). One compiled regex per script, every cue a named group,
scanned once per post (``scan``); ``Reading`` keeps each match with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes (3.11+)
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from heard.models.intent_cues import _top_level

RULES_VERSION = "2.0"

_NUM = r"(?:[一二两三四五六七八九十几半\d]+|好几|多)"
_SPAN = r"(?:个?(?:多)?(?:月|周|星期|礼拜|天|年|小时))"

_ZH: dict[str, str | None] = {
    "sarcasm": (
        r"(?:真是|真(?!正)|太|好一个|多么|可真|简直|不愧是)[^，。！？,!?]?[\"“「『][^\"”」』]{1,8}[\"”」』]"
    ),
    "quoted": r"[\"“「『](?:特别待遇|惊喜|感人|高效|便民|贴心|飞快|神速|准时|服务)[\"”」』]",
    "irony": r"\[(?:微笑|doge|二哈|呵呵|允悲|摊手)\]|呵呵",
    "laugh": r"\[(?:哈哈+|笑cry|偷笑|嘻嘻)\]",
    "litotes": (
        r"(?:一点|丝毫|毫|并|从来?|绝|都)[也都]?不(?:麻烦|敷衍|推诿|难|贵|差|慢|复杂|耽误|刁难|拖)|"
        r"一点(?:也|都)?没(?:耽误|为难|刁难)|没(?:有)?(?:任何)?(?:刁难|推诿|为难)"
    ),
    "grievance": (
        r"(?:坏|停|断|锁|堵|漏|修|拖|等|排队|臭|吵|堆|放|搭|挖)了?(?:已经|快|整整|足足)?"
        + _NUM
        + _SPAN
        + r"|"
        r"还(?:没|未|是没)(?:有)?(?:修|建|解决|处理|到账|回复|答复|开放|通|装|恢复|清|退|完)|"
        r"(?:没|未)(?:水|电|气|暖气|网|信号)(?:了|用|洗)|没人(?:管|理|接|清|修|来|处理|回)|"
        r"打不通|无人接听|讨薪|无门|一位难求|跑了" + _NUM + r"趟|第[二三四五六七八九十\d]+次|"
        r"又要|又(?:停|断|坏|堵|漏|涨|吵|臭|挖)|太(?:少|远|难|慢|贵|吵|挤|乱|脏|窄|久|繁琐|麻烦|不方便)|别再|不要再|到底(?:归谁|谁|什么时候|要|还)|水泄不通|很危险|太危险|危险|差点|"
        r"(?:态度|服务)(?:也|还)?(?:很|太|非常|极其)?(?:差|冷淡|恶劣|生硬)|苍蝇|假药|打水漂|"
        r"[骗坑]了|推脱|一直推|转了" + _NUM + r"个?部门|"
        r"(?:根本|完全)(?:执行不了|办不了|没法|不能|无法)|做不下去|睡不着|不敢开窗|负担太重"
    ),
    "courtesy": (
        r"^尊敬的[^，。：:,！!]{0,12}[：:，,！!]?|您好|你好|领导(?:您)?辛苦了|打扰(?:一下|了)|"
        r"感谢(?:您|你们?)?(?:对|在)[^，。！]{0,12}(?:关心|关注|支持|重视|付出)|百忙之中|"
        r"(?:谢谢|感谢|多谢|万分感谢)[^。！!？?\n]{0,8}[。！!~～]*\s*$|恳请|敬请|诚恳|拜托|麻烦"
    ),
    "thanks": r"表扬|赞扬|称赞|辛苦了|锦旗|致敬|感谢|谢谢|点赞",
    "praise": (
        r"点个赞|赞一个|竖起大拇指|好样的|暖心|井井有条|太方便了|很方便|真方便|"
        r"很(?:专业|耐心|热情|负责|及时)|非常(?:专业|耐心|热情|负责|及时)|太实用|舒心|放心了|"
        r"(?:终于|已经?|就|很快|及时|连夜|马上|当天|第二天|把)[^，。！？,!?]{0,10}"
        r"(?:修好|解决|恢复|搞定|办好|处理好|修复|找到)了(?![吗么没？?])"
    ),
    "notice": (
        r"^[【\[](?:通知|公告|通告|提醒|提示)[】\]]|公告[：:]|通知[：:]|即日起|届时|"
        r"将于.{0,24}(?:举行|举办|进行|开展|召开|恢复|开放|闭馆|调整|施工|停水|停电|演练)|"
        r"(?:申报|报名|缴费)(?:期|时间|截止)|另行通知|请(?:居民|市民|广大)[^，。]{0,8}(?:提前|注意)|"
        r"日(?<=\d日)(?:起|恢复|开始)|暂停(?:对外)?(?:服务|办理|开放)|"
        r"发布了?(?:新的?)?[^，。]{0,12}(?:规定|办法|通知|公告|指南|名单|条例)"
    ),
    "contrast": r"但是|可是|可惜|然而|不过(?!分)|但(?<![不非]但)(?![愿凡])",
    "asks": None,
}

_EN: dict[str, str | None] = {
    "quoted": None,
    "sarcasm": (
        r"\bnothing says\b|\banother (?:year|day|week|month), another\b|"
        r"\bthanks?(?: @\w+)? for (?:nothing|the (?:unforgettable|wonderful|lovely|great))\b|"
        r"\boh (?:great|wonderful|perfect|joy)\b|\bso glad my\b|\blove (?:waiting|sitting|paying|"
        r"being stuck|getting stuck|standing)\b|\bwhat a surprise\b|\bas always\.?$|\byeah right\b"
    ),
    "irony": r"🙃|🙄|🤡",
    "laugh": r"😂|🤣|\blol\b",
    "litotes": (
        r"\bno complaints\b|\bcan'?t complain\b|\bcannot complain\b|\bnever had (?:a|any) "
        r"(?:problem|issue)s?\b|\bnothing to complain\b|\bnot (?:bad|too bad) at all\b"
    ),
    "grievance": (
        r"\b(?:has|have|had) (?:been|had) (?:out|broken|closed|down|off|blocked|dark|flooded|"
        r"leaking|no)\b|\b(?:out|broken|closed|down|off|blocked|dark|flooded|waiting|no \w+) for "
        r"(?:two|three|four|five|six|several|a few|many|\d+|a) "
        r"(?:days|weeks|months|years|week|month)\b|"
        r"\b(?:days|weeks) in a row\b|\bdo something about\b|\bno (?:heat|"
        r"hot water|working|update|response|reply|answer|power|water)\b|\bnever (?:showed|came|"
        r"answered|replied|responded|fixed)\b|\bnot once\b|\bwaited? (?:on hold )?(?:for )?"
        r"(?:an|\d+|two|three) (?:hour|hours|minutes)\b|\b\d+-hour wait\b|\bon hold\b|\btook \d+ "
        r"(?:minutes|hours|days)\b|\bnobody (?:has|seems|told|answered)\b|\bno one (?:is|has|"
        r"told)\b|\bisn'?t safe\b|\bdoesn'?t have enough\b|\bkilling\b|\bskipped\b"
    ),
    "courtesy": (
        r"^(?:hi|hello|hey|dear)\b[^,.!?]{0,30}[,.!]|\bthanks?(?: you)?(?: in advance)?[!. ]*$|"
        r"\bthank you in advance\b|\bkindly\b|\bplease\b|\bwould appreciate\b|\bwith respect\b|"
        r"\bi appreciate your\b"
    ),
    "thanks": r"\bthank|\bkudos\b|\bwell done\b|\bgreat job\b",
    "praise": (
        r"🙌|👏|\bshout ?-?out\b|\bkudos\b|\bimpressed\b|\bheroes?\b|\breally appreciate it\b|"
        r"\bgetting things done\b|\bso proud of\b|\bwell organi[sz]ed\b|\b(?:was|were|got|been|"
        r"finally|already) (?:fixed|repaired|resolved|sorted|cleared|restored)\b"
    ),
    "notice": (
        r"^(?:reminder|notice|road closure|alert|update)\s*:|\bwill be (?:closed|interrupted|"
        r"suspended)\b|\bis scheduled for\b|\bis open until\b|\bpolling stations\b"
    ),
    "contrast": r"\bbut\b|\bhowever\b|\bthough\b",
    "asks": (
        r"^(?:@\w+\s+)*(?:how (?:do|can|does|long|much|many(?! more))|"
        r"when (?:does|will|is|are|do)|where (?:can|do|is|are)|"
        r"what (?:time|documents|do i|do we|is the|are the)|is (?:the|there)|are (?:the|there)|"
        r"does anyone|can (?:i|we)|do (?:i|we))\b[^?]*\?"
    ),
}
KINDS = tuple(_ZH)


_EN_EMOJI = "🙌👏🙃🙄🤡😂🤣"
"""The emoji among the English cues; every other English cue begins a word (or an @handle)."""


def _first_chars(items: Any) -> set[str] | None:
    """The characters a match of the parsed sequence ``items`` can begin with, or None when that
    is not a short list (a category, a negated class, an empty match)."""
    if not len(items):
        return None
    op, av = items[0]
    rest = items[1:]
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        chars: set[str] = set()
        for member, value in av:
            if member is sre.LITERAL:
                chars.add(chr(value))
            elif member is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                chars.update("0123456789")
            else:
                return None
        return chars
    if op is sre.SUBPATTERN:
        return _first_chars(av[3])
    if op is sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            found = _first_chars(branch)
            if found is None:
                return None
            out |= found
        return out
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _high, sub = av
        first = _first_chars(sub)
        if first is None:
            return None
        if low:
            return first
        after = _first_chars(rest)
        return None if after is None else first | after
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return _first_chars(rest)  # zero-width: the next item starts the match
    return None


def _compile(spec: dict[str, str | None]) -> re.Pattern[str]:
    """One regex, each kind a named group, behind a look-ahead for a character a cue can begin
    with: the engine then skips most positions at once (5× faster on 附件3 letters)."""
    body = "|".join(f"(?P<{k}>{v})" for k, v in spec.items() if v)
    first = _first_chars(sre_parse.parse(body, re.M))
    gate = f"(?=[{''.join(re.escape(c) for c in sorted(first))}])" if first else ""
    return re.compile(f"{gate}(?:{body})", re.M)


def _compile_english(spec: dict[str, str | None]) -> re.Pattern[str]:
    """English cues start a word: their leading ``\\b`` becomes one look-behind before all of them,
    after a look-ahead for a character a cue can start with. A ``\\b`` on each of ~60
    alternatives made the scan ~5× slower (each defeats the literal's fast test)."""
    body = "|".join(
        f"(?P<{k}>" + "|".join(a[2:] if a.startswith("\\b") else a for a in _top_level(v)) + ")"
        for k, v in spec.items()
        if v
    )
    start = f"(?:(?=[a-z0-9@])(?<!\\w)|(?=[{_EN_EMOJI}]))"
    return re.compile(f"{start}(?:{body})", re.M)


_PATTERNS = {"zh": _compile(_ZH), "en": _compile_english(_EN)}
"""English cues are lowercase and matched against the lowercased text (IGNORECASE is slower)."""
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NEGATED = re.compile(r"(?:[不没]|不是|不够)$")
_LATIN = re.compile(r"[A-Za-z]{2,}")


@dataclass
class Reading:
    """The matches of one post, per kind: ``(start, text)`` in the order found."""

    found: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def has(self, kind: str) -> bool:
        return bool(self.found.get(kind))

    def words(self, kind: str) -> list[str]:
        return [w for _, w in self.found.get(kind, [])]

    def after(self, kind: str, start: int) -> bool:
        """A ``kind`` match begins at or after ``start``."""
        return any(s >= start for s, _ in self.found.get(kind, []))

    def contrast_at(self) -> int | None:
        """Where the first contrast marker past the first few characters ends (None: none): a
        mixed post praises, then turns."""
        ends = [s + len(w) for s, w in self.found.get("contrast", []) if s >= 2]
        return min(ends) if ends else None

    def inside(self, kind: str, word: str) -> bool:
        """``word`` lies inside some ``kind`` match (a praise word within a courtesy formula)."""
        return any(word in w for w in self.words(kind))

    def summary(self) -> dict[str, list[str]]:
        return {k: self.words(k)[:6] for k in KINDS if self.has(k)}


def scan(text: str) -> Reading:
    """Every cue of the script(s) in ``text``: Chinese cues on texts with Han characters, English
    ones on texts with Latin words."""
    reading = Reading()
    scripts = []
    if _HAN.search(text):
        scripts.append("zh")
    if _LATIN.search(text):
        scripts.append("en")
    for script in scripts:
        for m in _PATTERNS[script].finditer(text.lower() if script == "en" else text):
            kind = m.lastgroup
            if kind == "praise" and _NEGATED.search(text, max(0, m.start() - 2), m.start()):
                continue  # 不是很方便, 没修好
            if kind:
                reading.found.setdefault(kind, []).append((m.start(), m.group(0).strip()))
    return reading
