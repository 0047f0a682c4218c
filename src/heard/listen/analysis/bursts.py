"""Burst detection: is a topic's recent volume surprising against the topic's *own* baseline?

The test is statistical, not a fixed threshold. For each topic Heard keeps a Gamma–Poisson
baseline of its posting rate:

- **baseline** — an exponentially decayed count ``C`` of the topic's past posts and the decayed
  *exposure* ``E`` (seconds of stream time, weighted by a time-of-day profile when one is given)
  over which they arrived, plus a weak prior (``prior_rate`` posts/second worth ``prior_weight``
  seconds). The rate then has a Gamma(``a = a0 + C``, ``b = b0 + E``) posterior.
- **test** — the count ``x`` in a recent window of exposure ``e`` is compared with the posterior
  predictive, a negative binomial NB(size ``a``, p ``b/(b+e)``): the tail probability
  ``p = P(X >= x)`` is the evidence. ``size`` is capped at ``max_shape`` so that even a long,
  well-known baseline keeps extra-Poisson variance (real streams are over-dispersed).
- **windows** — several window lengths are tested at every arrival (1, 2, 5, 15, 60 minutes by
  default), so a sharp burst is caught within a minute or two and a slow swell within the hour.
  The window's posts are *not* part of the baseline: a post joins the baseline only once it is
  older than the longest window, so a burst cannot hide itself by raising its own bar.
- **significance** — a window is significant when ``p < alpha`` (Bonferroni over the windows),
  it holds at least ``min_posts`` posts from at least ``min_authors`` distinct authors (RIGHTS.md
  §4: no aggregate under k authors is shown), and the observed rate is at least
  ``min_rate_ratio`` times the expected one (an effect-size guard for very busy topics).
- **episodes** — the first significant window opens a burst *episode* and yields one
  ``BurstSignal``; later significant windows extend it without a new signal. The episode closes
  after ``quiet_to_close`` seconds (6 hours) without a significant window. One alert per topic
  per episode.

Everything here is pure: timestamps are float seconds (UTC epoch) given by the caller, there is
no I/O and no wall clock, and the same events give the same signals.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import betainc

HOUR = 3600.0
DAY = 86400.0
LN2 = math.log(2.0)


@dataclass(frozen=True)
class BurstConfig:
    """Parameters of the burst test (all times in seconds of stream time)."""

    windows: tuple[float, ...] = (60.0, 120.0, 300.0, 900.0, 3600.0)
    """Window lengths tested at each arrival."""
    half_life: float = 3 * DAY
    """Half-life of the baseline's memory."""
    alpha: float = 1e-7
    """Family-wise significance per test over all windows (Bonferroni-divided by their number)."""
    min_posts: int = 5
    """A window needs at least this many posts to be significant."""
    min_authors: int = 5
    """… and at least this many distinct authors (k ≥ 5, RIGHTS.md §4)."""
    min_rate_ratio: float = 3.0
    """… and an observed rate at least this multiple of the expected rate."""
    prior_rate: float = 1.0 / HOUR
    """Prior posting rate of a topic with no history (posts/second)."""
    prior_weight: float = HOUR
    """How many seconds of exposure the prior is worth (small: data soon dominates; with the
    defaults the prior is one post per hour, worth one post)."""
    max_shape: float = 20.0
    """Cap on the negative-binomial size: keeps variance ≥ mean + mean²/max_shape."""
    quiet_to_close: float = 6 * HOUR
    """An episode ends after this long without a significant window (an incident's waves within
    a few hours are one episode, one alert)."""
    warmup: float = 2 * HOUR
    """No signal in the first ``warmup`` seconds after the stream's start: topics that existed
    before the stream began need that long for their baselines to be learnt."""

    def __post_init__(self) -> None:
        if not self.windows or any(w <= 0 for w in self.windows):
            raise ValueError("windows must be positive lengths in seconds")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        if self.half_life <= 0 or self.prior_rate <= 0 or self.prior_weight <= 0:
            raise ValueError("half_life, prior_rate and prior_weight must be positive")

    @property
    def longest(self) -> float:
        return max(self.windows)

    @property
    def per_test_alpha(self) -> float:
        return self.alpha / len(self.windows)


