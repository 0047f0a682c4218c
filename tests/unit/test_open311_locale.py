"""``services.json?locale=en`` gives a configured department's English description, not its
Chinese and English descriptions joined (found by the answer-side pass, 2026-12-07)."""

from __future__ import annotations

from heard.answer.open311 import description_in, service

BOTH = "供水、排水和燃气。\nWater supply, drainage and gas."


def test_each_locale_gets_its_own_description():
    dept = {"code": "water", "name_zh": "水务", "name_en": "Water", "description": BOTH}
    assert service(dept, "en")["description"] == "Water supply, drainage and gas."
    assert service(dept, "zh")["description"] == "供水、排水和燃气。"


def test_a_description_in_one_language_is_given_whole_in_either():
    assert description_in("供水、排水和燃气。", "en") == "供水、排水和燃气。"
    assert description_in("Water supply.", "zh") == "Water supply."
