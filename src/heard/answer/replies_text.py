"""Text pieces the reply scorer works with: sentences, the form-letter lines of a reply, the
asks of a message, and word bigrams for overlap. (Cue patterns: ``replies_cues``; the places a
message names: ``replies_terms``.)

Why a module of its own: every score in ``heard.answer.replies`` is a *presence* or *coverage*
measure over these pieces (is a rule cited? is each ask answered? does the reply name the
message's place?), never a count, so that a longer reply does not score higher by being longer.
Chinese and English are handled side by side; the patterns are deliberately plain regular
expressions so that each match can be shown as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=[.])\s+(?=[A-Z])")
_CJK = r"\u4e00-\u9fff"

# Lines that any reply carries whatever it says: greetings, receipts, thanks, dates, referrals.
_GREETING = re.compile(
    r"^(?:(?:尊敬的)?(?:网友|网民|来信人|写信人|平台网友|亲爱的网友|各位网友)[^，,。！!："
    r":]{0,24}[，,：:！!]?\s*)?"
    r"(?:您好|你好)?[！!，,。：:]?$|^(?:dear|hello|hi)\b[^.!?]{0,40}[,!.]?$",
    re.I,
)
_BOILERPLATE = re.compile(
    r"(留言|来信|来邮|帖文|网帖|函件|问题|情况|诉求|咨询)[^。]{0,30}(已)?(收悉|收到|获悉|知悉|阅办"
    r"|已阅)"
    r"|现(将|就)?[^。]{0,20}(回复|答复|汇报|报告)如下|特此(回复|答复)|此复"
    r"|感谢(您|你)?[^。]{0,30}(支持|关心|关注|理解|监督|留言|来信|问政)"
    r"|欢迎[^。]{0,20}(监督|支持)|祝您?[^。]{0,12}(愉快|顺心|顺利)|敬请(理解|谅解|关注)"
    r"|谢谢[！!。]?$|^\s*[\d一二三四五六七八九十〇○]{2,4}\s*年[\d一二三四五六七八九十〇○]{1,2}\s*月"
    r"[\d一二三四五六七八九十〇○]{1,3}\s*日?\s*$"
    r"|thank you for|we have received your|your (message|report) has been received",
    re.I,
)
_REFERRAL = re.compile(
    r"(已|现)?(转|转交|转至|转到|交由|交办|移交)[^。]{0,40}(调查|核处|核实|办理|处理|办复|答复|回复"
    r"|反馈)"
    r"|(调查核处|核实办理|调查处理)[^。]{0,10}$"
    r"|\b(passed|forwarded|referred|sent)\b[^.]{0,40}\bto\b[^.]{0,40}"
    r"\b(department|team|office|council|service|agency)",
    re.I,
)
# Sentences that pass the matter back to the citizen or on to someone else instead of dealing
# with it: "please provide details", "we cannot verify without an address", "if you have
# questions call …". They are substance (a citizen can act on them) but say nothing about the
# matter itself, so relevance reads the reply without them.
_HAND_OFF = re.compile(
    r"请(您|你)?(进一步|再|详细)?(提供|补充|留下|说明具体)"
    r"|(无法|不能|难以)(查实|核实|联系|与您联系|具体答复|直接答复|答复|掌握)"
    r"|暂(不能|无法)[^。]{0,6}答复|不掌握具体|情况不明"
    r"|未(留下|提供|说明)[^。]{0,8}(联系方式|地址|具体)|没有说明具体"
    r"|如(有|需|还有|对)[^。]{0,12}(疑问|问题|不明|意见|需要|异议|困难|不满意)[^。]{0,30}"
    r"(致电|拨打|联系|咨询|来电|反映|前往)"
    r"|(欢迎|可|请)(您|你)?(直接|及时)?(致电|拨打|来电|来人)"
    r"|(建议|请)(您|你)?(直接|准备好[^。]{0,10})?(向|到|与|拨打|致电|联系)[^。]{0,40}"
    r"(咨询|反映|联系|了解)"
    r"|\bplease (call|contact|provide|send)\b|\bif you have (any )?(further )?questions\b",
    re.I,
)
_SIGNATURE = re.compile(
    rf"^[{_CJK}A-Z0-9（）()“”]{{2,30}}(局|办|委|会|院|中心|政府|办事处|支队|大队|公司|室|所)$"
)
_DATE_TAIL = re.compile(
    r"\s*[\d〇○一二三四五六七八九十]{4}\s*[年./-]\s*[\d一二三四五六七八九十]{1,2}\s*[月./-]"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日?\s*$"
)
_USER_ID = re.compile(r"[“\"]?\bUU\d+[”\"]?|[“\"][A-Za-z0-9_*]{3,}[”\"]")


def sentences(text: str) -> list[str]:
    """Split on Chinese and English sentence ends; blank pieces are dropped."""
    text = (text or "").replace("_x000D_", "\n")
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


@dataclass(frozen=True)
class ReplyParts:
    """A reply split into what it says about the matter and what any reply says."""

    substance: tuple[str, ...]  # sentences left once form-letter lines are removed
    boilerplate: tuple[str, ...]  # greetings, receipts, thanks, dates, signatures
    referrals: tuple[str, ...]  # "passed to department X to handle"
    hand_offs: tuple[str, ...] = ()  # substance sentences that only pass the matter on

    @property
    def substance_text(self) -> str:
        return "".join(self.substance)

    @property
    def core(self) -> tuple[str, ...]:
        """The substance without its hand-offs: what the reply says about the matter itself."""
        return tuple(s for s in self.substance if s not in self.hand_offs)

    @property
    def core_text(self) -> str:
        return "".join(self.core)

    @property
    def only_hands_off(self) -> bool:
        """Substance, but all of it asks the citizen for details or sends them elsewhere."""
        return bool(self.substance) and not self.core

    @property
    def is_form_letter(self) -> bool:
        """Nothing but greetings, receipts, thanks and referrals: the matter is not addressed."""
        return not self.substance


def split_reply(reply: str) -> ReplyParts:
    """Sort a reply's sentences into substance, boilerplate and referrals."""
    substance: list[str] = []
    boilerplate: list[str] = []
    referrals: list[str] = []
    hand_offs: list[str] = []
    for raw in sentences(reply):
        sentence = _DATE_TAIL.sub("", _USER_ID.sub("", raw)).strip(" ，,：:")
        if not sentence or _GREETING.match(sentence) or _SIGNATURE.match(sentence):
            boilerplate.append(raw)
        elif _REFERRAL.search(sentence) and _size(_strip_cues(sentence)) < 40:
            referrals.append(raw)
        elif _BOILERPLATE.search(sentence) and _size(_strip_cues(sentence)) < 24:
            boilerplate.append(raw)
        else:
            substance.append(sentence)
            if is_hand_off(sentence):
                hand_offs.append(sentence)
    return ReplyParts(tuple(substance), tuple(boilerplate), tuple(referrals), tuple(hand_offs))


