"""A per-pod target and replica bounds from history: the pure core of ``servescale recommend``.

1. Fit latency against per-pod load (``latency_fit``) and find the load at which the fitted
   latency percentile reaches the threshold.
2. The target is that load times ``1 - headroom`` (headroom 0.2 -> 80 % of it), so the HPA's
   tolerance band (±10 %) and the pods' start-up delay still leave the percentile under the
   threshold. When latency does not grow with load in the observed range the fit cannot say where
   it would; the target is then the largest per-pod load observed (nothing beyond it is known).
3. ``minReplicas = max(1, ceil(low / target))`` with ``low`` the 5th percentile of the workload's
   total load, and ``maxReplicas = max(min, ceil(peak * (1 + headroom) / target))`` with ``peak``
   the largest total load observed.

Raises ``FitError`` when there is not enough data or no load keeps the latency under the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from autoscaler.simulation.latency_fit import FitError, LatencyFit, fit_latency

__all__ = ["TargetRecommendation", "recommend_target"]

LOW_LOAD_PERCENTILE = 5.0


@dataclass(frozen=True)
class TargetRecommendation:
    target_per_pod: float
    load_at_threshold: float | None
    """``None`` when latency does not grow with load in the observed range."""
    min_replicas: int
    max_replicas: int
    low_total_load: float
    peak_total_load: float
    fit: LatencyFit


def _round_target(value: float) -> float:
    """Three significant digits, never rounded up (a larger target would eat into the headroom)."""
    if value <= 0:
        return value
    digits = 2 - math.floor(math.log10(value))
    factor = 10.0**digits
    return math.floor(value * factor) / factor


def recommend_target(
    per_pod_load: npt.ArrayLike,
    latency_ms: npt.ArrayLike,
    total_load: npt.ArrayLike,
    *,
    threshold_ms: float,
    headroom: float = 0.2,
) -> TargetRecommendation:
    if not 0 <= headroom < 1:
        raise ValueError("headroom must be in [0, 1)")
    if threshold_ms <= 0:
        raise ValueError("the latency threshold must be positive")
    fit = fit_latency(per_pod_load, latency_ms)
    reach = fit.load_at(threshold_ms)
    if reach is None or reach <= 0:
        idle_ms = fit.floor_ms + (fit.scale / fit.capacity if fit.capacity > 0 else math.inf)
        raise FitError(
            f"the fitted curve ({fit.describe()}) is already {idle_ms:.0f} ms at zero load: no per-pod "
            f"load keeps the latency under {threshold_ms:g} ms; give a longer history with low and "
            "high load, or a higher threshold"
        )
    observed = np.asarray(per_pod_load, dtype=np.float64)
    if math.isinf(reach):
        target, load_at_threshold = float(np.nanmax(observed)), None
    else:
        target, load_at_threshold = reach * (1.0 - headroom), reach
    target = _round_target(target)
    if target <= 0:
        raise FitError("the recommended target is zero: the observed load is too small to fit")
    totals = np.asarray(total_load, dtype=np.float64)
    totals = totals[np.isfinite(totals)]
    if totals.size == 0:
        raise FitError("no observation of the workload's total load")
    low = float(np.percentile(totals, LOW_LOAD_PERCENTILE))
    peak = float(np.max(totals))
    min_replicas = max(1, math.ceil(low / target))
    max_replicas = max(min_replicas, math.ceil(peak * (1.0 + headroom) / target))
    return TargetRecommendation(
        target_per_pod=target,
        load_at_threshold=load_at_threshold,
        min_replicas=min_replicas,
        max_replicas=max_replicas,
        low_total_load=low,
        peak_total_load=peak,
        fit=fit,
    )
