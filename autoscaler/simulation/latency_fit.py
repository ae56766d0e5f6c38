"""How latency grows with per-pod load: a queueing-shaped curve fitted to observations. Pure numpy.

Model: ``latency(x) = a + b / (c - x)`` for per-pod load ``x < c``. It has the shape of a queue's
sojourn time (M/M/1: ``1 / (mu - lambda)``): flat at low load, rising without bound as the load nears
the capacity ``c``. For each candidate ``c`` (log-spaced above the largest observed load, then
refined around the best) ``a`` and ``b`` come from weighted linear least squares on the features
``[1, 1 / (c - x)]``; the candidate with the smallest weighted squared error wins. ``b < 0``
(latency falling with load) is refused as a shape: then ``b = 0`` and ``a`` is the weighted mean,
i.e. latency does not depend on load in the observed range; a negative ``a`` is refused too
(``a = 0``, ``b`` refitted alone).

Errors are relative (each residual over its observed latency): a percentile read from histogram
buckets is only as precise as its bucket, and bucket widths grow with latency. And the curve is the
steady state: a pod working off a backlog (after an overload, or saturated at its capacity) shows
a latency above it at whatever load its rate window saw, never below. So the fit is repeated with
every point more than ``BACKLOG_DELTA`` (10 %) above the curve down-weighted as in a Huber loss
(weight ``delta / r`` on its squared relative residual ``r``) until the weights settle.

``load_at(threshold)`` inverts the curve: ``c - b / (threshold - a)``, ``None`` when the threshold
is not above the curve at zero load (no load keeps the latency under it) and ``inf`` when latency does
not grow with load. Raises ``FitError`` with too few usable points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["BACKLOG_DELTA", "MIN_POINTS", "FitError", "LatencyFit", "fit_latency"]

FloatArray = npt.NDArray[np.float64]
MIN_POINTS = 5
BACKLOG_DELTA = 0.1
"""Relative residual above the curve beyond which a point counts as backlog and is down-weighted."""
_CANDIDATES = 400
_MAX_ROUNDS = 30
_BLOCK_CELLS = 1 << 20
"""Candidates x observations evaluated at once (bounds the memory of one block)."""


class FitError(ValueError):
    """The observations cannot support a fit (the message says why)."""


@dataclass(frozen=True)
class LatencyFit:
    floor_ms: float
    scale: float
    capacity: float
    points: int
    rmse_ms: float
    backlog_points: int = 0
    """Observations more than ``BACKLOG_DELTA`` above the curve, down-weighted in the fit."""

    def predict(self, load: npt.ArrayLike) -> FloatArray:
        x = np.asarray(load, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            predicted: FloatArray = np.where(
                x < self.capacity, self.floor_ms + self.scale / (self.capacity - x), np.inf
            )
        return predicted

    def load_at(self, threshold_ms: float) -> float | None:
        """The per-pod load at which the curve reaches ``threshold_ms``."""
        if threshold_ms <= self.floor_ms:
            return None
        if self.scale <= 0:
            return math.inf
        load = self.capacity - self.scale / (threshold_ms - self.floor_ms)
        return load if load > 0 else None

    def describe(self) -> str:
        return (
            f"{self.floor_ms:.1f} + {self.scale:.4g} / ({self.capacity:.4g} - x) ms "
            f"(rmse {self.rmse_ms:.1f} ms, {self.points} points, {self.backlog_points} above it as backlog)"
        )


def _usable(load: npt.ArrayLike, latency_ms: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(load, dtype=np.float64).ravel()
    y = np.asarray(latency_ms, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise FitError("load and latency must have the same number of observations")
    keep = np.isfinite(x) & np.isfinite(y) & (x >= 0) & (y > 0)
    x, y = x[keep], y[keep]
    if x.size < MIN_POINTS:
        raise FitError(f"{x.size} usable observations: at least {MIN_POINTS} are needed")
    if np.ptp(x) <= 0:
        raise FitError("every observation has the same load: nothing to fit")
    return x, y


def _least_squares(
    x: FloatArray, y: FloatArray, weights: FloatArray, capacities: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(floor, scale, weighted squared error) for each capacity, by weighted least squares."""
    feature = 1.0 / (capacities[:, np.newaxis] - x[np.newaxis, :])
    total = np.sum(weights)
    mean_y = np.dot(weights, y) / total
    mean_f = feature @ weights / total
    centred = feature - mean_f[:, np.newaxis]
    spread = (centred * centred) @ weights
    scale = (centred @ (weights * (y - mean_y))) / spread
    floor = mean_y - scale * mean_f
    falling = ~(scale >= 0)
    floor, scale = np.where(falling, mean_y, floor), np.where(falling, 0.0, scale)
    # A negative latency at zero load is no queue: fit the curve through a zero floor instead.
    negative = floor < 0
    through_zero = (feature @ (weights * y)) / ((feature * feature) @ weights)
    floor, scale = np.where(negative, 0.0, floor), np.where(negative, through_zero, scale)
    residual = y[np.newaxis, :] - floor[:, np.newaxis] - scale[:, np.newaxis] * feature
    return floor, scale, (residual * residual) @ weights


