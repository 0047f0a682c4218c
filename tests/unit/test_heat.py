"""The heat index: documented components, each visible, bounded and monotone."""

from __future__ import annotations

import math

import pytest

from heard.listen.analysis.heat import (
    COMPONENTS,
    HeatConfig,
    combine,
    heat_of_posts,
    negativity_of,
    saturate,
)


def test_saturation_is_half_at_half_and_bounded():
    assert saturate(0, 10) == 0.0
    assert saturate(10, 10) == 0.5
    assert 0.99 < saturate(10_000, 10) < 1.0
    assert saturate(-3, 10) == 0.0


def test_index_is_the_weighted_sum_of_visible_components():
    heat = combine(volume=10, growth=5.0, authors=5, engagement=50, negativity=0.5)
    assert set(heat.components) == set(COMPONENTS)
    assert all(v == pytest.approx(0.5) for v in heat.components.values())
    assert heat.index == pytest.approx(50.0)
    out = heat.to_dict()
    assert out["index"] == 50.0 and out["volume"] == 10 and out["components"]["growth"] == 0.5


@pytest.mark.parametrize("component", ["volume", "growth", "authors", "engagement", "negativity"])
def test_each_component_raises_heat(component):
    base = dict(volume=8, growth=2.0, authors=6, engagement=20, negativity=0.2)
    more = dict(base, **{component: base[component] * 3 if component != "negativity" else 0.9})
    assert combine(**more).index > combine(**base).index


def test_heat_stays_below_100_and_one_huge_measure_cannot_dominate():
    huge_likes = combine(volume=3, growth=0.0, authors=3, engagement=100_000, negativity=0.0)
    broad = combine(volume=60, growth=8.0, authors=50, engagement=40, negativity=0.4)
    assert huge_likes.index < broad.index < 100


def test_negativity_ignores_unscored_posts():
    assert negativity_of([-1.0, -0.5, 0.5, None]) == pytest.approx(0.5)
    assert negativity_of([None, None]) == 0.0
    assert combine(1, 0.0, 1, 0, math.nan).components["negativity"] == 0.0


def test_heat_of_posts_counts_distinct_authors_and_engagement():
    heat = heat_of_posts(
        ["a", "b", "a", None],
        likes=[3, 0, 1, 0],
        shares=[1, 0, 0, 0],
        dislikes=[0, 2, 0, 0],
        sentiment_scores=[-0.8, None, 0.2, -0.4],
        growth=4.0,
    )
    assert (heat.volume, heat.authors, heat.engagement) == (4, 2, 7)
    assert heat.negativity == pytest.approx((0.8 + 0 + 0.4) / 3)


def test_config_must_weigh_every_component():
    with pytest.raises(ValueError):
        HeatConfig(weights={"volume": 1.0})
    with pytest.raises(ValueError):
        HeatConfig(weights={c: 0.5 for c in COMPONENTS})
