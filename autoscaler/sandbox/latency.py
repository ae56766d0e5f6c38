"""Latency of a served request: its mean from utilisation and queueing, its spread as a lognormal.

- Service time stretches with utilisation ``rho`` (0..1) as ``1 / (1 - rho / 2)``: unchanged when
  idle, doubled at full capacity. Beyond capacity the queue wait (Little's law: depth / drain rate)
  takes over, so latency keeps rising while the queue grows.
- Latencies are lognormal with shape ``sigma`` and the given mean, so ``mu = ln(mean) - sigma^2/2``.
  The share of requests at or below a bucket bound is the lognormal CDF; the normal CDF uses the
  Abramowitz-Stegun 7.1.26 approximation of ``erf`` (absolute error below 1.5e-7), vectorised.

Bucket bounds are Envoy's defaults in milliseconds, as Istio exposes them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

ENVOY_BUCKETS_MS: tuple[float, ...] = (
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
    60000, 300000, 600000, 1800000, 3600000,
)  # fmt: skip
"""Finite ``le`` bounds; the histogram also has ``+Inf``."""

BUCKET_COUNT = len(ENVOY_BUCKETS_MS) + 1
Z_95 = 1.6448536269514722
"""Standard normal quantile of 0.95."""

_LOG_BOUNDS = np.log(np.asarray(ENVOY_BUCKETS_MS, dtype=np.float64))
_AS_P = 0.3275911
_AS_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def service_stretch(utilisation: FloatArray) -> FloatArray:
    """Factor on the base latency at utilisation ``rho`` in [0, 1]: ``1 / (1 - rho / 2)``."""
    rho = np.clip(utilisation, 0.0, 1.0)
    result: FloatArray = 1.0 / (1.0 - rho / 2.0)
    return result


def _erf(x: FloatArray) -> FloatArray:
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + _AS_P * a)
    poly = t * (_AS_A[0] + t * (_AS_A[1] + t * (_AS_A[2] + t * (_AS_A[3] + t * _AS_A[4]))))
    result: FloatArray = sign * (1.0 - poly * np.exp(-a * a))
    return result


def bucket_fractions(mean_ms: FloatArray, sigma: float) -> FloatArray:
    """Cumulative share of requests with latency <= each bound, shape ``(n, BUCKET_COUNT)``.

    Rows are non-decreasing and end with exactly 1.0 (the ``+Inf`` bucket). A row whose mean is not
    positive puts everything in the first bucket.
    """
    mean = np.maximum(np.asarray(mean_ms, dtype=np.float64), 1e-9)
    mu = np.log(mean) - sigma * sigma / 2.0
    z = (_LOG_BOUNDS[np.newaxis, :] - mu[:, np.newaxis]) / (sigma * np.sqrt(2.0))
    cdf = np.clip(0.5 * (1.0 + _erf(z)), 0.0, 1.0)
    cdf = np.maximum.accumulate(cdf, axis=1)
    ones = np.ones((cdf.shape[0], 1), dtype=np.float64)
    return np.concatenate([cdf, ones], axis=1)


def p95_ms(mean_ms: FloatArray, sigma: float) -> FloatArray:
    """95th percentile of a lognormal with the given mean and shape."""
    mu = np.log(np.maximum(mean_ms, 1e-9)) - sigma * sigma / 2.0
    result: FloatArray = np.exp(mu + Z_95 * sigma)
    return result