def _best(
    x: FloatArray, y: FloatArray, weights: FloatArray, candidates: FloatArray
) -> tuple[float, float, float]:
    """(floor, scale, capacity) of the candidate capacity with the smallest weighted error."""
    block = max(1, _BLOCK_CELLS // x.size)
    best: tuple[float, float, float, float] | None = None
    for begin in range(0, candidates.size, block):
        capacities = candidates[begin : begin + block]
        floor, scale, sse = _least_squares(x, y, weights, capacities)
        i = int(np.argmin(sse))
        if best is None or sse[i] < best[3]:
            best = (float(floor[i]), float(scale[i]), float(capacities[i]), float(sse[i]))
    assert best is not None
    return best[:3]


def _fit_weighted(x: FloatArray, y: FloatArray, weights: FloatArray) -> tuple[float, float, float]:
    top = float(np.max(x))
    candidates = top * np.geomspace(1.0 + 1e-4, 50.0, _CANDIDATES)
    capacity = _best(x, y, weights, candidates)[2]
    # Refine between the neighbours of the best coarse candidate.
    index = int(np.searchsorted(candidates, capacity))
    low, high = candidates[max(index - 1, 0)], candidates[min(index + 1, candidates.size - 1)]
    return _best(x, y, weights, np.linspace(low, high, _CANDIDATES))


def _backlog_weights(x: FloatArray, y: FloatArray, floor: float, scale: float, capacity: float) -> FloatArray:
    predicted = np.maximum(floor + scale / (capacity - x), 1e-12)
    above = (y - predicted) / predicted
    weights: FloatArray = np.where(above > BACKLOG_DELTA, BACKLOG_DELTA / np.maximum(above, 1e-12), 1.0)
    return weights


def fit_latency(load: npt.ArrayLike, latency_ms: npt.ArrayLike) -> LatencyFit:
    """Fit ``latency = a + b / (c - load)`` to the observations (NaN/negative points are dropped)."""
    x, y = _usable(load, latency_ms)
    relative = 1.0 / (y * y)
    backlog = np.ones_like(y)
    for _ in range(_MAX_ROUNDS):
        floor, scale, capacity = _fit_weighted(x, y, relative * backlog)
        updated = _backlog_weights(x, y, floor, scale, capacity)
        if np.allclose(updated, backlog, rtol=1e-6, atol=1e-9):
            break
        backlog = updated
    residual = y - (floor + scale / (capacity - x))
    return LatencyFit(
        floor_ms=floor,
        scale=scale,
        capacity=capacity,
        points=int(x.size),
        rmse_ms=math.sqrt(float(np.mean(residual * residual))),
        backlog_points=int(np.sum(updated < 1.0)),
    )
