"""Junk terms on Chinese boards: anonymised codes and names cut at an administrative character
are neither keywords nor places; real words that start or end with 市/区/县/省 stay."""

from __future__ import annotations

import pytest

from heard.listen.analysis.entities import EntityExtractor
from heard.listen.analysis.junk import is_code, is_cut_name, is_junk
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
