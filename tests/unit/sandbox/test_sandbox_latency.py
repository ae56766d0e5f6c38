"""Latency distribution: cumulative bucket shares and the 95th percentile agree."""

from __future__ import annotations

import numpy as np
import pytest

from autoscaler.sandbox.latency import (
    BUCKET_COUNT,
    ENVOY_BUCKETS_MS,
    bucket_fractions,
    p95_ms,
    service_stretch,
)


def test_envoy_default_buckets() -> None:
    assert ENVOY_BUCKETS_MS[:4] == (0.5, 1, 5, 10)
    assert ENVOY_BUCKETS_MS[-1] == 3_600_000
    assert BUCKET_COUNT == 20


@pytest.mark.parametrize("mean_ms", [0.2, 3.0, 120.0, 4000.0, 5e6])
@pytest.mark.parametrize("sigma", [0.1, 0.4, 1.5])
def test_fractions_are_cumulative_and_end_at_one(mean_ms: float, sigma: float) -> None:
    row = bucket_fractions(np.array([mean_ms]), sigma)[0]
    assert row.shape == (BUCKET_COUNT,)
    assert np.all(np.diff(row) >= 0)
    assert row[-1] == 1.0
    assert np.all((row >= 0) & (row <= 1))


@pytest.mark.parametrize("mean_ms", [40.0, 180.0, 2000.0])
def test_p95_sits_at_the_95_percent_share(mean_ms: float) -> None:
    sigma = 0.4
    p95 = p95_ms(np.array([mean_ms]), sigma)[0]
    bounds = np.array([*ENVOY_BUCKETS_MS, np.inf])
    row = bucket_fractions(np.array([mean_ms]), sigma)[0]
    # The p95 falls in the first bucket whose cumulative share reaches 0.95.
    first = int(np.argmax(row >= 0.95))
    assert bounds[first - 1] < p95 <= bounds[first]
    assert p95 > mean_ms


@pytest.mark.parametrize(
    ("rho", "expected"),
    [
        pytest.param(0.0, 1.0, id="idle"),
        pytest.param(0.5, 4 / 3, id="half"),
        pytest.param(1.0, 2.0, id="full"),
    ],
)
def test_service_stretch(rho: float, expected: float) -> None:
    assert service_stretch(np.array([rho]))[0] == pytest.approx(expected)
