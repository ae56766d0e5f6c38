"""What a replay of one HPA on a recorded metric history assumes, shared by both replay engines.

A replay knows only the metric's history on a regular time grid, never the pods. Following the
simulation advice of the HPA specification (§9) it assumes that all ``C`` pods are ready and report
the same value. How that value follows from the history depends on the HPA's metric:

* ``PODS_TOTAL`` -- a Pods metric that adds up over pods (request rates, queue depths): the history
  is the workload's total ``U`` and every pod reports ``U // C`` milli-units, i.e. the load spreads
  evenly over the replicas the replayed HPA keeps (not over those that actually ran);
* ``PODS_AVERAGE`` -- a Pods metric that does not add up (latency, utilisation): the history is the
  per-pod average and every pod reports it whatever ``C`` is;
* ``EXTERNAL_AVERAGE`` -- an External metric with an AverageValue target: the history is the value
  the external metrics API returns (one item), compared with ``status.replicas = C``.

Values are converted once to integer milli-units (rounded to nearest), the unit of the controller's
``MilliValue()``; a missing sample (NaN) is ``MISSING`` and makes that cycle's metric fail, which
aborts the cycle without a scale change, as in the controller. Knows the HPA spec values only.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    HorizontalPodAutoscaler,
    MetricSourceType,
    MetricSpec,
)

__all__ = [
    "MISSING",
    "IntArray",
    "ReplayKind",
    "UnsupportedReplayError",
    "milli_values",
    "per_pod_milli",
    "replay_kind",
    "single_metric",
]

IntArray = npt.NDArray[np.int64]
MISSING = -1
"""Milli-value standing for "no sample": real values are never negative."""


class UnsupportedReplayError(ValueError):
    """The HPA cannot be replayed on a single metric history (the message says why)."""


class ReplayKind(StrEnum):
    PODS_TOTAL = "podsTotal"
    PODS_AVERAGE = "podsAverage"
    EXTERNAL_AVERAGE = "externalAverage"


def single_metric(hpa: HorizontalPodAutoscaler) -> MetricSpec:
    """The HPA's only metric; a replay on one history needs exactly one."""
    if len(hpa.metrics) != 1:
        raise UnsupportedReplayError(
            f"HPA {hpa.namespace}/{hpa.name} has {len(hpa.metrics)} metrics: a replay needs exactly one"
        )
    return hpa.metrics[0]


def replay_kind(hpa: HorizontalPodAutoscaler, *, additive: bool) -> ReplayKind:
    """The kind for the HPA's metric; ``additive``: the metric's workload value is a sum over pods."""
    spec = single_metric(hpa)
    target = spec.target
    if target is None or target.average_value_milli is None:
        raise UnsupportedReplayError(f"metric {spec.name!r}: a replay needs an AverageValue target")
    if spec.type == MetricSourceType.PODS:
        return ReplayKind.PODS_TOTAL if additive else ReplayKind.PODS_AVERAGE
    if spec.type == MetricSourceType.EXTERNAL:
        return ReplayKind.EXTERNAL_AVERAGE
    raise UnsupportedReplayError(
        f"metric {spec.name!r} of type {spec.type}: a replay supports Pods and External metrics"
    )


def milli_values(values: npt.ArrayLike) -> IntArray:
    """Float history (metric units, NaN = missing) -> int64 milli-units with ``MISSING`` for gaps."""
    array = np.asarray(values, dtype=np.float64)
    if np.any(array[~np.isnan(array)] < 0):
        raise ValueError("a metric history cannot hold negative values")
    result = np.full(array.shape, MISSING, dtype=np.int64)
    present = ~np.isnan(array)
    result[present] = np.rint(array[present] * 1000.0).astype(np.int64)
    return result


def per_pod_milli(kind: ReplayKind, value_milli: int, replicas: int) -> int:
    """What each of ``replicas`` pods reports for a present history value (Pods kinds)."""
    if kind is ReplayKind.PODS_TOTAL:
        return value_milli // max(replicas, 1)
    return value_milli
