"""Keywords and problem terms are words the posts used, not pieces the search index cut out.

The index (``search_text``) holds, before each Chinese word of three or more characters, the
dictionary words inside it (jieba's search mode: 公交公司 → 公交 交公 公司 公交公司), so a
search for 公交 finds it. Topic keywords and issue terms are counted from the same column, and
pieces that no post used as a word came out as terms: 交公 (公交公司) and 化器 (净化器) on the
bundled demo, 此景 (此情此景), 积金 (公积金) and 托车 (摩托车) on Teddy Cup 附件3. Counted nouns
(十余家) are amounts. Here texts are segmented by the real segmenter, as the ingest stores them."""

from __future__ import annotations

from collections import Counter

import pytest

from heard.listen.analysis.keywords import class_tfidf, fragments, whole_word_counts
from heard.listen.issues.grouping import Group
from heard.listen.issues.measure import MessageFacts, problem_terms
from heard.stages.tokens import Segmenter

BUS = [
    "公交公司的班次太少，公交等了半小时",
    "公交公司不管站台，坐公交太难",
    "投诉公交公司：早上公交一直不来",
]
GRILL = [
    "楼下烧烤店油烟很大，净化器从来不开",
    "烧烤油烟扰民，净化器是摆设",
    "烧烤店的油烟净化器坏了，油烟直冲窗户",
]
OTHER = [f"公园的开放时间第{i}次调整，学校和医院也要说明" for i in range(6)]


def _terms(text: str) -> list[str]:
    seg = Segmenter()
    return seg.search_text(seg.words(text, "zh")).split()


def test_pieces_of_longer_words_count_nothing_words_count_where_they_stood_alone():
    counts = Counter(t for text in BUS + GRILL for t in _terms(text))
    assert counts["交公"] >= 3 and counts["化器"] >= 3  # the index holds them: search needs them
    whole = whole_word_counts(counts)
    assert whole["交公"] == 0 and whole["化器"] == 0, whole
    assert whole["公交公司"] == counts["公交公司"] == 3 and whole["净化器"] == 3
    assert whole["公交"] == 3 and counts["公交"] == 6  # alone three times, three in 公交公司
    for word in ("烧烤", "油烟", "站台", "班次"):
        assert whole[word] > 0, (word, whole)


def test_a_word_inside_longer_ones_keeps_the_times_it_stood_alone():
    texts = ["垃圾站很臭", "垃圾没人收", "楼道里都是垃圾", "教育局不管，教育不公平"]
    whole = whole_word_counts(Counter(t for text in texts for t in _terms(text)))
    assert whole["垃圾"] == 2 and whole["垃圾站"] == 1 and whole["教育"] == 1, whole


def test_fragments_are_pieces_that_stood_alone_almost_never():
    counts = Counter(t for text in BUS + GRILL for t in _terms(text))
    found = fragments(counts)
    assert {"交公", "化器"} <= found, found
    # inside longer words often, but words the posts used too: 烧烤 of 烧烤店, 公交 of 公交公司
    for word in ("公交", "公交公司", "净化器", "烧烤", "烧烤店", "油烟", "站台"):
        assert word not in found, (word, found)


def test_topic_keywords_leave_out_fragments():
    rows: Counter[tuple[int, str]] = Counter()
    for topic, texts in ((1, BUS), (2, GRILL), (3, OTHER)):
        for text in texts:
            rows.update((topic, t) for t in _terms(text))
    keywords = class_tfidf([(k, t, n) for (k, t), n in rows.items()], top_n=10)
    bus = [t for t, _ in keywords[1]]
    grill = [t for t, _ in keywords[2]]
    assert "公交" in bus and "公交公司" in bus and "交公" not in bus, bus
    assert "净化器" in grill and "化器" not in grill, grill


def test_problem_terms_leave_out_fragments():
    texts = GRILL + BUS + OTHER
    facts = [
        MessageFacts(
            post_id=str(i),
            title=text[:10],
            t=float(i),
            author_key=f"a{i}",
            engagement=0,
            sentiment=None,
            terms=tuple(_terms(text)),
            topic_id=None,
            text=text,
        )
        for i, text in enumerate(texts)
    ]
    grill = Group(anchor="桂香街", members=[0, 1, 2], coherence=1.0)
    bus = Group(anchor="北岭", members=[3, 4, 5], coherence=1.0)
    terms = problem_terms([grill, bus], facts, n=10)
    assert "净化器" in terms[0] and "化器" not in terms[0], terms[0]
    assert "公交公司" in terms[1] and "交公" not in terms[1], terms[1]


@pytest.mark.parametrize("term", ["十余家", "三家", "几户", "十多人", "两名", "五辆", "十余栋"])
def test_counted_nouns_are_amounts(term):
    from heard.listen.analysis.keywords import is_quantity_or_now

    assert is_quantity_or_now(term)


@pytest.mark.parametrize("term", ["二中", "一中", "万家丽", "百姓", "人家", "名家", "国家"])
def test_names_and_words_with_a_measure_word_stay(term):
    from heard.listen.analysis.keywords import is_quantity_or_now

    assert not is_quantity_or_now(term)
