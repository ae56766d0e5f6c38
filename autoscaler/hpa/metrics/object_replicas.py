"""Replica proposals from one value: Object and External metrics.

* Value target V (``getUsageRatioReplicaCount``): ``r = usage / V``. With ``C != 0``: ``C`` inside the
  tolerance band, else ``ceil(r * readyPods)`` capped at 2^31-1, where ready pods are the selected
  pods that are Running and Ready (deleting pods included); no selected pods is an error. With
  ``C == 0``: ``ceil(r)``, tolerance and pods ignored (scale from zero).
* AverageValue target A (``Get*PerPodMetricReplicas``): against ``S = status.replicas``,
  ``r = usage / (A * S)``; ``S`` inside the band, else ``ceil(usage / A)`` (External caps at
  2^31-1). The reported value is ``ceil(usage / S)`` -- ``S = 0`` gives Inf/NaN, as in Go.

External values are summed first, saturating at 2^63-1 the two slightly different ways upstream does.
This module knows nothing of how values are fetched or of JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autoscaler.hpa.go_numeric import MAX_INT32, MAX_INT64, ceil_to_int32, fdiv, float_to_int64, int64_wrap
from autoscaler.hpa.metrics.calculation import Calculation, CalculationError, PodGroups
from autoscaler.hpa.metrics.tolerance import Tolerances
from autoscaler.hpa.spec.objects import Pod

__all__ = [
    "per_pod_replicas",
    "sum_external_for_average",
    "sum_external_for_value",
    "value_replicas",
]

NO_PODS = "no pods returned by selector while calculating replica count"


def _fceil(value: float) -> float:
    return float(math.ceil(value)) if math.isfinite(value) else value


def value_replicas(
    *, current_replicas: int, usage: int, target_milli: int, tolerances: Tolerances, pods: Sequence[Pod]
) -> Calculation:
    """Object or External metric with a Value target."""
    ratio = fdiv(float(usage), float(target_milli))
    if current_replicas == 0:
        return Calculation(replicas=ceil_to_int32(ratio), usage=usage, usage_ratio=ratio)
    if tolerances.is_within(ratio):
        return Calculation(
            replicas=current_replicas,
            usage=usage,
            usage_ratio=ratio,
            held="usage ratio within the tolerance band",
        )
    if not pods:
        raise CalculationError(f"unable to calculate ready pods: {NO_PODS}")
    ready = tuple(sorted(pod.name for pod in pods if pod.is_running_and_ready))
    others = tuple(sorted(pod.name for pod in pods if not pod.is_running_and_ready))
    proposed = ratio * float(len(ready))
    replicas = MAX_INT32 if proposed > MAX_INT32 else ceil_to_int32(proposed)
    groups = PodGroups(
        ready=ready, unready=others, reasons=tuple((name, "not Running and Ready") for name in others)
    )
    return Calculation(
        replicas=replicas, usage=usage, usage_ratio=ratio, pods=groups, ready_pod_count=len(ready)
    )


def per_pod_replicas(
    *, status_replicas: int, usage: int, target_milli: int, tolerances: Tolerances, external: bool
) -> Calculation:
    """Object (``external=False``) or External metric with an AverageValue target."""
    ratio = fdiv(float(usage), float(target_milli) * float(status_replicas))
    replicas = status_replicas
    held: str | None = "usage ratio within the tolerance band (against status.replicas)"
    if not tolerances.is_within(ratio):
        held = None
        proposed = _fceil(fdiv(float(usage), float(target_milli)))
        replicas = MAX_INT32 if external and proposed > float(MAX_INT32) else ceil_to_int32(proposed)
    if external and float(usage) >= float(MAX_INT64):
        reported = MAX_INT64
    else:
        reported = float_to_int64(_fceil(fdiv(float(usage), float(status_replicas))))
    return Calculation(replicas=replicas, usage=reported, usage_ratio=ratio, held=held)


def sum_external_for_value(values: Sequence[int]) -> int:
    """The Value path's sum: stops at 2^63-1 before a positive overflow."""
    usage = 0
    for value in values:
        if value > 0 and usage > MAX_INT64 - value:
            return MAX_INT64
        usage = int64_wrap(usage + value)
    return usage


def sum_external_for_average(values: Sequence[int]) -> int:
    """The AverageValue path's sum: 2^63-1 as soon as the wrapped sum turns negative."""
    usage = 0
    for value in values:
        usage = int64_wrap(usage + value)
        if usage < 0:
            return MAX_INT64
    return usage
