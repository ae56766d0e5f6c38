"""How latency grows with per-pod load: a queueing-shaped curve fitted to observations. Pure numpy.

Model: ``latency(x) = a + b / (c - x)`` for per-pod load ``x < c``. It has the shape of a queue's
sojourn time (M/M/1: ``1 / (mu - lambda)``): flat at low load, rising without bound as the load nears
the capacity ``c``. For each candidate ``c`` (log-spaced above the largest observed load) ``a`` and
``b`` come from linear least squares on the features ``[1, 1 / (c - x)]``; the candidate with the
smallest squared error wins. ``b < 0`` (latency falling with load) is refused as a shape: then
``b = 0`` and ``a`` is the mean, i.e. latency does not depend on load in the observed range; a
negative ``a`` is refused too (``a = 0``, ``b`` refitted alone).

``load_at(threshold)`` inverts the curve: ``c - b / (threshold - a)``, ``None`` when the threshold
is not above the curve at zero load (no load keeps the latency under it) and ``inf`` when latency does
not grow with load. Raises ``FitError`` with too few usable points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["MIN_POINTS", "FitError", "LatencyFit", "fit_latency"]

FloatArray = npt.NDArray[np.float64]
MIN_POINTS = 5
_CANDIDATES = 400


class FitError(ValueError):
    """The observations cannot support a fit (the message says why)."""


@dataclass(frozen=True)
class LatencyFit:
    floor_ms: float
    scale: float
    capacity: float
    points: int
    rmse_ms: float

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
            f"(rmse {self.rmse_ms:.1f} ms, {self.points} points)"
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


def _least_squares(x: FloatArray, y: FloatArray, capacity: float) -> tuple[float, float, float]:
    feature = 1.0 / (capacity - x)
    design = np.column_stack([np.ones_like(x), feature])
    (floor, scale), *_ = np.linalg.lstsq(design, y, rcond=None)
    if scale < 0:
        floor, scale = float(np.mean(y)), 0.0
    elif floor < 0:
        # A negative latency at zero load is no queue: fit the curve through a zero floor instead.
        floor, scale = 0.0, float(np.dot(feature, y) / np.dot(feature, feature))
    residual = y - (floor + scale * feature)
    return float(floor), float(scale), float(np.sum(residual * residual))


def _best(x: FloatArray, y: FloatArray, candidates: FloatArray) -> tuple[float, float, float, float]:
    """(floor, scale, capacity, squared error) of the best candidate capacity."""
    best: tuple[float, float, float, float] | None = None
    for capacity in candidates:
        floor, scale, sse = _least_squares(x, y, float(capacity))
        if best is None or sse < best[3]:
            best = (floor, scale, float(capacity), sse)
    assert best is not None
    return best


def fit_latency(load: npt.ArrayLike, latency_ms: npt.ArrayLike) -> LatencyFit:
    """Fit ``latency = a + b / (c - load)`` to the observations (NaN/negative points are dropped)."""
    x, y = _usable(load, latency_ms)
    top = float(np.max(x))
    candidates = top * np.geomspace(1.0 + 1e-4, 50.0, _CANDIDATES)
    best = _best(x, y, candidates)
    # Refine between the neighbours of the best coarse candidate.
    index = int(np.searchsorted(candidates, best[2]))
    low, high = candidates[max(index - 1, 0)], candidates[min(index + 1, candidates.size - 1)]
    floor, scale, capacity, sse = _best(x, y, np.linspace(low, high, _CANDIDATES))
    return LatencyFit(
        floor_ms=floor, scale=scale, capacity=capacity, points=int(x.size), rmse_ms=math.sqrt(sse / x.size)
    )
