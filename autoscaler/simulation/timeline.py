"""A simulation's timeline: one row per HPA per sample, as a DataFrame, and its summary figures.

Columns (units in the names): ``t_seconds``, ``namespace``, ``deployment``, ``hpa``,
``offered_rps``, ``desired_replicas`` (spec), ``pods`` (existing, ready or not: each holds its GPU),
``ready_replicas``, ``metric_value`` (what the HPA's first metric reported at its last cycle, in the
metric's unit; empty before the first cycle or when the metric failed), ``metric_target``,
``p95_latency_ms`` (the Deployment's, empty when nothing was served) and ``scaled`` (a cycle wrote a
new count at this sample).

Summary per Deployment: GPU-hours (pods x GPUs per pod x time, each interval counted at the
count at its start), seconds above the latency objective (an interval counts when the p95 at its
start is above it), scale events. Knows rows and pandas, not the fleet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from autoscaler.hpa import HorizontalPodAutoscaler, ReconcileResult

__all__ = [
    "DeploymentSummary",
    "TimelineRow",
    "deployment_p95_ms",
    "metric_target",
    "reported_value",
    "summarise",
    "timeline_frame",
]


@dataclass(frozen=True)
class TimelineRow:
    time_seconds: float
    namespace: str
    deployment: str
    hpa: str
    offered_rps: float
    desired_replicas: int
    pods: int
    ready_replicas: int
    metric_value: float | None
    metric_target: float | None
    p95_latency_ms: float | None
    scaled: bool


@dataclass(frozen=True)
class DeploymentSummary:
    namespace: str
    deployment: str
    gpu_hours: float
    seconds_above_objective: float
    scale_events: int
    min_replicas_seen: int
    max_replicas_seen: int
    duration_seconds: float


def metric_target(hpa: HorizontalPodAutoscaler) -> float | None:
    """The first metric's target in the metric's unit (a percentage for Utilization)."""
    if not hpa.metrics or hpa.metrics[0].target is None:
        return None
    target = hpa.metrics[0].target
    if target.average_value_milli is not None:
        return target.average_value_milli / 1000.0
    if target.value_milli is not None:
        return target.value_milli / 1000.0
    return None if target.average_utilization is None else float(target.average_utilization)


def reported_value(result: ReconcileResult | None) -> float | None:
    """The first metric's current value as the cycle wrote it into ``status.currentMetrics``."""
    if result is None or not result.current_metrics:
        return None
    current = result.current_metrics[0].current
    if current is None:
        return None
    for milli in (current.average_value_milli, current.value_milli):
        if milli is not None:
            return milli / 1000.0
    return None if current.average_utilization is None else float(current.average_utilization)


def deployment_p95_ms(entry: dict[str, Any]) -> float | None:
    """Traffic-weighted p95 of the Deployment's pods in a truth entry; ``None`` without traffic."""
    weighted = weight = 0.0
    for pod in (entry.get("pods") or {}).values():
        answered = float(pod["successRps"]) + float(pod["errorRps"])
        if pod.get("p95LatencyMs") is None or answered <= 0:
            continue
        weighted += float(pod["p95LatencyMs"]) * answered
        weight += answered
    return weighted / weight if weight > 0 else None


def timeline_frame(rows: Sequence[TimelineRow]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(row) for row in rows], columns=list(TimelineRow.__dataclass_fields__))
    return frame.rename(columns={"time_seconds": "t_seconds"})


def _intervals(times: pd.Series) -> pd.Series:
    """Length of the interval each row starts (the last row's is 0)."""
    return (times.shift(-1) - times).fillna(0.0)


def summarise(
    frame: pd.DataFrame, *, latency_objective_ms: float, gpus_per_pod: float = 1.0
) -> list[DeploymentSummary]:
    summaries = []
    for (namespace, deployment), group in frame.groupby(["namespace", "deployment"], sort=False):
        group = group.sort_values("t_seconds")
        dt = _intervals(group["t_seconds"].astype(float))
        above = group["p95_latency_ms"].astype(float) > latency_objective_ms
        summaries.append(
            DeploymentSummary(
                namespace=str(namespace),
                deployment=str(deployment),
                gpu_hours=float((group["pods"] * gpus_per_pod * dt).sum() / 3600.0),
                seconds_above_objective=float(dt[above.fillna(False)].sum()),
                scale_events=int(group["scaled"].sum()),
                min_replicas_seen=int(group["desired_replicas"].min()),
                max_replicas_seen=int(group["desired_replicas"].max()),
                duration_seconds=float(dt.sum()),
            )
        )
    return summaries
