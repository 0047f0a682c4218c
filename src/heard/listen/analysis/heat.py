"""The heat index: how hot a topic is in a window, with every component visible.

Five raw measures are taken over the window (see docs/heat.md for the rationale):

=============  ======================================================================  ========
component      raw measure                                                             half at
=============  ======================================================================  ========
volume         posts in the window                                                     10
growth         burst surprise −log10 p of the window's count against the topic's own   5
               Gamma–Poisson baseline (``heard.listen.analysis.bursts.window_growth``)
authors        distinct authors in the window                                          5
engagement     likes + shares + dislikes on the window's posts                        50
negativity     mean of max(0, −sentiment score) over scored posts (already in [0, 1])  —
=============  ======================================================================  ========

Each raw measure ``x`` (but negativity) becomes a component in [0, 1) by the saturating map
``x / (x + half)``: 0 at nothing, ½ at the "half at" value, → 1 for very large values. This keeps
one huge measure (800 likes) from drowning the others and makes the index comparable across
windows and runs (no normalisation by the current maximum). The index is

    heat = 100 × Σ weight_c × component_c,   weights: volume .25, growth .25, authors .20,
                                                      engagement .15, negativity .15

so it lies in [0, 100). All of it is pure arithmetic over arrays; the caller supplies the window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

COMPONENTS = ("volume", "growth", "authors", "engagement", "negativity")


@dataclass(frozen=True)
class HeatConfig:
    """Weights (summing to 1) and half-saturation points of the heat components."""

    weights: dict[str, float] = field(
        default_factory=lambda: {
            "volume": 0.25,
            "growth": 0.25,
            "authors": 0.20,
            "engagement": 0.15,
            "negativity": 0.15,
        }
    )
    half: dict[str, float] = field(
        default_factory=lambda: {"volume": 10.0, "growth": 5.0, "authors": 5.0, "engagement": 50.0}
    )

    def __post_init__(self) -> None:
        if set(self.weights) != set(COMPONENTS):
            raise ValueError(f"heat weights must name exactly {COMPONENTS}")
        if abs(sum(self.weights.values()) - 1.0) > 1e-9 or min(self.weights.values()) < 0:
            raise ValueError("heat weights must be non-negative and sum to 1")
        if any(self.half[c] <= 0 for c in COMPONENTS if c != "negativity"):
            raise ValueError("half-saturation points must be positive")


@dataclass(frozen=True)
class Heat:
    """One topic's heat: the raw measures, the components they map to, and the index."""

    volume: int
    growth: float
    authors: int
    engagement: int
    negativity: float
    components: dict[str, float]
    index: float

    def to_dict(self) -> dict:
        out = asdict(self)
        out["index"] = round(self.index, 2)
        out["components"] = {k: round(v, 4) for k, v in self.components.items()}
        out["growth"] = round(self.growth, 3)
        out["negativity"] = round(self.negativity, 4)
        return out


def saturate(x: float, half: float) -> float:
    """x / (x + half) for x ≥ 0: 0 → 0, half → ½, ∞ → 1."""
    x = max(0.0, float(x))
    return x / (x + half)


def combine(
    volume: int,
    growth: float,
    authors: int,
    engagement: int,
    negativity: float,
    config: HeatConfig | None = None,
) -> Heat:
    """Heat from the five raw measures (see the module docstring)."""
    cfg = config or HeatConfig()
    if math.isnan(negativity):
        negativity = 0.0
    components = {
        "volume": saturate(volume, cfg.half["volume"]),
        "growth": saturate(growth, cfg.half["growth"]),
        "authors": saturate(authors, cfg.half["authors"]),
        "engagement": saturate(engagement, cfg.half["engagement"]),
        "negativity": min(1.0, max(0.0, float(negativity))),
    }
    index = 100.0 * sum(cfg.weights[c] * components[c] for c in COMPONENTS)
    return Heat(
        int(volume),
        float(growth),
        int(authors),
        int(engagement),
        float(negativity),
        components,
        index,
    )


def negativity_of(sentiment_scores: Sequence[float | None]) -> float:
    """Mean of max(0, −score) over the posts that have a score (0.0 when none has)."""
    scores = np.array([np.nan if s is None else s for s in sentiment_scores], dtype=float)
    scores = scores[~np.isnan(scores)]
    if scores.size == 0:
        return 0.0
    return float(np.mean(np.clip(-scores, 0.0, 1.0)))


def heat_of_posts(
    authors: Sequence[str | None],
    likes: Sequence[int],
    shares: Sequence[int],
    dislikes: Sequence[int],
    sentiment_scores: Sequence[float | None],
    growth: float,
    config: HeatConfig | None = None,
) -> Heat:
    """Heat of the posts in one window (parallel sequences, one entry per post).

    ``growth`` is the burst surprise of the window (``WindowTest.surprise``).
    """
    distinct = len({a for a in authors if a is not None})
    engagement = int(np.sum(likes) + np.sum(shares) + np.sum(dislikes)) if len(likes) else 0
    return combine(
        len(authors), growth, distinct, engagement, negativity_of(sentiment_scores), config
    )