def is_hand_off(sentence: str) -> bool:
    """A short sentence that asks for details, says the matter cannot be verified, or sends the
    citizen to a telephone number or another office (a long one is taken to say more)."""
    return bool(_HAND_OFF.search(sentence)) and _size(sentence) < 70


def _size(text: str) -> int:
    """Length in Chinese characters, an English word counting as two."""
    return len(re.findall(rf"[{_CJK}]", text)) + 2 * len(re.findall(r"[A-Za-z]{3,}", text))


def _strip_cues(sentence: str) -> str:
    """A sentence without its form-letter phrases (to judge whether it says anything more)."""
    return _BOILERPLATE.sub("", _REFERRAL.sub("", sentence))


# --- the asks of a message ---------------------------------------------------------------------

ASK_KINDS: dict[str, re.Pattern[str]] = {
    # kind -> what marks it in the message
    "when": re.compile(r"什么时候|何时|多久|几时|哪一?年|\bwhen\b|how long", re.I),
    "why": re.compile(r"为什么|为何|凭什么|什么原因|怎么回事|\bwhy\b", re.I),
    "how": re.compile(
        r"怎么办|怎么(做|弄|处理|申请|办理|计算|操作)|怎样|如何|哪些(材料|资料|手续)|流程|\bhow\b",
        re.I,
    ),
    "who": re.compile(
        r"找谁|哪个部门|哪里|何处|哪家|谁来|归谁|\bwho\b|\bwhere\b|which (office|department)", re.I
    ),
    "how_much": re.compile(r"多少|几个|几天|几[年月]|\bhow (much|many)\b", re.I),
    "yes_no": re.compile(
        r"是否|能否|可否|能不能|可不可以|可以.{0,12}吗|是不是|有没有|会不会|吗[？?]|吗$"
        r"|\b(can|could|is|are|will|may|does|do|should)\b[^.?!]{0,80}\?",
        re.I,
    ),
    "request": re.compile(
        r"请求|恳请|恳求|希望|要求|建议|呼吁|敬请|务必|(?<![申邀聘])请(?![问教示])|"
        r"望(能|您|领导|政府|有关|相关|尽快|早日|各位|上级)|盼(望|能)?"
        r"|\bplease\b|\brequest\b|\bwe ask\b|\burge\b|\bshould\b|\bfix\b",
        re.I,
    ),
}
_QUESTION_MARK = re.compile(r"[？?]")


