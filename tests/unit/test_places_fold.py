"""A topic's places name each place once (issue 17: 伊景园 and 伊景园滨河苑 are one place)."""

from __future__ import annotations

from collections import Counter

from heard.listen.analysis.places import fold_places


def test_a_name_inside_the_whole_name_joins_it():
    got = fold_places(
        Counter({"伊景园": 3, "滨河苑": 1, "伊景园滨河苑": 2, "房半岛": 1, "长房半岛": 1})
    )
    assert got == Counter({"伊景园滨河苑": 6, "长房半岛": 2})


def test_parts_and_administrative_forms_join_their_place():
    places = {"上海花园": 1, "上海花园小区": 2, "上海花园13栋": 1, "福满新城": 1}
    places |= {"福满新城二期": 1, "西渡": 2, "西渡镇": 1}
    got = fold_places(Counter(places))
    assert got == Counter({"上海花园": 4, "福满新城": 2, "西渡镇": 3})


def test_an_area_a_city_and_a_part_without_its_place_stay_apart():
    places = Counter(
        {"城陵矶桂花园": 1, "丁字湾": 2, "丁字湾街道湖外路": 1, "上海": 1, "上海花园": 1,
         "月湖": 1, "月湖大市场": 1, "金领公寓": 1}
    )  # fmt: skip
    assert fold_places(places) == places


def test_the_rest_of_a_cut_code_is_no_part_of_the_name():
    got = fold_places(Counter({"市双凫铺镇": 1, "双凫铺镇": 1, "市民广场": 1, "县城": 1}))
    assert got == Counter({"双凫铺镇": 2, "市民广场": 1, "县城": 1})


def test_the_most_specific_places_come_first():
    from heard.listen.analysis.places import rank_places

    counts = Counter({"中国": 5, "上海": 4, "广州市": 3, "雨花区": 3, "丽发新城": 1, "长乐路": 2})
    assert [name for name, _ in rank_places(counts, 5)] == [
        "长乐路",
        "丽发新城",
        "雨花区",
        "广州市",
        "中国",
    ]


def test_within_a_level_a_place_every_topic_names_comes_last():
    from heard.listen.analysis.places import place_spread, rank_places

    counts = Counter({"五一大道": 6, "丽发新城": 3, "长乐路": 2, "雨花区": 9, "芙蓉区": 1})
    spread = place_spread([["五一大道", "雨花区"]] * 39 + [["丽发新城"], ["长乐路", "芙蓉区"]])
    ranked = [name for name, _ in rank_places(counts, 5, spread, n_topics=40)]
    # the level still comes first; inside it, the road in 39 of 40 topics goes last
    assert ranked == ["丽发新城", "长乐路", "五一大道", "芙蓉区", "雨花区"]
    assert [n for n, _ in rank_places(counts, 5)][:3] == ["五一大道", "丽发新城", "长乐路"]
    assert rank_places(counts, 2, spread, n_topics=1) == rank_places(counts, 2)  # one topic
