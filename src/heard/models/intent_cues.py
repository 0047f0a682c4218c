"""Cue phrases for what a post *does*: complain, suggest, ask, praise, or report an incident.

Written for Heard (no third-party lists), in Chinese and English, from how people write to a
city's message board or about their city online. Each cue is a regular expression with a weight;
``find_cues`` returns the cues found per intent, so every label can show its words (RIGHTS.md §5).

Two uses:

- the ``intent`` stage (``heard.stages.intent``) picks the intent with the most cue weight;
- the ``sentiment`` stage reads the complaint and praise cues: a complaint is negative unless
  the post praises (a lexicon sees 希望, 发展, 安全 in "希望尽快解决安全隐患" and calls it
  positive).

The title or first sentence says what a message is for (咨询…, 建议…, 投诉…), so cues there count
double. Politeness (…，谢谢！ at the end of a request) is not praise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INTENTS = ("complaint", "suggestion", "question", "praise", "incident_report")
OTHER = "other"
"""The label when no cue is found and the sentiment gives no hint (small talk, news, ads)."""


def _cues(spec: str) -> list[tuple[re.Pattern[str], float]]:
    """``'pattern:weight'`` items, one per line (weight 1 if omitted); ``#`` starts a comment.

    A line written in ASCII is an English cue, matched against the lowercased text and only on
    texts with enough Latin words (``_scripts``); any other line is a Chinese cue, matched only
    on texts with Han. How they are matched fast: ``_Matcher``."""
    out = []
    for line in re.sub(r"\|\n\s*", "|", spec).strip().splitlines():  # a line ending in | goes on
        line = line.split("  #", 1)[0].strip()
        if not line:
            continue
        pattern, _, weight = (
            line.rpartition(":") if re.search(r":[0-9.]+$", line) else (line, "", "1")
        )
        out.append((re.compile(pattern), float(weight)))
    return out


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _scripts(text: str) -> tuple[bool, bool]:
    """(run the Chinese cues, run the English cues): Chinese when the text has Han characters;
    English when it has Latin words and they are not a stray URL or code in a Chinese text
    (at least one Latin word per four Han characters)."""
    if not _HAN.search(text):
        return False, bool(_LATIN_WORD.search(text))
    latin = len(_LATIN_WORD.findall(text))
    return True, latin > 0 and latin * 4 >= len(_HAN.findall(text))


COMPLAINT = _cues(r"""
投诉:2
举报:1.5
反映:0.5
扰民:2
刺鼻|恶臭|臭味|异味|臭气熏天:2
令人作呕|苦不堪言|忍无可忍|叫苦不迭|怨声载道:2
至今未|至今没|至今仍|迟迟|一直没|一直未|始终没|仍未|仍然没|还是没:1.5
无人管|没人管|谁来管|不管不顾|置之不理|不予理睬|无人问津|不闻不问|踢皮球|推诿|推脱|敷衍:2
不作为|乱作为|乱收费|乱罚款|乱搭|乱建|乱停|乱摆|乱倒|违建|违章|违规|违法|非法:1.5
拖欠|欠薪|克扣|拒不|拒绝退|不退|强制|强行|霸王|坑人|被骗|欺骗|欺诈|虚假宣传:2
噪音|噪声|太吵|吵闹|吵得|刺耳|污染|排放|废气|粉尘|扬尘|油烟|脏乱差|垃圾成堆|堵塞|积水成|污水横流:1.5
焚烧|僵尸车|占道|夜间施工|凌晨施工|深夜施工|施工.{0,8}(深夜|凌晨|半夜)|黑车|黑中介:1.5
严重影响|影响.{0,6}(生活|休息|出行|健康|学习)|损害|侵害|侵占|霸占|损失:1.5
不合理|不公平|不公正|不规范|太差|极差|很差|太贵|过高|天价|难以|无法正常:1.5
凭什么|难道|怎么能|为何|为什么.{0,12}(不|没|还|要|却):1
谁来|天理何在|合理吗|合理的吗|合法吗|公平吗|是否(违法|违规|合法|合理)|算违法|有没有人管|何时(能|才能)?(解决|处理|退)|还要等多久:2.5
反对|不同意|抵制|撤销|申请撤|保留.{0,12}(站|点|线|学校|公园):1.5
多次.{0,6}(反映|投诉|打电话|联系|举报|求助)|屡次|三番五次:2
又(一次|开始|出现|发生|停|断|坏|堵|漏|涨|吵|臭|来|被|没|是.{0,4}(噪|臭|堵|停))[^，。！？!?]{0,8}了?:1.5
维权|讨说法|求助|请求.{0,4}(处理|解决|查处|整治)|要求.{0,6}(处理|解决|查处|整治|赔偿|退):1.5
安全隐患|隐患:1
不给|未缴纳|未缴|长期未|没退|未退|还没退|不退还|无果|未果|没有结果|没有.{0,4}(回复|答复|处理|解决|下文)|乱象|嚣张|歧视|不亮|坏了|破损|失修|欠修|烂尾|停工|
跑路|血本无归|苦水|乞求|诉苦:1.5
查实|查处|严查|制止|取缔|整治|督促|责令|整改|追责|问责|赔偿|退款|退费|维护.{0,6}(权益|利益)|尽快(解决|处理|整改|修):1
complain|complaint|complaints|complained|fed up|sick of|sick and tired|unacceptable|disgrace|
disgraceful|disgusting|outrage|outrageous|outraged|ridiculous:2
too high|too much|too little|too few|too expensive|too slow|too many|too long|shameful|eyesore|
embarrassing|unresponsive|outdated|messy|makes no sense|no sense|ignoring|ignored|neglected|
unfair|unsafe|dangerous|corrupt|corruption:1.5
must be stopped|so fix it|fix it|fix them|fix this|\bstop \w+ing\b:1.5
still no|still not|still hasn't|still haven't|still waiting|nobody fixed|nobody cares|
nobody came|no one fixed|no one cares|no one came:2
hasn't been fixed|haven't been fixed|hasn't been repaired|haven't been repaired|
hasn't been collected|haven't been collected|for weeks now|for months now|for years now:2
ignored us|ignoring us|ignored our|ignoring our|ignored my|every day|every night|every week|
worst|terrible|awful|appalling:1.5
again|still:0.5
scam|scams|overcharged|overcharging|overcharge|rip-off|ripoff|rip off|noise|noisy|pollution|
polluted|polluting|stink|stinks|smell|smells|filthy|dirty|broken|pothole|potholes:1.5
\b(why|how) (is|are|does|do|can|did|has|have)\b.{0,40}\b(not|no|never|still|allowed)\b:1
""")

SUGGESTION = _cues(r"""
建议|提议|倡议:2.5
希望|期望|期盼|盼望|盼:0.5
呼吁|恳请|恳求|强烈要求|请求:0.5
能否|可否|是否可以|可不可以|能不能:1
应该|应当|理应|有必要|亟需|亟待|急需|应[介加出调考增设建完统取]:1
增设|增加|新建|修建|设置|安装|开通|加装|完善|规范|加强|加快|优化|改善|调整|延长|取消:1
(可以|不妨|最好)(考虑|在|把|将|让|设|建|开|增):1.5
should|suggest|suggests|suggested|suggestion|propose|proposed|proposal|recommend|recommended|
consider|would be better|would be great|would be nice|would be good:2
we need|need more|needs more|need to|needs to|need a|needs a|need an|needs an|let's|lets|
how about|why not|please add|please install|please build|please make|please put|
please consider:1.5
add more|add a|add an|install more|install a|build more|build a|build an|introduce a|ban the|
require|fund the|fund more|extend the|expand the|lower the|raise the:1
\A(provide|encourage|create|build|add|make|allow|give|support|offer|improve|expand)\b:2
\A(increase|reduce|ban|fund|invest|require|promote|develop|bring|keep|hire|install)\b:2
\A(open|plant|more|less|fewer)\b:2
would be the best|is the best solution|is the best option|is the best way|is required|
be creative|would like to see|could benefit|is for the:2
""")

QUESTION = _cues(r"""
咨询:2.5
请问|想问|问一下|想了解|想知道|请教|疑问|是否属实:2
吗[？?]|吗$|呢[？?]:1.5
[？?]:1
怎么办|如何|怎样|怎么|什么时候|何时|哪里|哪个|多少|有没有|是否|能否|可否|可以.{0,6}吗:0.7
何去何从|正常吗:1
\?:1
\b(how|when|where|what|which|who|is|are|can|could|does|do|will|would)\b[^.!?]{0,60}\?:1.5
does anyone know|anyone know|can i|can we|can you|how do i|how do we|where can i|where can we|
where do i|where do we|is it true|is it possible|is it legal:2
""")

PRAISE = _cues(r"""
表扬|赞扬|点赞|称赞|好评|锦旗|致敬|辛苦了|为.{1,12}点赞|值得学习|值得肯定:3
表示理解和支持|理解和支持|表示支持|已(经)?(解决|落实|处理好).{0,12}(谢谢|感谢)|(谢谢|感谢).{0,12}已(经)?(解决|落实):3
(感谢|感激|谢谢|多谢)(?!.{0,3}(百忙|您的?(关注|阅读|回复|解答|查看)|领导|关注|阅读|回复|解答))(?=[^。！!？?\n]{3,})|
感谢.{0,12}(帮助|解决|处理|关心|付出|辛苦|及时|热心):1.5
满意|非常好|很好|太好了|真好|给力|高效|及时解决|迅速解决|圆满解决|暖心|负责任的:1
thank|thanks|thanked|thankful|thank you|grateful|appreciate|appreciated|kudos|well done|
great job|\b(?<!a )good job|bravo|shout-out|shoutout|shout out:2
love the|love our|love this|love my|loving the|loving our|amazing|wonderful|fantastic|brilliant|
excellent|awesome|enjoyed|big fan|big fans:1.5
""")

INCIDENT = _cues(r"""
火灾|起火|着火|失火|冒烟|爆炸|燃气泄漏|煤气泄漏|泄漏|泄露:2.5
车祸|追尾|相撞|翻车|身亡|遇难|溺水|被困|砸伤|砸到|坠落|触电|中毒:2
事故|受伤|死亡:1.5
塌陷|坍塌|倒塌|塌方|滑坡|爆管|爆裂|水管破裂|井盖.{0,4}(丢|没|缺|破|坏)|倒伏|倒在:2
停电|断电|停水|断水|漏水|渗水|内涝|被淹|淹水|积水:1
水漫|漫到|冒水|喷水|无法通行|交通中断|堵死了|困在:1
刚刚|刚才|今天(上午|下午|晚上|凌晨)|今晚|今早|此刻|目前正在|正在发生|突发|险情|紧急:1
wildfire|wildfires|wild fire|house fire|building fire|forest fire|brush fire|bush fire|on fire|
blaze|blazes|
\bfires? (broke|breaks|broken|at|in|near|on|raging|rages|spread|spreading|burning)\b:2
explosion|exploded|crash|collision|collapse|collapsed|sinkhole|landslide|flood|flooded|flooding:2
shot|stab|stabbed|stabbing|fled|flee|attacked:1.5
power cut|power outage|blackout|no power|no water|no electricity|burst pipe|burst main|
water main|gas leak|leak|leaking:2
injured|killed|dead|trapped|emergency|evacuate|evacuated|evacuation:1.5
just now|right now|this morning|tonight|happening:1
""")

CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "complaint": COMPLAINT,
    "suggestion": SUGGESTION,
    "question": QUESTION,
    "praise": PRAISE,
    "incident_report": INCIDENT,
}
CUES_VERSION = "1.2"


_PLAIN_ZH = re.compile(r"[^\\.^$*+?{}\[\]()|]+")
_PLAIN_EN = re.compile(r"[a-z0-9' -]+")


def _top_level(pattern: str) -> list[str]:
    """Split a regex at its top-level ``|`` (not inside groups or classes)."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _trie_regex(words: list[str]) -> str:
    """One regex for any of ``words``, built from their trie (``ab|ac|a`` → ``a(?:b|c)?``): the
    engine then tries one branch per character instead of every word, 2–3× faster here."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = body if body.startswith("(?:") and len(branches) > 1 else f"(?:{body})"
            return body + "?"
        return body

    return build(trie) or "(?!)"


class _Matcher:
    """All cues of one script, matched in few passes.

    The plain alternatives (a word or phrase, no regex syntax) of every cue go into one regex (a
    trie of them), scanned once; for English they match whole words only. The other alternatives
    (gaps, classes, look-arounds) stay one regex per cue, searched for their first match only.
    Scanning the ~130 cue lines one by one cost 0.1–0.5 ms a post; see
    ``heads/intent.MODEL_CARD.md`` for this one's cost."""

    def __init__(self, cues: list[tuple[tuple[str, int], str]], english: bool):
        self.literal_keys: dict[str, list[tuple[str, int]]] = {}
        self.regexes: list[tuple[tuple[str, int], re.Pattern[str]]] = []
        plain = _PLAIN_EN if english else _PLAIN_ZH
        for key, pattern in cues:
            rest = []
            for alternative in _top_level(pattern):
                if alternative and plain.fullmatch(alternative):
                    self.literal_keys.setdefault(alternative, []).append(key)
                else:
                    rest.append(alternative)
            if rest:
                self.regexes.append((key, re.compile("|".join(rest))))
        body = _trie_regex(sorted(self.literal_keys))
        self.literals = re.compile(rf"(?<![a-z0-9'])(?:{body})(?![a-z0-9'])" if english else body)

    def first_matches(self, text: str, praise_end: int) -> dict[tuple[str, int], tuple[int, str]]:
        """Each cue's first match (start, matched text); praise cues only before ``praise_end``
        (where a closing courtesy begins)."""
        first: dict[tuple[str, int], tuple[int, str]] = {}
        for m in self.literals.finditer(text):
            for key in self.literal_keys[m.group(0)]:
                if key not in first and (key[0] != "praise" or m.start() < praise_end):
                    first[key] = (m.start(), m.group(0))
        for key, regex in self.regexes:
            m = regex.search(text, 0, praise_end) if key[0] == "praise" else regex.search(text)
            if m and (key not in first or m.start() < first[key][0]):
                first[key] = (m.start(), m.group(0))
        return first