@dataclass(frozen=True)
class Ask:
    """One thing a message asks: a question or a request, with its kind."""

    text: str
    kind: str  # one of ASK_KINDS, or "question" (a bare question mark), or "implicit"


_QUESTION_LEAD = re.compile(
    r"请问|想问|问一下|问问|咨询一?下?|想了解|是否|能否|可否|能不能|可不可以|有没有|是不是|"
    r"会不会|吗[？?！!。]?$|[？?]",
    re.I,
)
_RHETORICAL = re.compile(
    r"难道|岂不|岂能|还有天理|天理何在|公理何在|有何用|何用\?|何用？|信不|信么|信吗|好笑|不是[^。？?]{0,30}吗"
)
_PLEA = re.compile(
    r"^(急|恳|敬|望|请|盼|期待|谢谢|感谢|万分)?.{0,6}(盼复|回复|答复|重视|关注|做主|作主|帮助|帮忙|"
    r"支持|为感|为盼|感谢|谢谢)[！!。.]?$"
)


def split_asks(title: str, body: str = "") -> list[Ask]:
    """The questions and requests of a message, each once, in order.

    A sentence is a *question* when it has a question mark, a closing 吗, or a lead such as
    请问 / 是否 / 能否 (English: a sentence ending in "?"); its kind (when, why, how, who, how
    much, yes/no) comes from its question words. It is a *request* when it carries a request verb
    (请求, 希望, 建议, please …) and is not a bare plea (急盼回复, 请领导重视). A message that
    numbers its points (1. 2. / 一、二、 / （1） / ① / 一是 二是) asks each of them: every numbered
    point is one ask (kind ``point`` unless it holds a question or a request), whatever it says.
    A message with no question and no request still asks for something: its title becomes one
    implicit ask.
    """
    asks: list[Ask] = []
    seen: set[str] = set()

    def add(text: str, kind: str | None) -> None:
        key = re.sub(r"\W", "", text)[:40]
        if kind and key not in seen and len(key) >= 3:
            seen.add(key)
            asks.append(Ask(text, kind))

    preamble, points = numbered_points(body)
    for sentence in sentences(preamble) or ([] if points else sentences(title)):
        add(sentence, _ask_kind(sentence))
    for point in points:
        if len(content_bigrams(point)) >= 4:
            add(point, _ask_kind(point) or "point")
    if not asks and (title or body).strip():
        asks.append(Ask((title or body).strip(), "implicit"))
    return asks


_POINT_MARK = re.compile(
    r"(?:^|(?<=[\s。；;！!？?：:，,]))(?:"
    r"(?P<digit>\d{1,2})[、.．)），,](?![\d.．])"
    r"|(?P<zh>[一二三四五六七八九十]{1,3})[、.．)）](?![\d.．])"
    r"|[（(](?P<paren>\d{1,2}|[一二三四五六七八九十]{1,3})[)）]"
    r"|(?P<circled>[①-⑳])"
    r"|[其第](?P<ordinal>[一二三四五六七八九十])[，,、是]|(?P<shi>[一二三四五六七八九十])是)"
)
_ZH_DIGITS = "一二三四五六七八九十"


