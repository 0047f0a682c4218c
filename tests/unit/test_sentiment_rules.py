"""Sentiment rules 2.0: sarcasm, courtesy, litotes, "praise, but …", notices, questions.

Sentences written for these tests (not from the blind set v2); each failed with rules 1.x."""

from __future__ import annotations

import pytest

from heard.models.sentiment_rules import RULES_VERSION, scan
from heard.stages.sentiment import SentimentScorer
from heard.stages.tokens import Segmenter, content_tokens


@pytest.fixture(scope="module")
def embedder():
    from heard.models import make_embedder

    return make_embedder("use")


@pytest.fixture(scope="module")
def scorer():
    return SentimentScorer()


def labelled(scorer, embedder, texts):
    seg = Segmenter()
    langs = ["zh" if any("\u4e00" <= c <= "\u9fff" for c in t) else "en" for t in texts]
    tokens = [content_tokens(seg.words(t, lang)) for t, lang in zip(texts, langs)]
    _scores, labels, evidence = scorer.score(embedder.encode(texts), texts, tokens, langs)
    return labels, evidence


CASES = [
    # sarcasm: a praise word in scare quotes, a laugh on a strong grievance
    ("这办事速度真是太\u201c快\u201d了，一个章盖了一个月。", "negative", "sarcasm"),
    ("[哈哈]小区又停电了，这个礼拜第三次了[哈哈]", "negative", "sarcasm"),
    ("Love waiting an hour at the clinic for a five-minute appointment.", "negative", "sarcasm"),
    # thanks that blame
    ("太感谢房东了，热水器坏了三个星期没人修。", "negative", "complaint"),
    # praise the intent cues or the lexicon miss
    ("表扬一下社区医生，下雨天还上门给老人打针，辛苦了！", "positive", "praise"),
    # litotes
    ("窗口的工作人员一点也不推诿，当天就给了答复。", "positive", None),  # 推诿 is negated
    ("No complaints about the new bin collection, it's been reliable.", "positive", "litotes"),
    # praise, then the grievance
    ("新菜市场很干净，可是停车位太少，每次都要绕好几圈。", "negative", "but_grievance"),
    # a notice is neutral, whatever its words
    ("【通知】因线路检修，本周六9:00至17:00北区停电，请居民提前做好准备。", "neutral", "notice"),
    ("市里发布了新的电动车管理办法，主要涉及上牌和头盔。", "neutral", "notice"),
]


@pytest.mark.parametrize(("text", "gold", "rule"), CASES)
def test_rules_read_what_the_post_does(scorer, embedder, text, gold, rule):
    labels, evidence = labelled(scorer, embedder, [text])
    assert labels[0] == gold, evidence[0]
    if rule:
        assert evidence[0]["rule"] == rule, evidence[0]
        assert evidence[0]["rule_cues"], evidence[0]  # the words behind it are shown
    assert evidence[0]["rules"].endswith(f"heard-sentiment-rules@{RULES_VERSION}")


def test_laughs_and_courtesy_alone_change_nothing(scorer, embedder):
    """On Weibo a laugh beside one grievance word is a laugh; criticism stays negative however
    politely it is put (RIGHTS.md: it is surfaced, not softened)."""
    texts = [
        "今天排队买奶茶排了好久，终于喝到了[哈哈]",
        "尊敬的领导您好，我们小区的路灯坏了两个月，晚上出门很危险，恳请尽快维修，谢谢！",
    ]
    labels, evidence = labelled(scorer, embedder, texts)
    assert labels == ["positive", "negative"], evidence


def test_scan_keeps_each_cue_with_its_position():
    reading = scan("环境不错，但是物业电话打不通。Thanks!")
    assert reading.has("contrast") and reading.has("grievance")
    cut = reading.contrast_at()
    assert cut is not None and reading.after("grievance", cut)
    assert reading.words("grievance") == ["打不通"]
    assert scan("").found == {}
