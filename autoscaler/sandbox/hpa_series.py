"""kube-state-metrics' HPA object series beyond the replica counts: info, conditions, metric targets.

For each model whose scenario declares an ``hpa`` (its HPA has the Deployment's name):

* ``kube_horizontalpodautoscaler_info``: the scale target (``Deployment`` of the same name);
* ``kube_horizontalpodautoscaler_status_condition``: ``AbleToScale``, ``ScalingActive`` and
  ``ScalingLimited``, one series per status ``true``/``false``/``unknown``, exactly one of them 1;
* ``kube_horizontalpodautoscaler_spec_target_metric`` (the scenario's ``targetAverageValue``, only
  when it gives one) and ``_status_target_metric`` (the current per-pod mean of the metric over the
  ready pods, as the HPA reads a Pods metric), ``metric_target_type="average"``.

Conditions follow from the fleet's state: the sandbox always grants a scale (``AbleToScale`` true);
the metric is active while a ready pod reports it; ``ScalingLimited`` is true when the replicas the
HPA formula asks for (``ceil(sum over ready pods / target)``) fall outside ``[min, max]``, and
``unknown`` without a target or a current value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from prometheus_client.core import GaugeMetricFamily, Metric

from autoscaler.sandbox.deployment import DeploymentState
from autoscaler.sandbox.latency import FloatArray
from autoscaler.sandbox.spec import HpaSpec

__all__ = ["hpa_families", "metric_per_pod"]

HPA = ("namespace", "horizontalpodautoscaler")
TARGET = (*HPA, "metric_name", "metric_target_type")
STATUSES = ("true", "false", "unknown")

_PER_POD: dict[str, Callable[[DeploymentState], FloatArray]] = {
    "istio_requests_per_second": lambda state: np.asarray(state.code_rps.sum(axis=1), dtype=float),
    "gpu_utilization_percent": lambda state: np.asarray(state.busy * 100.0, dtype=float),
    "inference_queue_depth": lambda state: np.asarray(state.queue, dtype=float),
}


def metric_per_pod(state: DeploymentState, metric: str) -> FloatArray:
    """The metric's current value for each ready pod (requests/s, %, waiting requests)."""
    values = _PER_POD[metric](state)
    ready: FloatArray = values[state.ready]
    return ready


def _current(state: DeploymentState, hpa: HpaSpec) -> float | None:
    values = metric_per_pod(state, hpa.metric)
    return float(values.mean()) if len(values) else None


def _limited(state: DeploymentState, hpa: HpaSpec, current: float | None) -> str:
    if hpa.target_average_value is None or current is None:
        return "unknown"
    total = float(metric_per_pod(state, hpa.metric).sum())
    wanted = math.ceil(total / hpa.target_average_value)
    return "true" if wanted < hpa.min_replicas or wanted > hpa.max_replicas else "false"


def hpa_families(deployments: list[DeploymentState]) -> Iterator[Metric]:
    """Info, conditions and target metrics of every HPA of the scenario."""
    info = GaugeMetricFamily(
        "kube_horizontalpodautoscaler_info",
        "Information about this autoscaler.",
        labels=(*HPA, "scaletargetref_api_version", "scaletargetref_kind", "scaletargetref_name"),
    )
    condition = GaugeMetricFamily(
        "kube_horizontalpodautoscaler_status_condition",
        "The condition of this autoscaler.",
        labels=(*HPA, "condition", "status"),
    )
    spec_target = GaugeMetricFamily(
        "kube_horizontalpodautoscaler_spec_target_metric",
        "The metric specifications used by this autoscaler when calculating the desired replica count.",
        labels=TARGET,
    )
    status_target = GaugeMetricFamily(
        "kube_horizontalpodautoscaler_status_target_metric",
        "The current metric status used by this autoscaler when calculating the desired replica count.",
        labels=TARGET,
    )
    for state in deployments:
        spec, hpa = state.spec, state.spec.hpa
        if hpa is None:
            continue
        ids = [spec.namespace, spec.name]
        info.add_metric([*ids, "apps/v1", "Deployment", spec.name], 1)
        current = _current(state, hpa)
        conditions = {
            "AbleToScale": "true",
            "ScalingActive": "false" if current is None else "true",
            "ScalingLimited": _limited(state, hpa, current),
        }
        for name, status in conditions.items():
            for candidate in STATUSES:
                condition.add_metric([*ids, name, candidate], 1 if candidate == status else 0)
        if hpa.target_average_value is not None:
            spec_target.add_metric([*ids, hpa.metric, "average"], hpa.target_average_value)
        if current is not None:
            status_target.add_metric([*ids, hpa.metric, "average"], current)
    yield from (info, condition, spec_target, status_target)