def _mark_value(m: re.Match[str]) -> tuple[str, int]:
    family = next(k for k, v in m.groupdict().items() if v)
    raw = m.group(family)
    if family == "circled":
        return family, ord(raw) - ord("①") + 1
    if raw.isdigit():
        return family, int(raw)
    if raw.startswith("十"):
        return family, 10 + (_ZH_DIGITS.index(raw[1]) + 1 if len(raw) > 1 else 0)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return family, (_ZH_DIGITS.index(tens) + 1) * 10 + (
            _ZH_DIGITS.index(ones) + 1 if ones else 0
        )
    return family, _ZH_DIGITS.index(raw) + 1


def numbered_points(body: str) -> tuple[str, list[str]]:
    """A body split into the text before its first numbered point and the points themselves
    (each running to the next mark; marks removed). Marks count only as a run 1, 2, 3 … of one
    style (so a "（四）" quoted from a document or a stray "3." is not a point); the style with
    the longest run wins, and a run shorter than two gives no points."""
    text = (body or "").replace("_x000D_", "\n")
    runs: dict[str, list[re.Match[str]]] = {}
    for m in _POINT_MARK.finditer(text):
        family, value = _mark_value(m)
        run = runs.setdefault(family, [])
        if value == len(run) + 1:
            run.append(m)
    marks = max(runs.values(), key=len, default=[])
    if len(marks) < 2:
        return text, []
    points = [
        text[m.end() : (marks[i + 1].start() if i + 1 < len(marks) else len(text))].strip()
        for i, m in enumerate(marks)
    ]
    return text[: marks[0].start()], [p for p in points if p]


_INTRO = re.compile(
    r"(几个|几点|以下|如下|下列|这些)(问题|建议|诉求|请求|要求|意见)"
    r"|(问题|建议|诉求|请求|要求|意见)(如下|有以下|有几点)|[两三四五六几][点个条](问题|建议|诉求|请求|要求|意见)"
)


def _ask_kind(sentence: str) -> str | None:
    core = sentence.strip()
    if _RHETORICAL.search(core):
        return None
    if _INTRO.search(core) and (core.endswith(("：", ":")) or len(content_bigrams(core)) < 10):
        return None  # a lead-in: "我想请问几个问题：", "我的建议如下："
    if _QUESTION_LEAD.search(core):
        for kind, pattern in ASK_KINDS.items():
            if kind != "request" and pattern.search(core):
                return kind
        return "question"
    if (
        ASK_KINDS["request"].search(core)
        and not _PLEA.search(core)
        and len(content_bigrams(core)) >= 4
    ):
        return "request"
    return None


def content_bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese in a text plus lower-cased English words (for overlap)."""
    chinese = re.sub(rf"[^{_CJK}]", " ", text)
    grams = {chunk[i : i + 2] for chunk in chinese.split() for i in range(len(chunk) - 1)}
    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - _EN_STOP
    return (grams - _ZH_STOP_BIGRAMS) | words


_EN_STOP = {
    "the",
    "and",
    "for",
    "you",
    "your",
    "our",
    "are",
    "was",
    "has",
    "have",
    "this",
    "that",
    "with",
    "will",
    "from",
    "they",
    "them",
    "there",
    "what",
    "when",
    "why",
    "how",
    "can",
    "please",
    "thank",
    "thanks",
    "would",
    "could",
    "been",
    "not",
    "but",
    "all",
    "any",
}
_ZH_STOP_BIGRAMS = {
    "我们",
    "你们",
    "他们",
    "请问",
    "希望",
    "领导",
    "政府",
    "问题",
    "情况",
    "反映",
    "这个",
    "一个",
    "没有",
    "什么",
    "现在",
    "相关",
    "有关",
    "部门",
    "您好",
    "你好",
    "谢谢",
    "感谢",
    "已经",
    "可以",
    "进行",
    "工作",
    "回复",
    "如下",
    "收悉",
    "留言",
    "网友",
    "是否",
    "能否",
}
