"""Topic labels and keywords name what posts are about, not how long or when: numbers in Chinese
numerals, numbers with their unit, units alone and days counted from now are no keyword (the
bundled demo's bus topic was labelled 公交 · 分钟 · 十分钟)."""

from __future__ import annotations

import pytest

from heard.listen.analysis.keywords import class_tfidf, is_quantity_or_now, label_from, usable


def test_a_bus_topic_is_labelled_by_the_bus_not_by_the_minutes_it_keeps_people_waiting():
    counts = [
        # the demo's bus topic, in the proportions its posts used the words
        (2, "分钟", 14),
        (2, "十分钟", 9),
        (2, "二十", 7),
        (2, "二十分钟", 6),
        (2, "公交", 12),
        (2, "北岭", 6),
        (2, "站台", 5),
        (2, "小时", 4),
        (2, "今天", 4),
        (2, "班次", 3),
        (2, "minutes", 5),
        (2, "hours", 3),
        (2, "yesterday", 3),
        (2, "bus", 4),
        # the other topics, which talk about the time too but far less
        (3, "施工", 10),
        (3, "夜间", 8),
        (3, "翠湖", 7),
        (3, "小时", 1),
        (3, "今天", 2),
        (4, "路灯", 9),
        (4, "晚上", 6),
        (4, "分钟", 1),
    ]
    top = class_tfidf(counts, top_n=10)
    assert label_from(top[2]) == "公交 · 北岭 · 站台"
    shown = {t for t, _ in top[2]}
    assert shown.isdisjoint({"分钟", "十分钟", "二十", "二十分钟", "小时", "今天", "minutes"})
    assert {"bus", "班次"} <= shown
    # a time of day is what night-time noise and dark streetlights are about: it stays
    assert label_from(top[3]) == "施工 · 夜间 · 翠湖"
    assert "晚上" in dict(top[4])


@pytest.mark.parametrize(
    "term",
    [
        "分钟",
        "十分钟",
        "二十",
        "二十分",
        "二十分钟",
        "半小时",
        "小时",
        "三天",
        "一个月",
        "十几年",
        "五月份",
        "万元",
        "20元",
        "公里",
        "第一次",
        "今天",
        "去年",
        "每天",
        "minutes",
        "hours",
        "yesterday",
        "20mins",
        "5pm",
    ],
)
def test_amounts_spans_and_days_from_now_are_no_keyword(term):
    assert is_quantity_or_now(term) and not usable(term)


@pytest.mark.parametrize(
    "term",
    ["公交", "夜间", "晚上", "凌晨", "整顿", "百姓", "一中", "12路", "3号线", "5G", "站台", "road"],
)
def test_words_with_a_numeral_or_a_time_in_them_stay(term):
    # 整顿 and 百姓 hold no number; 一中 is a school, 12路 a bus route, 3号线 a metro line
    assert not is_quantity_or_now(term) and usable(term)
