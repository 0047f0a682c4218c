"""Junk terms on Chinese boards: anonymised codes and names cut at an administrative character
are neither keywords nor places; real words that start or end with 市/区/县/省 stay."""

from __future__ import annotations

import pytest

from heard.listen.analysis.entities import EntityExtractor
from heard.listen.analysis.junk import is_clause, is_code, is_cut_name, is_junk
from heard.listen.analysis.keywords import usable


@pytest.mark.parametrize("term", ["A市", "A2区", "a4", "B12县", "西地省", "K"])
def test_codes_are_junk(term: str) -> None:
    assert is_code(term) and is_junk(term)


@pytest.mark.parametrize("term", ["区丽发", "市伊"])
def test_names_cut_at_an_admin_character_are_junk(term: str) -> None:
    assert is_cut_name(term) and not usable(term)


@pytest.mark.parametrize("term", ["市场", "市民", "县城", "区域", "小区", "城市", "油烟", "停水"])
def test_dictionary_words_stay(term: str) -> None:
    assert not is_junk(term) and usable(term)


def test_the_name_after_a_code_is_the_place_not_the_code() -> None:
    places, _ = EntityExtractor().extract(
        [
            "A5区魅力之城小区临街餐饮店油烟太大",
            "A市A2区丽发新城附近搅拌站噪音扰民",
            "A市伊景园滨河苑开发商捆绑销售车位",
        ]
    )
    assert {"魅力之城", "丽发新城"} <= set(places)
    assert not any(is_code(p) for p in places), places


def test_a_code_that_begins_a_word_names_no_place() -> None:
    # A市政府 is "A city's government" (市政), A县住房和城乡建设局 a bureau, not 住房和城
    places, _ = EntityExtractor().extract(
        [
            "A市政府办牵头为铁路沿线居民解决噪音问题",
            "B县住房和城乡建设局不作为",
            "C市政工程有限公司",
        ]
    )
    assert not any(p.startswith("政") or p.endswith("和城") for p in places), places


@pytest.mark.parametrize(
    "term",
    [
        "县的很多快递公司",
        "教育局给农村",
        "货运从业资格证在哪里",
        "天然气管道已经到小区",
        "如何申请公司",
    ],
)
def test_a_clause_is_no_place(term: str) -> None:
    assert is_clause(term)


@pytest.mark.parametrize(
    "term",
    ["丽发新城", "伊景园滨河苑", "华润置地广场", "信和置业有限公司", "京港澳高速", "于山", "东乡"],
)
def test_names_are_no_clause(term: str) -> None:
    assert not is_clause(term)
