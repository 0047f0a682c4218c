"""Confidence that means what it says: temperature scaling, calibration error, triage threshold.

A linear router's raw scores are not probabilities. ``fit_temperature`` finds the one number T
that makes ``softmax(scores / T)`` best predict held-out labels (minimum negative log-likelihood);
one parameter cannot overfit a small held-out set and never changes which department wins.
``calibration_report`` measures the result (expected calibration error and a reliability table),
and ``choose_triage_threshold`` picks the confidence below which a case goes to a person.
"""

from __future__ import annotations

import numpy as np


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature``."""
    z = np.asarray(scores, dtype=np.float64) / max(float(temperature), 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    result: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return result


def fit_temperature(
    scores: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """The T in [0.01, 100] minimising the (weighted) negative log-likelihood of ``labels``."""
    from scipy.optimize import minimize_scalar

    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)
    if len(labels) == 0:
        return 1.0

    def nll(log_t: float) -> float:
        p = softmax(scores, float(np.exp(log_t)))[np.arange(len(labels)), labels]
        return float(-(w * np.log(np.clip(p, 1e-12, 1.0))).sum() / w.sum())

    result = minimize_scalar(nll, bounds=(np.log(0.01), np.log(100.0)), method="bounded")
    return float(np.exp(result.x))


def calibration_report(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict:
    """Expected calibration error (equal-width bins, weighted by count), the maximum gap, and the
    reliability table: per bin the count, mean confidence and accuracy."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    table, ece, mce = [], 0.0, 0.0
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        if n == 0:
            continue
        conf, acc = float(confidence[mask].mean()), float(correct[mask].mean())
        gap = abs(conf - acc)
        ece += gap * n / len(confidence)
        mce = max(mce, gap)
        table.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "n": n,
                "mean_confidence": round(conf, 4),
                "accuracy": round(acc, 4),
            }
        )
    return {
        "ece": round(ece, 4),
        "max_gap": round(mce, 4),
        "bins": bins,
        "mean_confidence": round(float(confidence.mean()), 4) if len(confidence) else None,
        "accuracy": round(float(correct.mean()), 4) if len(correct) else None,
        "reliability": table,
    }


def choose_triage_threshold(
    confidence: np.ndarray, correct: np.ndarray, target_accuracy: float = 0.95
) -> float:
    """The lowest confidence threshold at which the cases routed automatically (confidence ≥ it)
    are at least ``target_accuracy`` right; cases below it go to triage. 1.0 when no threshold
    reaches the target (everything to triage), 0.0 when every case already does."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if len(confidence) == 0:
        return 0.5
    order = np.argsort(-confidence)
    conf_sorted, right = confidence[order], correct[order]
    precision = np.cumsum(right) / np.arange(
        1, len(right) + 1
    )  # accuracy of the top-k most confident
    ok = np.nonzero(precision >= target_accuracy)[0]
    if len(ok) == 0:
        return 1.0
    k = int(ok.max())  # the largest set of most-confident cases that still meets the target
    if k == len(conf_sorted) - 1:
        return 0.0
    return float(conf_sorted[k])


def triage_report(confidence: np.ndarray, correct: np.ndarray, threshold: float) -> dict:
    """Coverage (share routed automatically) and the accuracy of routed and of triaged cases."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    routed = confidence >= threshold
    return {
        "threshold": round(float(threshold), 4),
        "coverage": round(float(routed.mean()), 4) if len(routed) else None,
        "routed_accuracy": round(float(correct[routed].mean()), 4) if routed.any() else None,
        "triaged": int((~routed).sum()),
        "triaged_accuracy": round(float(correct[~routed].mean()), 4) if (~routed).any() else None,
    }
