"""Topic keywords by class-based TF-IDF over tokens (jieba words for Chinese, lowercased English).

Each topic is one "class": all its posts' tokens pooled. A term's weight in a topic is its
frequency there (normalised by the topic's token count) times ``log(1 + A / f)``, where ``A`` is
the average token count per topic and ``f`` the term's count over all topics — frequent in this
topic, rare across the others. Pure: no I/O.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

STOPWORDS_EN = frozenset(
    """
a about above after again against all am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
down during each few for from further get got had hadn't has hasn't have haven't having he he'd
he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
is isn't it it's its itself just let's like me more most mustn't my myself new no nor not now of
off on once one only or other ought our ours ourselves out over own really said same say says
shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through to too
under until up us use using very via was wasn't we we'd we'll we're we've were weren't what what's
when when's where where's which while who who's whom why why's will with won't would wouldn't you
you'd you'll you're you've your yours yourself yourselves also may might must shall still yet rt
http https www com amp
""".split()
)

STOPWORDS_ZH = frozenset(
    """
的 了 和 是 在 我 有 也 就 不 人 都 一 一个 上 中 到 说 要 去 你 会 着 没有 看 好 自己 这 那 他 她
它 我们 你们 他们 她们 这个 那个 这些 那些 什么 怎么 为什么 如何 哪里 还 又 把 被 让 给 对 与 及
或 而 但 但是 因为 所以 如果 虽然 然后 并 并且 以及 之 其 该 等 等等 吗 呢 吧 啊 呀 哦 嗯 很 非常
已经 可以 能 能够 应该 需要 希望 请 问 关于 问题 情况 进行 没 从 向 为 以 于 时 后 前 里 各 每 本
此 再 才 更 最 太 比较 一下 一些 一直 现在 目前 还是 或者 就是 不是 是不是 还有 这样 那样 这里 那里
""".split()
)

try:  # the tokens stage's list (heard.stages.stopwords), plus the extra filler above
    from heard.stages.stopwords import STOP_WORDS as _STAGE_STOP_WORDS
except ImportError:  # pragma: no cover - the stages package is part of Heard
    _STAGE_STOP_WORDS = frozenset()

STOPWORDS = STOPWORDS_EN | STOPWORDS_ZH | _STAGE_STOP_WORDS
"""Stop-words for both languages: the tokens stage's list plus forum filler (请问, 关于, 问题 …)."""

_NOISE = re.compile(r"^(?:\d+(?:\.\d+)?%?|[\W_]+|[a-z])$")

_NUMBER_ZH = "[0-9零〇一二两三四五六七八九十百千万亿几半]+"
_UNIT_ZH = (
    "秒钟?|分钟?|刻钟|小时|钟头|个?钟|天|日|周|星期|礼拜|个?月份?|年|点钟?|次|遍|趟|个|元|块钱?|毛钱?"
    "|米|公里|千米|斤|公斤|吨|岁|家|户|人|名|位|辆|栋|层|间|座|台|件|条|所|处"
)
_QUANTITY = re.compile(
    f"^(?:第?{_NUMBER_ZH}(?:多|余|来)?(?:{_UNIT_ZH})?(?:多|左右|以上)?|(?:{_UNIT_ZH}))$"
    r"|^\d+(?:[.,]\d+)?(?:st|nd|rd|th|s|am|pm|h|hrs?|mins?|m|km|kg|k|yuan|rmb)$"
    r"|^(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?"
    r"|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|half|dozens?)$"
)
"""A quantity: a number in Chinese numerals (二十), a number with its unit (十分钟, 三天, 20元,
20mins) or a unit alone (分钟, 小时, hours) — how much or how long, never what about."""
NOW_WORDS = frozenset(
    "今天 昨天 明天 前天 后天 今日 昨日 明日 当天 当日 次日 今年 去年 明年 前年 今晚 昨晚 明晚 "
    "今早 近日 近期 日前 最近 本月 上月 下月 本周 上周 下周 每天 每日 每周 每月 每年 天天 "
    "today tonight yesterday tomorrow daily weekly".split()
)
"""Times counted from when the post was written (今天, 去年, yesterday) or how often (每天): when
a post was written, never what it is about. Times of day stay (夜间, 晚上, 凌晨: night-time
noise and streetlights that go off at night are what such posts are about)."""


