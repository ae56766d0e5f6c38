"""Replica proposals from per-pod samples: Resource/ContainerResource and Pods metrics.

``utilization_replicas`` is upstream's ``GetResourceReplicas`` (Utilization targets) and
``average_value_replicas`` its ``calcPlainMetricReplicas`` (Resource AverageValue and Pods metrics).
Both share one shape:

1. group the pods; drop the samples of ignored and unready pods; fail if nothing is left;
2. ratio = ``trunc(100*sum(usage)/sum(request)) / target`` (Utilization; only samples of pods with a
   request count) or ``trunc(sum(values)/count) / target`` (average; every sample counts);
3. fast path when no pod is missing and no unready pod matters: the current count inside the
   tolerance band, else ``ceil(ratio * ready)``;
4. otherwise rebalance: missing pods count as ``max(100, target)``% of their request (or the target
   value) on a scale-down and 0 on a scale-up, unready pods as 0 on a scale-up; recompute; keep the
   current count if the new ratio is inside the band, flips direction, or ``ceil(new * |samples|)``
   moves against the direction.

Integer truncation and float64 products follow Go exactly (``go_numeric``). This module knows
nothing of metric sources, fetching or JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from autoscaler.hpa.go_numeric import ceil_to_int32, fdiv, int32_wrap, int64_wrap, trunc_div
from autoscaler.hpa.metrics.calculation import Calculation, CalculationError, PodGroups
from autoscaler.hpa.metrics.pods import calculate_requests, group_pods
from autoscaler.hpa.metrics.reader import PodMetric
from autoscaler.hpa.metrics.tolerance import Tolerances
from autoscaler.hpa.spec.config import ControllerConfig
from autoscaler.hpa.spec.objects import Pod

__all__ = ["average_value_replicas", "utilization_replicas"]

NO_PODS = "no pods returned by selector while calculating replica count"
NO_METRICS = "did not receive metrics for targeted pods (pods might be unready)"


def _utilization_ratio(
    metrics: Mapping[str, int], requests: Mapping[str, int], target: int
) -> tuple[float, int, int]:
    """``GetResourceUtilizationRatio``: (ratio, utilization percent, raw average in milli)."""
    metrics_total = requests_total = entries = 0
    for name, value in metrics.items():
        if name not in requests:
            continue  # a sample of a pod not in the list
        metrics_total = int64_wrap(metrics_total + value)
        requests_total = int64_wrap(requests_total + requests[name])
        entries += 1
    if requests_total == 0:
        raise CalculationError("no metrics returned matched known pods")
    utilization = int32_wrap(trunc_div(int64_wrap(metrics_total * 100), requests_total))
    return fdiv(float(utilization), float(target)), utilization, trunc_div(metrics_total, entries)


def _usage_ratio(metrics: Mapping[str, int], target: int) -> tuple[float, int]:
    """``GetMetricUsageRatio``: (ratio, average in milli) over every remaining sample."""
    total = 0
    for value in metrics.values():
        total = int64_wrap(total + value)
    usage = trunc_div(total, len(metrics))
    return fdiv(float(usage), float(target)), usage


def _grouped_samples(
    pods: Sequence[Pod],
    samples: Mapping[str, PodMetric],
    *,
    resource: str,
    now: datetime,
    config: ControllerConfig,
) -> tuple[PodGroups, dict[str, int]]:
    if not pods:
        raise CalculationError(NO_PODS)
    groups = group_pods(
        pods,
        samples,
        resource=resource,
        now=now,
        cpu_initialization_period=config.cpu_initialization_period,
        readiness_delay=config.initial_readiness_delay,
    )
    dropped = set(groups.ignored) | set(groups.unready)
    metrics = {name: sample.value for name, sample in samples.items() if name not in dropped}
    if not metrics:
        raise CalculationError(NO_METRICS)
    return groups, metrics


def _propose(
    *,
    current_replicas: int,
    ratio: float,
    usage: int,
    utilization: int | None,
    groups: PodGroups,
    metrics: dict[str, int],
    tolerances: Tolerances,
    recompute: Callable[[dict[str, int]], float],
    scale_down_fill: Callable[[str], int],
    scale_down_note: str,
) -> Calculation:
    base = Calculation(
        replicas=current_replicas, usage=usage, usage_ratio=ratio, utilization=utilization, pods=groups
    )
    scale_up_with_unready = bool(groups.unready) and ratio > 1.0
    if not scale_up_with_unready and not groups.missing:
        if tolerances.is_within(ratio):
            return replace(base, held="usage ratio within the tolerance band")
        return replace(base, replicas=ceil_to_int32(ratio * float(groups.ready_count)))

    notes: list[str] = []
    if groups.missing:
        if ratio < 1.0:
            for name in groups.missing:
                metrics[name] = scale_down_fill(name)
            notes.append(f"missing pods assumed {scale_down_note} (scale-down)")
        elif ratio > 1.0:
            for name in groups.missing:
                metrics[name] = 0
            notes.append("missing pods assumed at 0 (scale-up)")
        else:
            notes.append("missing pods left out (ratio exactly 1)")
    if scale_up_with_unready:
        for name in groups.unready:
            metrics[name] = 0
        notes.append("unready pods assumed at 0 (scale-up)")
    assumption = "; ".join(notes)

    new_ratio = recompute(metrics)
    rebalanced = replace(base, rebalanced_ratio=new_ratio, assumption=assumption)
    if tolerances.is_within(new_ratio):
        return replace(rebalanced, held="rebalanced usage ratio within the tolerance band")
    if (ratio < 1.0 and new_ratio > 1.0) or (ratio > 1.0 and new_ratio < 1.0):
        return replace(rebalanced, held="rebalancing reverses the scale direction")
    new_replicas = ceil_to_int32(new_ratio * float(len(metrics)))
    if (new_ratio < 1.0 and new_replicas > current_replicas) or (
        new_ratio > 1.0 and new_replicas < current_replicas
    ):
        return replace(rebalanced, held=f"{new_replicas} replicas would move against the scale direction")
    return replace(rebalanced, replicas=new_replicas)


def utilization_replicas(
    *,
    current_replicas: int,
    target_utilization: int,
    resource: str,
    container: str | None,
    tolerances: Tolerances,
    pods: Sequence[Pod],
    samples: Mapping[str, PodMetric],
    now: datetime,
    config: ControllerConfig,
) -> Calculation:
    """``GetResourceReplicas``: proposal for a Utilization target (percent of request)."""
    groups, metrics = _grouped_samples(pods, samples, resource=resource, now=now, config=config)
    requests = calculate_requests(
        pods,
        container=container,
        resource=resource,
        pod_level_resources=config.feature_gates.pod_level_resources,
    )
    ratio, utilization, raw = _utilization_ratio(metrics, requests, target_utilization)
    fallback = max(100, target_utilization)
    return _propose(
        current_replicas=current_replicas,
        ratio=ratio,
        usage=raw,
        utilization=utilization,
        groups=groups,
        metrics=metrics,
        tolerances=tolerances,
        recompute=lambda m: _utilization_ratio(m, requests, target_utilization)[0],
        scale_down_fill=lambda name: trunc_div(int64_wrap(requests[name] * fallback), 100),
        scale_down_note=f"at {fallback}% of their request",
    )


def average_value_replicas(
    *,
    current_replicas: int,
    target_milli: int,
    resource: str,
    tolerances: Tolerances,
    pods: Sequence[Pod],
    samples: Mapping[str, PodMetric],
    now: datetime,
    config: ControllerConfig,
) -> Calculation:
    """``calcPlainMetricReplicas``: ``resource`` is ``"cpu"``/``"memory"``/... or ``""`` for Pods metrics."""
    groups, metrics = _grouped_samples(pods, samples, resource=resource, now=now, config=config)
    ratio, usage = _usage_ratio(metrics, target_milli)
    return _propose(
        current_replicas=current_replicas,
        ratio=ratio,
        usage=usage,
        utilization=None,
        groups=groups,
        metrics=metrics,
        tolerances=tolerances,
        recompute=lambda m: _usage_ratio(m, target_milli)[0],
        scale_down_fill=lambda _name: target_milli,
        scale_down_note="at the target value",
    )