_WEIGHT: dict[tuple[str, int], float] = {}
_BY_SCRIPT: dict[str, list[tuple[tuple[str, int], str]]] = {"zh": [], "en": []}
for _intent, _cue_list in CUES.items():
    for _i, (_pattern, _weight) in enumerate(_cue_list):
        _WEIGHT[(_intent, _i)] = _weight
        _BY_SCRIPT["en" if _pattern.pattern.isascii() else "zh"].append(
            ((_intent, _i), _pattern.pattern)
        )
_MATCHERS = {
    "zh": _Matcher(_BY_SCRIPT["zh"], english=False),
    "en": _Matcher(_BY_SCRIPT["en"], english=True),
}

_POLITE_END = re.compile(
    r"(谢谢|感谢|多谢|感激)[^。！!？?\n]{0,12}[。！!~～]*\s*$|(thanks|thank "
    r"you)[^.!?]{0,20}[.!]*\s*$"
)
_REQUEST = re.compile(r"请|望|希望|恳请|麻烦|帮忙|尽快|解决|处理|please|could you|can you")
_POLITE_TAIL = 40
SCAN_HEAD, SCAN_TAIL = 600, 200
"""A long letter is read at its start (title, what happened, what is asked) and its end (the
request, the thanks): the first ``SCAN_HEAD`` and last ``SCAN_TAIL`` characters. It keeps the cost
per post bounded (the cue scan is linear in length); 8 % of 附件3's messages are longer."""
_RECURRING_OR_HYPOTHETICAL = re.compile(
    r"隐患|频发|多次发生|经常|屡|万一|一旦|如果|如遇|将会|随时|可能会|frequent|often|every "
    r"time|what if"
)
TITLE_MAX = 80