def is_quantity_or_now(term: str) -> bool:
    """A number, an amount, a span of time or a day counted from now (``_QUANTITY``,
    ``NOW_WORDS``): on the bundled demo the bus topic was labelled 公交 · 分钟 · 十分钟."""
    return term in NOW_WORDS or bool(_QUANTITY.match(term))


def usable(term: str, stopwords: frozenset[str] = STOPWORDS) -> bool:
    """A term worth showing: not a stop-word, number, amount or time counted from now (二十分钟,
    今天; ``is_quantity_or_now``), punctuation or a single character, not an anonymised code (a4,
    A2区) and not a name cut by the segmenter (区丽发; ``junk``)."""
    from heard.listen.analysis.junk import is_junk

    return (
        len(term) >= 2
        and term not in stopwords
        and not _NOISE.match(term)
        and not is_quantity_or_now(term)
        and not is_junk(term)
    )


_HAN_START = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def whole_word_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """How often each term of some index words (``search_text``, counted) was a word of its own.

    The index holds, before each Chinese word of three or more characters, the dictionary words
    of two and three characters inside it (``Segmenter.search_text``: 公交公司 → 公交 交公 公司
    公交公司), so counted as they are, terms hold pieces no post used as a word: 交公, 化器 on the
    demo, 此景 (此情此景), 积金 (公积金), 托车 (摩托车) on Teddy Cup 附件3. Taking the longest terms
    first, each one's own count (its count less the times it stood inside a longer word) is what
    it adds to the pieces inside it: exact for the pieces jieba's dictionary holds (what the
    index adds), and for any other term its plain count. Search keeps the pieces; what is shown
    as a word (keywords, problem terms) is counted here."""
    from heard.listen.analysis.junk import _dictionary

    known = _dictionary()
    inside: dict[str, int] = defaultdict(int)
    whole: dict[str, int] = {}
    for term in sorted(counts, key=lambda t: (-len(t), t)):
        own = whole[term] = max(counts[term] - inside.get(term, 0), 0)
        if own and len(term) > 2 and _HAN_START.match(term):
            for n in (2, 3):
                for i in range(len(term) - n + 1 if len(term) > n else 0):
                    if known.get(term[i : i + n]):
                        inside[term[i : i + n]] += own
    return whole


FRAGMENT_SHARE = 0.2
"""A term that stood as a word of its own in under this share of its occurrences is a piece of
longer words. Measured on the demo and Teddy Cup 附件3/附件4: the pieces no
post used as a word stand alone in 0-17 % of their occurrences in a topic (交公, 化器, 委会, 积金,
托车, 广铁 of 广铁集团, 合同 of 劳动合同); real words that are mostly inside longer ones stand alone
far more often (公交 38 %, 教育 39 %, 烧烤 43 %, 污染 55 %) and are what posts are about."""


def fragments(counts: Mapping[str, int], share: float = FRAGMENT_SHARE) -> frozenset[str]:
    """The terms of these index-word counts that, in all but ``share`` of their occurrences,
    were a piece the index cut out of a longer word (``whole_word_counts``), not a word the
    posts used: 交公 (公交公司), 化器 (净化器), 此景 (此情此景). Search needs them; keywords and
    problem terms never show them."""
    whole = whole_word_counts(counts)
    return frozenset(t for t, n in counts.items() if whole[t] < share * n)


