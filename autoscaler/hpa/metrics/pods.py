"""Sorting the selected pods before a per-pod metric is averaged, and reading their requests.

``group_pods`` is upstream's ``groupPods``: each pod is *ignored* (deletion timestamp set or phase
Failed), *unready* (Pending, or -- for CPU only -- not ready by the initialisation and readiness
rules), *missing* (no metric) or *ready*, first rule wins. The CPU rules, with ``now`` passed in:

* no Ready condition or no start time -> unready;
* still initialising (``start + cpuInitializationPeriod > now``) -> unready if the pod is not ready
  or its sample ends before ``lastTransitionTime + window`` (no full window since it became ready);
* afterwards -> unready only if not ready and never ready (``start + initialReadinessDelay >
  lastTransitionTime``).

``calculate_requests`` is ``calculateRequests``: one container's request, pod-level requests, or the
sum over regular and restartable init containers; a container without a request is an error.

This module knows nothing of HPAs, targets or tolerances.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from autoscaler.hpa.metrics.calculation import CalculationError, PodGroups
from autoscaler.hpa.metrics.reader import PodMetric
from autoscaler.hpa.spec.objects import ContainerSpec, Pod

__all__ = ["GO_ZERO_TIME", "calculate_requests", "group_pods"]

GO_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)
CPU = "cpu"


def _cpu_unready_reason(
    pod: Pod,
    metric: PodMetric,
    *,
    now: datetime,
    cpu_initialization_period: timedelta,
    readiness_delay: timedelta,
) -> str | None:
    condition = pod.ready
    if condition is None or pod.start_time is None:
        return "no Ready condition or start time yet"
    transition = condition.last_transition_time or GO_ZERO_TIME
    if pod.start_time + cpu_initialization_period > now:
        if condition.status == "False":
            return "not ready during the CPU initialisation period"
        if metric.timestamp < transition + metric.window:
            return "CPU sample does not cover a full window since the pod became ready"
        return None
    if condition.status == "False" and pod.start_time + readiness_delay > transition:
        return "not ready and never became ready"
    return None


def group_pods(
    pods: Sequence[Pod],
    metrics: Mapping[str, PodMetric],
    *,
    resource: str,
    now: datetime,
    cpu_initialization_period: timedelta,
    readiness_delay: timedelta,
) -> PodGroups:
    """Upstream ``groupPods``; ``resource`` is ``"cpu"`` to apply the readiness rules, else ``""``."""
    ready: list[str] = []
    unready: list[str] = []
    missing: list[str] = []
    ignored: list[str] = []
    reasons: dict[str, str] = {}
    for pod in pods:
        if pod.deleting or pod.phase == "Failed":
            ignored.append(pod.name)
            reasons[pod.name] = "deletion timestamp set" if pod.deleting else "phase Failed"
            continue
        if pod.phase == "Pending":
            unready.append(pod.name)
            reasons[pod.name] = "phase Pending"
            continue
        metric = metrics.get(pod.name)
        if metric is None:
            missing.append(pod.name)
            reasons[pod.name] = "no metric sample"
            continue
        if resource == CPU:
            reason = _cpu_unready_reason(
                pod,
                metric,
                now=now,
                cpu_initialization_period=cpu_initialization_period,
                readiness_delay=readiness_delay,
            )
            if reason is not None:
                unready.append(pod.name)
                reasons[pod.name] = reason
                continue
        ready.append(pod.name)
    return PodGroups(
        ready=tuple(sorted(set(ready))),
        unready=tuple(sorted(set(unready))),
        missing=tuple(sorted(set(missing))),
        ignored=tuple(sorted(set(ignored))),
        reasons=tuple(sorted(reasons.items())),
    )


def _requests_from_containers(pod: Pod, container: str | None, resource: str) -> int:
    containers: list[ContainerSpec] = list(pod.containers)
    containers.extend(c for c in pod.init_containers if c.restart_policy == "Always")
    total = 0
    for spec in containers:
        if container is None or container == spec.name:
            if resource not in spec.requests:
                raise CalculationError(
                    f"missing request for {resource} in container {spec.name} of Pod {pod.name}"
                )
            total += spec.requests[resource]
        if container is not None and container == spec.name:
            return total
    if container is not None:
        raise CalculationError(f"container {container} not found in Pod {pod.name}")
    return total


def calculate_requests(
    pods: Sequence[Pod], *, container: str | None, resource: str, pod_level_resources: bool
) -> dict[str, int]:
    """Request of ``resource`` per pod (milli-units), for every pod including ignored ones."""
    requests: dict[str, int] = {}
    for pod in pods:
        pod_level = pod.pod_requests if pod_level_resources and container is None else None
        if pod_level and resource in pod_level:
            requests[pod.name] = pod_level[resource]
        else:
            requests[pod.name] = _requests_from_containers(pod, container, resource)
    return requests