@dataclass
class CueHits:
    """Cue weight and the words that matched, per intent."""

    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(INTENTS, 0.0))
    words: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in INTENTS})
    recurring: bool = False
    """The post speaks of a standing hazard or repeated events (隐患, 频发, 万一 …), not one
    event."""

    @property
    def complaint(self) -> float:
        return self.weights["complaint"]

    @property
    def praise(self) -> float:
        return self.weights["praise"]

    @property
    def praises(self) -> bool:
        """The post praises someone or something (politeness alone does not count)."""
        return self.weights["praise"] >= 1.5 and self.weights["praise"] >= self.weights["complaint"]


def find_cues(text: str) -> CueHits:
    """Cues per intent in ``text``; those in its title (a first line of at most ``TITLE_MAX``
    characters followed by a body, as ``text_norm`` writes a titled post) count double."""
    hits = CueHits()
    if not text:
        return hits
    first_line, newline, rest = text.partition("\n")
    head_end = len(first_line) if newline and rest.strip() and len(first_line) <= TITLE_MAX else 0
    if len(text) > SCAN_HEAD + SCAN_TAIL:
        text = f"{text[:SCAN_HEAD]}\n{text[-SCAN_TAIL:]}"
    run_zh, run_en = _scripts(text)
    lowered = text.lower() if run_en else text
    hits.recurring = bool(_RECURRING_OR_HYPOTHETICAL.search(lowered))
    polite = _POLITE_END.search(lowered, max(0, len(lowered) - _POLITE_TAIL))
    polite_is_courtesy = bool(polite and _REQUEST.search(lowered, 0, polite.start()))
    courtesy_from = polite.start() if polite and polite_is_courtesy else len(lowered)
    for script, run, subject in (("zh", run_zh, text), ("en", run_en, lowered)):
        if not run:
            continue
        for key, (start, word) in sorted(
            _MATCHERS[script].first_matches(subject, courtesy_from).items()
        ):
            intent = key[0]
            hits.weights[intent] += _WEIGHT[key] * (2.0 if start < head_end else 1.0)
            word = word.strip()
            if word and word not in hits.words[intent] and len(hits.words[intent]) < 8:
                hits.words[intent].append(word)
    return hits