# ---- time-of-day profile ------------------------------------------------------------------------
@dataclass(frozen=True)
class Seasonality:
    """A 24-hour profile of relative activity (mean 1): exposure counts busy hours more.

    ``factors[h]`` is the relative rate in local hour ``h``; ``utc_offset`` (seconds) maps UTC
    epoch seconds to local time.
    """

    factors: tuple[float, ...]
    utc_offset: float = 0.0

    def __post_init__(self) -> None:
        if len(self.factors) != 24 or min(self.factors) <= 0:
            raise ValueError("a profile has 24 positive hourly factors")
        cum = [0.0]
        for f in self.factors:
            cum.append(cum[-1] + f * HOUR)
        object.__setattr__(self, "_cum", tuple(cum))

    def factor_at(self, t: float) -> float:
        return self.factors[int(((t + self.utc_offset) % DAY) // HOUR) % 24]

    def cumulative(self, t: float) -> float:
        """∫ profile from epoch 0 (local) to ``t``: seconds of 'typical-activity' time."""
        cum = self._cum  # type: ignore[attr-defined]
        days, rest = divmod(t + self.utc_offset, DAY)
        hour = min(int(rest // HOUR), 23)
        result: float = days * cum[-1] + cum[hour] + self.factors[hour] * (rest - hour * HOUR)
        return result


def hourly_profile(
    timestamps: Sequence[float], utc_offset: float = 0.0, smoothing: float = 1.0
) -> Seasonality:
    """Estimate the 24-hour profile from all posts' times (add-``smoothing`` per hour, mean 1)."""
    local = (np.asarray(timestamps, dtype=float) + utc_offset) % DAY
    counts = (
        np.bincount((local // HOUR).astype(int).clip(0, 23), minlength=24).astype(float) + smoothing
    )
    factors = counts / counts.mean()
    return Seasonality(tuple(float(x) for x in factors), utc_offset)


def exposure(t0: float, t1: float, seasonality: Seasonality | None) -> float:
    """Exposure of the interval [t0, t1]: its length, weighted by the profile when there is one."""
    if t1 <= t0:
        return 0.0
    if seasonality is None:
        return t1 - t0
    return seasonality.cumulative(t1) - seasonality.cumulative(t0)


def decayed_exposure(
    t0: float, t1: float, half_life: float, seasonality: Seasonality | None
) -> float:
    """∫_{t0}^{t1} profile(u) · 2^(-(t1-u)/half_life) du (the exposure the baseline gains).

    The profile is constant within a local hour, so the integral is exact hour by hour.
    """
    if t1 <= t0:
        return 0.0
    k = LN2 / half_life
    t0 = max(t0, t1 - 40 * half_life)  # older exposure has decayed below 1e-12
    if seasonality is None:
        return -math.expm1(-k * (t1 - t0)) / k
    total = 0.0
    hi = t1
    while hi > t0:
        local = hi + seasonality.utc_offset
        lo = max(t0, local - ((local % HOUR) or HOUR) - seasonality.utc_offset)
        weight = math.exp(-k * (t1 - hi)) * -math.expm1(-k * (hi - lo)) / k
        total += seasonality.factor_at((lo + hi) / 2) * weight
        hi = lo
    return total


# ---- the test ---------------------------------------------------------------------------------
def nb_tail(x: float, size: float, p: float) -> float:
    """P(X >= x) for X ~ NB(size, p) (failures before ``size`` successes, success prob ``p``).

    Uses the identity P(X >= x) = I_{1-p}(x, size) (regularised incomplete beta).
    """
    if x <= 0:
        return 1.0
    return float(betainc(x, size, 1.0 - p))


@dataclass(frozen=True)
class WindowTest:
    """The evidence for one window: what was seen, what the baseline expected, how surprising."""

    window: float
    count: int
    expected: float
    p_value: float

    @property
    def surprise(self) -> float:
        """−log10 p, capped at 300 (the 'growth' heat component)."""
        return min(300.0, max(0.0, -math.log10(max(self.p_value, 1e-300))))

    @property
    def rate_ratio(self) -> float:
        return self.count / self.expected if self.expected > 0 else math.inf


def predictive_test(
    count: int,
    window_exposure: float,
    base_count: float,
    base_exposure: float,
    config: BurstConfig,
    window: float | None = None,
) -> WindowTest:
    """Compare ``count`` posts in a window with the Gamma–Poisson baseline (see module
    docstring)."""
    a = config.prior_rate * config.prior_weight + base_count
    b = config.prior_weight + base_exposure
    if a > config.max_shape:  # keep the mean a/b, cap the size: over-dispersion
        b *= config.max_shape / a
        a = config.max_shape
    expected = a / b * window_exposure
    p_value = nb_tail(count, a, b / (b + window_exposure)) if count > expected else 1.0
    return WindowTest(window if window is not None else window_exposure, count, expected, p_value)


# ---- streaming detector -------------------------------------------------------------------------
@dataclass(frozen=True)
class BurstSignal:
    """A new burst episode: the topic, when, and the window that made it significant."""

    topic: Hashable
    onset: float
    """Time of the first post in the significant window (≈ when the burst began)."""
    detected_at: float
    """Stream time of the post that made the window significant."""
    test: WindowTest
    authors: int
    """Distinct authors in the window (≥ min_authors)."""

    @property
    def window_start(self) -> float:
        return self.detected_at - self.test.window


@dataclass
class _TopicState:
    clock: float  # the baseline is up to date as of this time
    count: float = 0.0  # decayed count of folded posts
    exposure: float = 0.0  # decayed exposure up to ``clock``
    recent: deque = field(default_factory=deque)  # (time, author) newer than clock
    episode_open: bool = False
    last_significant: float = -math.inf
    episodes: int = 0


class BurstDetector:
    """Feed posts in (roughly) time order with ``observe``; it returns a ``BurstSignal`` when a
    topic's new burst episode becomes significant, else ``None``.

    ``start`` is when the stream began (default: the first post seen); no signal is given in the
    ``warmup`` after it. Each topic's baseline starts at its own first post, with the prior.
    """

    def __init__(
        self,
        config: BurstConfig | None = None,
        seasonality: Seasonality | None = None,
        start: float | None = None,
    ):
        self.config = config or BurstConfig()
        self.seasonality = seasonality
        self.start = start
        self._topics: dict[Hashable, _TopicState] = {}

    def topics(self) -> list[Hashable]:
        return list(self._topics)

    def _state(self, topic: Hashable, t: float) -> _TopicState:
        state = self._topics.get(topic)
        if state is None:
            if self.start is None:
                self.start = t
            # the baseline starts at the topic's first post: before it, the topic did not exist
            # (a new topic is judged against the prior, not against days of silence); the first
            # post itself is the first of the recent window, not baseline history
            state = _TopicState(clock=t)
            self._topics[topic] = state
        return state

    def _advance(self, state: _TopicState, to: float) -> None:
        """Move the baseline forward to ``to``, decaying it and adding the exposure in between."""
        if to <= state.clock:
            return
        decay = 2.0 ** (-(to - state.clock) / self.config.half_life)
        state.count *= decay
        state.exposure = state.exposure * decay + decayed_exposure(
            state.clock, to, self.config.half_life, self.seasonality
        )
        state.clock = to

    def _fold(self, state: _TopicState, now: float) -> None:
        """Posts older than the longest window join the baseline."""
        horizon = now - self.config.longest
        while state.recent and state.recent[0][0] <= horizon:
            t, _ = state.recent.popleft()
            self._advance(state, t)
            state.count += 1.0
        self._advance(state, horizon)

    def observe(self, topic: Hashable, t: float, author: str | None = None) -> BurstSignal | None:
        cfg = self.config
        state = self._state(topic, t)
        if t < state.clock:  # a late post, older than the baseline clock: baseline only
            state.count += 2.0 ** (-(state.clock - t) / cfg.half_life)
            return None
        self._fold(state, t)
        recent = state.recent
        if recent and recent[-1][0] > t:  # out of order within the window: keep it sorted
            items = sorted([*recent, (t, author)], key=lambda x: x[0])
            recent.clear()
            recent.extend(items)
        else:
            recent.append((t, author))
        if state.episode_open and t - state.last_significant > cfg.quiet_to_close:
            state.episode_open = False
        best = self._significant_window(state, t)
        if best is None:
            return None
        test, authors, onset = best
        state.last_significant = t
        if state.episode_open or t < self.start + cfg.warmup:
            return None
        state.episode_open = True
        state.episodes += 1
        return BurstSignal(topic=topic, onset=onset, detected_at=t, test=test, authors=authors)

    def _significant_window(
        self, state: _TopicState, t: float
    ) -> tuple[WindowTest, int, float] | None:
        cfg = self.config
        times = [x[0] for x in state.recent]
        best: tuple[WindowTest, int, float] | None = None
        for window in sorted(cfg.windows):
            lo = t - window
            inside = [i for i in range(len(times) - 1, -1, -1) if times[i] > lo]
            count = len(inside)
            if count < cfg.min_posts:
                continue
            test = predictive_test(
                count, exposure(lo, t, self.seasonality), state.count, state.exposure, cfg, window
            )
            if test.p_value >= cfg.per_test_alpha or test.rate_ratio < cfg.min_rate_ratio:
                continue
            authors = {state.recent[i][1] for i in inside}
            authors.discard(None)
            if len(authors) < cfg.min_authors:
                continue
            if best is None or test.p_value < best[0].p_value:
                best = (test, len(authors), times[inside[-1]])
        return best

    def observe_many(
        self, events: Iterable[tuple[Hashable, float, str | None]]
    ) -> list[BurstSignal]:
        """Feed ``(topic, time, author)`` events; return the signals in the order they fired."""
        out = []
        for topic, t, author in events:
            signal = self.observe(topic, t, author)
            if signal is not None:
                out.append(signal)
        return out

    def merge(self, absorbed: Hashable, survivor: Hashable) -> None:
        """``absorbed`` became part of ``survivor`` (a topic merge): from now on the survivor's test
        counts the posts of both. Their recent posts form one window; their baselines add up (counts
        summed, exposure the longer of the two: it is the same stream time); an open episode of
        either stays open, so a burst already alerted is not alerted again. The merged baseline
        keeps the earlier clock, so no post that is recent for either topic leaves the window (a
        post the other topic had already folded stays in the baseline)."""
        if absorbed == survivor:
            return
        gone = self._topics.pop(absorbed, None)
        if gone is None:
            return
        kept = self._topics.get(survivor)
        if kept is None:
            self._topics[survivor] = gone
            return
        base, other = (kept, gone) if kept.clock <= gone.clock else (gone, kept)
        base.count += other.count
        base.exposure = max(base.exposure, other.exposure)
        base.recent = deque(sorted([*base.recent, *other.recent], key=lambda x: x[0]))
        base.episode_open = base.episode_open or other.episode_open
        base.last_significant = max(base.last_significant, other.last_significant)
        base.episodes += other.episodes
        self._topics[survivor] = base

    def in_episode(self, topic: Hashable, now: float) -> bool:
        state = self._topics.get(topic)
        return bool(
            state
            and state.episode_open
            and now - state.last_significant <= self.config.quiet_to_close
        )


# ---- batch form (for ranking over a chosen window) ---------------------------------------------
def window_growth(
    times: Sequence[float],
    window_start: float,
    window_end: float,
    config: BurstConfig | None = None,
    seasonality: Seasonality | None = None,
    stream_start: float | None = None,
) -> WindowTest:
    """The burst test for one topic over ``[window_start, window_end)``, the baseline being the
    topic's decayed history before ``window_start`` (since ``stream_start``, default: its first
    post). Used by the heat index's 'growth' component.
    """
    cfg = config or BurstConfig()
    t = np.asarray(times, dtype=float)
    before = t[t < window_start]
    count = int(np.sum((t >= window_start) & (t < window_end)))
    origin = (
        stream_start if stream_start is not None else (float(t.min()) if t.size else window_start)
    )
    k = LN2 / cfg.half_life
    base_count = float(np.sum(np.exp(-k * (window_start - before))))
    base_exposure = decayed_exposure(
        min(origin, window_start), window_start, cfg.half_life, seasonality
    )
    return predictive_test(
        count,
        exposure(window_start, window_end, seasonality),
        base_count,
        base_exposure,
        cfg,
        window_end - window_start,
    )
