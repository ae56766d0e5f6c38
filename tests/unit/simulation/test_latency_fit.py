"""Fitting latency against per-pod load, and the target it implies, on synthetic data with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoscaler.simulation.latency_fit import FitError, fit_latency
from autoscaler.simulation.recommend import recommend_target


def queue_latency(
    load: np.ndarray, *, floor: float = 100.0, scale: float = 600.0, capacity: float = 12.0
) -> np.ndarray:
    result: np.ndarray = floor + scale / (capacity - load)
    return result


@pytest.mark.parametrize(
    ("low", "high", "noise", "tolerance"),
    [
        pytest.param(0.0, 10.5, 0.0, 0.01, id="exact-wide-range"),
        pytest.param(0.0, 10.5, 5.0, 0.05, id="noisy-wide-range"),
        pytest.param(1.0, 6.0, 2.0, 0.08, id="noisy-extrapolated"),
    ],
)
def test_fit_finds_the_load_at_the_threshold(low: float, high: float, noise: float, tolerance: float) -> None:
    rng = np.random.default_rng(7)
    load = rng.uniform(low, high, 400)
    latency = queue_latency(load) + rng.normal(0.0, noise, load.size)
    fit = fit_latency(load, latency)
    # 100 + 600 / (12 - x) = 300  <=>  x = 9
    reach = fit.load_at(300.0)
    assert reach is not None
    assert reach == pytest.approx(9.0, rel=tolerance)
    assert fit.predict(np.array([0.0]))[0] == pytest.approx(150.0, rel=0.05)


def test_backlog_above_the_curve_does_not_bend_it() -> None:
    # A quarter of the points come from pods working off a queue: latency 1.5x to 4x the steady
    # curve at the load their rate window saw (never below it).
    rng = np.random.default_rng(3)
    steady = rng.uniform(0.5, 10.5, 200)
    draining = rng.uniform(5.0, 10.5, 60)
    load = np.concatenate([steady, draining])
    latency = np.concatenate([queue_latency(steady), queue_latency(draining) * rng.uniform(1.5, 4.0, 60)])
    fit = fit_latency(load, latency)
    reach = fit.load_at(300.0)
    assert reach is not None
    assert reach == pytest.approx(9.0, rel=0.02)
    assert fit.predict(np.array([0.0]))[0] == pytest.approx(150.0, rel=0.02)
    assert fit.backlog_points == draining.size
    assert f"{draining.size} above it as backlog" in fit.describe()


def test_threshold_below_the_floor_has_no_load() -> None:
    load = np.linspace(0, 10, 50)
    fit = fit_latency(load, queue_latency(load))
    assert fit.load_at(120.0) is None


def test_latency_that_does_not_grow_is_flat() -> None:
    load = np.linspace(1, 10, 50)
    fit = fit_latency(load, 200.0 - 2.0 * load)
    assert fit.scale == 0
    assert fit.load_at(300.0) == math.inf


@pytest.mark.parametrize(
    ("load", "latency", "message"),
    [
        pytest.param([1.0, 2.0, 3.0], [100.0, 110.0, 120.0], "at least", id="too-few"),
        pytest.param([4.0] * 10, [100.0] * 10, "same load", id="no-spread"),
        pytest.param(
            [1.0, 2.0, np.nan, 3.0, 4.0, 5.0], [1.0, np.nan, 3.0, 4.0, 5.0, -1.0], "usable", id="gaps"
        ),
    ],
)
def test_unusable_observations_are_refused(load: list[float], latency: list[float], message: str) -> None:
    with pytest.raises(FitError, match=message):
        fit_latency(load, latency)


def test_recommendation_applies_headroom_and_bounds_from_the_load_range() -> None:
    load = np.linspace(0.5, 10.5, 200)
    totals = np.linspace(10.0, 90.0, 200)
    result = recommend_target(load, queue_latency(load), totals, threshold_ms=300.0, headroom=0.2)
    assert result.load_at_threshold == pytest.approx(9.0, rel=0.01)
    assert result.target_per_pod == pytest.approx(7.2, rel=0.01)
    assert result.target_per_pod <= 0.8 * result.load_at_threshold  # rounding never eats the headroom
    low = float(np.percentile(totals, 5))
    assert result.min_replicas == math.ceil(low / result.target_per_pod)
    assert result.max_replicas == math.ceil(90.0 * 1.2 / result.target_per_pod)


def test_recommendation_fails_when_no_load_meets_the_threshold() -> None:
    load = np.linspace(0.5, 10.5, 50)
    with pytest.raises(FitError, match="no per-pod load"):
        recommend_target(load, queue_latency(load), load * 4, threshold_ms=120.0)