def class_tfidf(
    counts: Iterable[tuple[Hashable, str, int]],
    top_n: int = 10,
    stopwords: frozenset[str] = STOPWORDS,
    totals: dict[str, int] | None = None,
    avg: float | None = None,
) -> dict[Hashable, list[tuple[str, float]]]:
    """``(topic, term, count)`` rows → each topic's ``top_n`` terms with their c-TF-IDF weight.

    The rows count the index's words (``search_text``), the pieces of longer words with them;
    a topic's ``fragments`` (交公 of 公交公司, 化器 of 净化器) are no keyword of it.

    ``totals`` (term → count over all topics) and ``avg`` (tokens per topic) default to what
    ``counts`` itself holds; pass them when ``counts`` covers only some topics. Ties are broken by
    the term itself, so the result is deterministic.
    """
    raw: dict[Hashable, dict[str, int]] = defaultdict(dict)
    for topic, term, n in counts:
        if n > 0:
            raw[topic][term] = raw[topic].get(term, 0) + n
    per_topic: dict[Hashable, dict[str, int]] = defaultdict(dict)
    total: dict[str, int] = defaultdict(int)
    verdicts: dict[str, bool] = {}  # a term recurs in many topics: judged once
    for topic, terms in raw.items():
        cut = fragments(terms)  # pieces of the topic's longer words: 交公 of 公交公司
        for term, n in terms.items():
            ok = verdicts.get(term)
            if ok is None:
                ok = verdicts[term] = usable(term, stopwords)
            if ok and term not in cut:
                per_topic[topic][term] = n
                total[term] += n
    if not per_topic:
        return {}
    if totals is not None:
        total = defaultdict(int, totals)
    if avg is None:
        avg = sum(total.values()) / len(per_topic)
    out: dict[Hashable, list[tuple[str, float]]] = {}
    for topic, terms in per_topic.items():
        size = sum(terms.values())
        scored = [(n / size * math.log(1 + avg / max(total[t], n)), t) for t, n in terms.items()]
        scored.sort(key=lambda st: (-st[0], st[1]))
        out[topic] = [(t, round(s, 6)) for s, t in scored[:top_n]]
    return out


LABEL_SEP = " · "


def label_from(keywords: list[tuple[str, float]], n: int = 3) -> str:
    """A short label: the top ``n`` keywords."""
    return LABEL_SEP.join(t for t, _ in keywords[:n]) or "(no keywords)"


LABEL_MARGIN = 0.2
"""How much more weight (a share) a keyword must carry than the label's term in its place for
the label to change: one post more in a term's few posts (5 → 6) moves its weight about this
much. Measured on the demo corpus ingested in 20 files (``bench/label_drift.py``): the labels
flipped back and forth between near ties (施工 · 夜间 · 工地 ↔ 施工 · 夜间 · 广场 three times,
公交 · 北岭 · 东湖 ↔ 公交 · 东湖 · 北岭, 松柏 · 路灯 ↔ 路灯 · 松柏), a new label at each small
ingest."""


def steady_label(
    previous: str | None,
    keywords: list[tuple[str, float]],
    n: int = 3,
    margin: float = LABEL_MARGIN,
) -> str:
    """The label of a topic whose label was ``previous``, now that its keywords are
    ``keywords``: ``previous`` while each of its terms is still one of ``keywords`` and no
    place of it is taken by a keyword more than ``margin`` heavier than the term it holds there
    (the best ``n`` keywords in order against the label's terms in theirs); else
    ``label_from``. A label changes when the evidence does, not at every near tie a few new
    posts tip; a term clearly ahead (water 0.073 over 停水 0.055) still takes its place."""
    best = keywords[:n]
    if not previous or len(keywords) < n:
        return label_from(keywords, n)
    weights = dict(keywords)
    terms = previous.split(LABEL_SEP)
    if len(terms) != n or len(set(terms)) != n or any(t not in weights for t in terms):
        return label_from(keywords, n)
    if all(w <= weights[t] * (1 + margin) for (_, w), t in zip(best, terms)):
        return previous
    return label_from(keywords, n)
