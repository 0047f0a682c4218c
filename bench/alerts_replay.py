"""Alert benchmark: replay a simulated stream with planted bursts through Heard's burst detector.

The stream: ``--topics`` background topics, each a Poisson process whose rate (0.2–60 posts/hour,
log-uniform) follows a daily cycle (busy afternoons, quiet nights) and wanders hour to hour
(Gamma noise, shape 8: real streams are over-dispersed); new topics are born now and then at
slow organic rates; ``--bursts`` bursts are planted at random times after the first day, on an
existing topic or on a brand-new one, at 2–12 posts/minute for 5–40 minutes, each post from
a mostly new author.

Reported: for each planted burst, the posts and the stream-time seconds from its onset to the
first alert on its topic, next to its *k floor* (when its 5th post arrived: no alert may fire
before k = 5 distinct authors, RIGHTS.md §4); and the false alerts (alerts on no planted burst) per
simulated day on
the quiet stretches. The first day is warm-up (the 24-hour activity profile is learnt from it and
no alert is counted there). Targets (issue 3): alert ≤ 120 s after onset, ≤ 1 false alert/day.

    .venv/bin/python bench/alerts_replay.py [--days 14] [--topics 40] [--bursts 24] [--seed 0]

Prints JSON and writes bench/results/alerts_replay.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path

import numpy as np

from heard.listen.analysis.bursts import DAY, HOUR, BurstConfig, BurstDetector, hourly_profile

RESULTS = Path(__file__).resolve().parent / "results"


def daily_cycle(t: np.ndarray) -> np.ndarray:
    """Relative activity by local hour: low at 4am, high at 4pm (mean about 1)."""
    hour = (t % DAY) / HOUR
    return 1.0 + 0.7 * np.sin((hour - 10.0) / 24.0 * 2 * np.pi)


def background(
    rng: np.random.Generator, topic: str, rate_per_hour: float, start: float, end: float
):
    """A Poisson stream whose rate follows the daily cycle times hourly Gamma noise."""
    events = []
    for h0 in np.arange(start, end, HOUR):
        h1 = min(h0 + HOUR, end)
        rate = rate_per_hour * daily_cycle(np.array([h0 + HOUR / 2]))[0] * rng.gamma(8.0, 1 / 8.0)
        n = rng.poisson(rate * (h1 - h0) / HOUR)
        for t in rng.uniform(h0, h1, n):
            events.append((topic, float(t), f"u{rng.integers(50_000)}"))
    return events


def simulate(seed: int, days: int, topics: int, bursts: int):
    rng = np.random.default_rng(seed)
    end = days * DAY
    events = []
    rates = {}
    for i in range(topics):
        rate = float(np.exp(rng.uniform(np.log(0.2), np.log(60.0))))
        rates[f"topic{i}"] = rate
        events += background(rng, f"topic{i}", rate, 0.0, end)
    for i in range(days * 3):  # organic new topics: born any time, slow and steady
        born = float(rng.uniform(0, end))
        events += background(rng, f"organic{i}", float(rng.uniform(0.5, 6.0)), born, end)
    planted = []
    onsets = np.sort(rng.uniform(DAY + HOUR, end - 2 * HOUR, bursts))
    for i, onset in enumerate(onsets):
        topic = f"topic{rng.integers(topics)}" if rng.random() < 0.6 else f"incident{i}"
        per_minute = float(rng.uniform(2.0, 12.0))
        minutes = float(rng.uniform(5.0, 40.0))
        n = rng.poisson(per_minute * minutes)
        times = np.sort(onset + rng.uniform(0, minutes * 60, n))
        times[0] = onset
        events += [(topic, float(t), f"b{i}-{rng.integers(10_000)}") for t in times]
        # strength: the burst's rate over the topic's usual rate at that hour (None: a new topic)
        usual = (
            rates[topic] / 60 * float(daily_cycle(np.array([onset]))[0]) if topic in rates else None
        )
        planted.append(
            {
                "topic": topic,
                "onset": float(onset),
                "end": float(onset + minutes * 60),
                "per_minute": round(per_minute, 2),
                "minutes": round(minutes, 1),
                "posts": int(n),
                "strength": round(per_minute / usual, 1) if usual else None,
                "times": times,
            }
        )
    events.sort(key=lambda e: e[1])
    return events, planted


def evaluate(events, planted, config: BurstConfig, days: int):
    warm = [t for _, t, _ in events if t < DAY]
    detector = BurstDetector(config, seasonality=hourly_profile(warm), start=0.0)
    started = time.perf_counter()
    signals = detector.observe_many(events)
    seconds = time.perf_counter() - started
    matched: set[int] = set()
    per_burst = []
    for burst in planted:
        hit = next(
            (
                k
                for k, s in enumerate(signals)
                if s.topic == burst["topic"]
                and burst["onset"] <= s.detected_at <= burst["end"] + HOUR
                and k not in matched
            ),
            None,
        )
        row = {k: burst[k] for k in ("topic", "per_minute", "minutes", "posts", "strength")}
        # the earliest any alert may fire: no aggregate before k = min_authors posts (RIGHTS.md §4)
        k = config.min_authors
        row["k_floor_seconds"] = (
            round(float(burst["times"][k - 1] - burst["onset"]), 1) if burst["posts"] >= k else None
        )
        if hit is None:
            row.update(detected=False)
        else:
            matched.add(hit)
            s = signals[hit]
            row.update(
                detected=True,
                seconds_to_alert=round(s.detected_at - burst["onset"], 1),
                posts_to_alert=int(np.sum(burst["times"] <= s.detected_at)),
            )
        per_burst.append(row)
    # false alerts: unmatched signals after warm-up; quiet time = stream after day 1 minus bursts
    false = [s for k, s in enumerate(signals) if k not in matched and s.detected_at >= DAY]
    busy = sum(b["end"] + HOUR - b["onset"] for b in planted)
    quiet_days = ((days - 1) * DAY - busy) / DAY
    detected = [b for b in per_burst if b["detected"]]
    secs = np.array([b["seconds_to_alert"] for b in detected]) if detected else np.array([np.nan])
    posts = np.array([b["posts_to_alert"] for b in detected]) if detected else np.array([np.nan])
    return {
        "posts": len(events),
        "detector_seconds": round(seconds, 2),
        "posts_per_second": round(len(events) / seconds),
        "bursts_planted": len(planted),
        "bursts_detected": len(detected),
        "seconds_to_alert": {
            "median": float(np.median(secs)),
            "p90": float(np.percentile(secs, 90)),
            "max": float(np.max(secs)),
        },
        "posts_to_alert": {"median": float(np.median(posts)), "max": float(np.max(posts))},
        "within_120s": int(np.sum(secs <= 120)),
        "false_alerts": len(false),
        "quiet_days": round(quiet_days, 2),
        "false_alerts_per_day": round(len(false) / quiet_days, 3),
        "false_alert_topics": sorted({str(s.topic) for s in false}),
        "per_burst": per_burst,
    }


def delays(bursts: list[dict]) -> dict:
    """Onset-to-alert figures for a group of bursts, next to their k floor. A burst never alerted
    counts as never (so a configuration cannot look faster by missing the slow bursts); a
    percentile that reaches a missed burst is null."""
    secs = np.array(
        [b["seconds_to_alert"] if b["detected"] else np.inf for b in bursts] or [np.nan]
    )
    floors = np.array(
        [b["k_floor_seconds"] for b in bursts if b["k_floor_seconds"] is not None] or [np.nan]
    )

    def seconds(q: float) -> float | None:
        with np.errstate(invalid="ignore"):  # interpolating towards a missed burst: nan
            value = float(np.percentile(secs, q))
        return round(value, 1) if math.isfinite(value) else None

    return {
        "bursts": len(bursts),
        "detected": int(sum(b["detected"] for b in bursts)),
        "seconds_to_alert_median": seconds(50),
        "seconds_to_alert_p90": seconds(90),
        "within_120s": int(np.sum(secs <= 120)),
        "k_floor_seconds_p90": round(float(np.percentile(floors, 90)), 1),
    }


STRENGTHS = (
    ("new topic", None, None),
    ("< 5x its usual rate", 0.0, 5.0),
    ("5-20x", 5.0, 20.0),
    ("20-100x", 20.0, 100.0),
    (">= 100x", 100.0, math.inf),
)


def by_strength(bursts: list[dict]) -> dict:
    """Delays grouped by the burst's strength: its rate over the topic's usual rate at that hour."""
    out = {}
    for name, lo, hi in STRENGTHS:
        group = [
            b
            for b in bursts
            if (
                b["strength"] is None
                if lo is None
                else b["strength"] is not None and lo <= b["strength"] < hi
            )
        ]
        out[name] = delays(group)
    return out


def run_all(sims: list[tuple], config: BurstConfig, days: int) -> dict:
    """Evaluate one detector configuration on every simulated stream; pooled figures."""
    runs = [
        evaluate(events, planted, config, days) | {"seed": seed} for seed, events, planted in sims
    ]
    bursts = [b for r in runs for b in r["per_burst"]]
    quiet = sum(r["quiet_days"] for r in runs)
    false = sum(r["false_alerts"] for r in runs)
    return {
        "pooled": delays(bursts),
        "false_alerts": false,
        "quiet_days": round(quiet, 2),
        "false_alerts_per_day": round(false / quiet, 3),
        "runs": runs,
    }


CURVE_ALPHAS = (1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4)
CURVE_SHAPES = (6.0, 10.0, 20.0, 40.0)


def curve(sims: list[tuple], days: int) -> list[dict]:
    """The detector's operating curve: delay against false alerts over ``alpha`` × ``max_shape``."""
    rows = []
    for shape in CURVE_SHAPES:
        for alpha in CURVE_ALPHAS:
            result = run_all(sims, BurstConfig(alpha=alpha, max_shape=shape), days)
            rows.append(
                {
                    "alpha": alpha,
                    "max_shape": shape,
                    **result["pooled"],
                    "false_alerts_per_day": result["false_alerts_per_day"],
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--bursts", type=int, default=24)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--curve",
        action="store_true",
        help="also sweep alpha x max_shape and write the operating curve "
        "(alerts_replay_curve.json; about 70 evaluations)",
    )
    parser.add_argument(
        "--out", default="alerts_replay.json", help="file name under bench/results/"
    )
    args = parser.parse_args()
    command = (
        "python bench/alerts_replay.py "
        + " ".join(
            f"--{k} {' '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in vars(args).items()
            if k not in ("curve",)
        )
        + (" --curve" if args.curve else "")
    )
    sims = [(seed, *simulate(seed, args.days, args.topics, args.bursts)) for seed in args.seeds]
    config = BurstConfig()
    result = run_all(sims, config, args.days)
    runs = result["runs"]
    bursts = [b for r in runs for b in r["per_burst"]]
    detected = [b for b in bursts if b["detected"]]
    secs = [b["seconds_to_alert"] for b in detected]
    floors = [b["k_floor_seconds"] for b in bursts if b["k_floor_seconds"] is not None]
    summary = {
        "bench": "alerts_replay",
        "command": command,
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.__dict__.items()},
        "machine": platform.processor() or platform.machine(),
        "bursts_planted": len(bursts),
        "bursts_detected": len(detected),
        "seconds_to_alert_median": float(np.median(secs)),
        "seconds_to_alert_p90": float(np.percentile(secs, 90)),
        "seconds_to_alert_max": float(np.max(secs)),
        "within_120s": int(np.sum(np.array(secs) <= 120)),
        "k_floor_seconds_median": float(np.median(floors)),
        "k_floor_seconds_p90": float(np.percentile(floors, 90)),
        "k_floor_within_120s": int(np.sum(np.array(floors) <= 120)),
        "posts_to_alert_median": float(np.median([b["posts_to_alert"] for b in detected])),
        "false_alerts": result["false_alerts"],
        "quiet_days": result["quiet_days"],
        "false_alerts_per_day": result["false_alerts_per_day"],
        "by_strength": by_strength(bursts),
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    print(
        json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2, ensure_ascii=False)
    )
    if args.curve:
        rows = curve(sims, args.days)
        (RESULTS / args.out.replace(".json", "_curve.json")).write_text(
            json.dumps(
                {
                    "bench": "alerts_replay_curve",
                    "command": command,
                    "seeds": args.seeds,
                    "rows": rows,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
