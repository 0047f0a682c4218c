"""The burst test: statistical against the topic's own baseline, one signal per episode."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from heard.listen.analysis.bursts import (
    DAY,
    HOUR,
    BurstConfig,
    BurstDetector,
    Seasonality,
    decayed_exposure,
    exposure,
    hourly_profile,
    nb_tail,
    predictive_test,
    window_growth,
)


def poisson_stream(rng, topic, rate_per_hour, start, end, authors=100_000):
    n = rng.poisson(rate_per_hour / HOUR * (end - start))
    return [
        (topic, float(t), f"{topic}-u{rng.integers(authors)}")
        for t in np.sort(rng.uniform(start, end, n))
    ]


def planted(topic, onset, posts, spacing):
    return [(topic, onset + i * spacing, f"{topic}-b{i}") for i in range(posts)]


def test_nb_tail_matches_scipy():
    for x, size, p in [(1, 3.0, 0.5), (5, 1.0, 0.99), (20, 50.0, 0.9), (3, 0.7, 0.2)]:
        assert nb_tail(x, size, p) == pytest.approx(stats.nbinom.sf(x - 1, size, p), rel=1e-9)
    assert nb_tail(0, 2.0, 0.5) == 1.0


def test_decayed_exposure_matches_numeric_integral_with_profile():
    profile = Seasonality(tuple(float(1 + (h % 5)) for h in range(24)), utc_offset=8 * HOUR)
    profile = Seasonality(tuple(f / np.mean(profile.factors) for f in profile.factors), 8 * HOUR)
    t0, t1, hl = 1_000.0, 1_000.0 + 2.7 * DAY, 1.5 * DAY
    grid = np.linspace(t0, t1, 400_001)
    local_hour = (((grid + 8 * HOUR) % DAY) // HOUR).astype(int)
    values = np.asarray(profile.factors)[local_hour] * 2.0 ** (-(t1 - grid) / hl)
    numeric = float(np.sum((values[1:] + values[:-1]) / 2 * np.diff(grid)))
    assert decayed_exposure(t0, t1, hl, profile) == pytest.approx(numeric, rel=1e-4)
    # without a profile it is the closed form, and plain exposure is the interval's length
    assert decayed_exposure(0, 10 * hl, hl, None) == pytest.approx(hl / math.log(2) * (1 - 2**-10))
    assert exposure(5.0, 65.0, None) == 60.0
    assert exposure(0.0, DAY, profile) == pytest.approx(DAY)


def test_hourly_profile_has_mean_one_and_finds_busy_hours():
    times = [h * HOUR + 60 for h in range(24)] + [9 * HOUR + s for s in range(0, 3000, 100)]
    profile = hourly_profile(times, smoothing=1.0)
    assert np.mean(profile.factors) == pytest.approx(1.0)
    assert int(np.argmax(profile.factors)) == 9


def test_same_count_is_surprising_only_against_a_quiet_baseline():
    cfg = BurstConfig()
    quiet = predictive_test(12, 600, base_count=2, base_exposure=DAY, config=cfg)
    busy = predictive_test(12, 600, base_count=2000, base_exposure=DAY, config=cfg)
    assert quiet.p_value < 1e-12 < 0.05 < busy.p_value
    prior_posts, prior_seconds = cfg.prior_rate * cfg.prior_weight, cfg.prior_weight
    assert busy.expected == pytest.approx((prior_posts + 2000) / (prior_seconds + DAY) * 600)


def test_shape_cap_keeps_overdispersion_for_long_baselines():
    cfg = BurstConfig(max_shape=50)
    capped = predictive_test(150, HOUR, base_count=100_000, base_exposure=1000 * HOUR, config=cfg)
    # a pure Poisson at mean 100 calls 150 extremely surprising; the NB (size 50) much less so
    assert stats.poisson.sf(149, 100) < 1e-5
    assert capped.p_value > 1e-3
    assert capped.expected == pytest.approx(100, rel=0.01)


def test_planted_burst_fires_fast_once_and_quiet_topics_stay_silent():
    rng = np.random.default_rng(7)
    events = []
    for topic, rate in enumerate([0.5, 2, 10, 30, 60]):
        events += poisson_stream(rng, topic, rate, 0, 3 * DAY)
    onset = 2 * DAY + 1234.5
    events += planted(2, onset, 40, 6.0)  # topic 2 (10/hour) suddenly gets 10/minute
    events.sort(key=lambda e: e[1])
    signals = BurstDetector(BurstConfig(), start=0.0).observe_many(events)
    assert [s.topic for s in signals] == [2]
    signal = signals[0]
    assert signal.detected_at - onset <= 120  # within two minutes of stream time
    assert signal.authors >= 5 and signal.test.count >= 5
    assert signal.test.rate_ratio >= 3


def test_new_topic_burst_fires_and_episode_dedups_then_reopens_after_quiet():
    cfg = BurstConfig(quiet_to_close=HOUR)
    detector = BurstDetector(cfg, start=0.0)
    assert detector.observe_many(planted("new", DAY, 60, 5.0)) != []
    again = planted("new", DAY + 400, 60, 5.0)  # the same episode continues: no new signal
    assert detector.observe_many([(t, s + 0.5, a + "x") for t, s, a in again]) == []
    assert detector.in_episode("new", DAY + 800)
    later = planted("new", 3 * DAY, 80, 3.0)  # a second burst days later is a new episode
    signals = detector.observe_many([(t, s, a + "y") for t, s, a in later])
    assert len(signals) == 1 and signals[0].onset >= 3 * DAY


def test_a_new_topics_first_post_counts_in_its_window_not_its_baseline():
    # five posts from five authors within 40 s on a brand-new topic: the first one is the onset
    signals = BurstDetector(BurstConfig(), start=0.0).observe_many(planted("new", DAY, 5, 10.0))
    assert len(signals) == 1
    assert (
        signals[0].onset == DAY
        and signals[0].test.count == 5
        and signals[0].detected_at == DAY + 40.0
    )


def test_two_topics_of_one_incident_count_together_once_merged():
    def run(merge: bool):
        detector = BurstDetector(BurstConfig(), start=0.0)
        # one incident seeded as two topics: 3 authors in one, 3 in the other (each under k = 5)
        early = planted("a", DAY, 3, 10.0) + [("b", DAY + 5 + 10 * i, f"b-{i}") for i in range(3)]
        assert detector.observe_many(sorted(early, key=lambda e: e[1])) == []
        if merge:
            detector.merge("b", "a")
        return detector.observe_many([("a", DAY + 40.0, "a-late")])

    (signal,) = run(merge=True)
    assert signal.topic == "a" and signal.test.count == 7 and signal.authors == 7
    assert run(merge=False) == []  # "a" alone: 4 posts, 4 authors


def test_a_merge_keeps_an_open_episode():
    detector = BurstDetector(BurstConfig(), start=0.0)
    detector.observe_many(poisson_stream(np.random.default_rng(3), "old", 6.0, 0.0, 2 * DAY))
    assert len(detector.observe_many(planted("new", 2 * DAY, 20, 5.0))) == 1  # its burst alerted
    detector.merge("old", "old")  # a topic "merged" into itself keeps its state
    assert "old" in detector.topics()
    detector.merge("new", "old")
    assert "new" not in detector.topics() and detector.in_episode("old", 2 * DAY + 200)
    # the same burst going on under the survivor's id is the same episode: no second signal
    assert detector.observe_many(planted("old", 2 * DAY + 100, 20, 5.0)) == []


def test_one_author_flooding_is_not_a_burst():
    detector = BurstDetector(BurstConfig(), start=0.0)
    flood = [("t", DAY + i * 2.0, "same-author") for i in range(200)]
    assert detector.observe_many(flood) == []
    four = [("t", 2 * DAY + i * 2.0, f"a{i % 4}") for i in range(200)]
    assert detector.observe_many(four) == []  # four distinct authors: under k = 5


def test_warmup_suppresses_signals_at_stream_start():
    burst = planted("x", 600.0, 50, 2.0)
    assert BurstDetector(BurstConfig(warmup=HOUR), start=0.0).observe_many(burst) == []
    assert len(BurstDetector(BurstConfig(warmup=0.0), start=0.0).observe_many(burst)) == 1


def test_detector_is_deterministic_and_tolerates_small_disorder():
    rng = np.random.default_rng(3)
    events = poisson_stream(rng, "a", 20, 0, DAY) + planted("a", 0.6 * DAY, 30, 4.0)
    events.sort(key=lambda e: e[1])
    first = BurstDetector(start=0.0).observe_many(events)
    second = BurstDetector(start=0.0).observe_many(events)
    assert first == second and len(first) == 1
    # swap neighbouring events inside the burst: same single episode
    shuffled = list(events)
    i = next(k for k, e in enumerate(shuffled) if e[2].startswith("a-b"))
    shuffled[i + 3], shuffled[i + 4] = shuffled[i + 4], shuffled[i + 3]
    assert len(BurstDetector(start=0.0).observe_many(shuffled)) == 1


def test_window_growth_compares_window_with_own_history():
    steady = list(np.arange(0, 10 * DAY, HOUR))  # one post an hour for ten days
    quiet_window = window_growth(steady, 9 * DAY, 10 * DAY)
    assert quiet_window.count == 24 and quiet_window.p_value > 0.01
    surge = steady + list(9.5 * DAY + np.arange(60) * 30.0)
    hot_window = window_growth(surge, 9 * DAY, 10 * DAY)
    assert hot_window.count == 84 and hot_window.p_value < 1e-6
    assert hot_window.surprise > quiet_window.surprise


def test_config_rejects_nonsense():
    with pytest.raises(ValueError):
        BurstConfig(windows=())
    with pytest.raises(ValueError):
        BurstConfig(alpha=2.0)
    with pytest.raises(ValueError):
        Seasonality((1.0,) * 23)
