"""The ``hpa step`` output document: a ``ReconcileResult`` as camelCase JSON.

``currentMetrics`` and ``conditions`` use the autoscaling/v2 status shapes (quantities in canonical
form such as ``"1500m"``; a failed metric is ``{"type": ""}`` as upstream leaves it).
``metricProposals`` gives each metric's proposal before normalisation, its error and how its pods
were grouped. ``state`` is the controller state to feed into the next step. Times are RFC 3339 in
UTC; ratios that are not finite are written as ``"NaN"``, ``"+Inf"`` or ``"-Inf"``.

This module knows nothing of how the result was computed.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from autoscaler.hpa.behavior.state import HPAState
from autoscaler.hpa.metrics.metric_status import MetricProposal, MetricStatus, MetricValueStatus
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Condition,
    CrossVersionObjectReference,
    MetricSourceType,
)
from autoscaler.hpa.status.result import ReconcileResult
from metrics_adapter.kube import LabelSelector, format_quantity, label_selector_to_wire

__all__ = ["format_time", "render_result", "render_state"]


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def _ratio(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")


def _selector(selector: LabelSelector) -> dict[str, Any]:
    wire = label_selector_to_wire(selector)
    return wire.to_wire() if wire is not None else {}


def _current(current: MetricValueStatus) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    if current.value_milli is not None:
        rendered["value"] = format_quantity(Decimal(current.value_milli).scaleb(-3))
    if current.average_value_milli is not None:
        rendered["averageValue"] = format_quantity(Decimal(current.average_value_milli).scaleb(-3))
    if current.average_utilization is not None:
        rendered["averageUtilization"] = current.average_utilization
    return rendered


def _reference(ref: CrossVersionObjectReference) -> dict[str, Any]:
    rendered: dict[str, Any] = {"kind": ref.kind, "name": ref.name}
    if ref.api_version:
        rendered["apiVersion"] = ref.api_version
    return rendered


def _metric_status(status: MetricStatus) -> dict[str, Any]:
    spec, current = status.spec, status.current
    if spec is None or current is None:
        return {"type": ""}
    body: dict[str, Any] = {}
    if spec.type in (MetricSourceType.RESOURCE, MetricSourceType.CONTAINER_RESOURCE):
        body["name"] = spec.name
        if spec.container is not None:
            body["container"] = spec.container
    else:
        if status.described_object is not None:
            body["describedObject"] = _reference(status.described_object)
        metric: dict[str, Any] = {"name": spec.name}
        if spec.metric_selector is not None:
            metric["selector"] = _selector(spec.metric_selector)
        body["metric"] = metric
    body["current"] = _current(current)
    member = "containerResource" if spec.type == MetricSourceType.CONTAINER_RESOURCE else spec.type.lower()
    return {"type": spec.type, member: body}


def _proposal(proposal: MetricProposal) -> dict[str, Any]:
    spec, calc = proposal.spec, proposal.calculation
    rendered: dict[str, Any] = {"index": proposal.index, "type": spec.type, "name": spec.name}
    if spec.container is not None:
        rendered["container"] = spec.container
    rendered["replicas"] = proposal.replicas
    rendered["error"] = proposal.error
    pods = calc.pods if calc is not None else None
    rendered["pods"] = (
        None
        if pods is None
        else {
            "ready": list(pods.ready),
            "unready": list(pods.unready),
            "missing": list(pods.missing),
            "ignored": list(pods.ignored),
        }
    )
    rendered["usageRatio"] = _ratio(calc.usage_ratio) if calc is not None else None
    rendered["rebalancedUsageRatio"] = _ratio(calc.rebalanced_ratio) if calc is not None else None
    return rendered


def _condition(condition: Condition) -> dict[str, Any]:
    return {
        "type": condition.type,
        "status": condition.status,
        "reason": condition.reason,
        "message": condition.message,
        "lastTransitionTime": format_time(condition.last_transition_time),
    }


def render_state(state: HPAState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    recommendations = None
    if state.recommendations is not None:
        recommendations = [
            {"replicas": r.replicas, "timestamp": format_time(r.timestamp)} for r in state.recommendations
        ]

    def events(items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [
            {"replicaChange": e.replica_change, "timestamp": format_time(e.timestamp), "outdated": e.outdated}
            for e in items
        ]

    return {
        "recommendations": recommendations,
        "scaleUpEvents": events(state.scale_up_events),
        "scaleDownEvents": events(state.scale_down_events),
    }


def render_result(result: ReconcileResult) -> dict[str, Any]:
    metrics = result.current_metrics
    return {
        "desiredReplicas": result.desired_replicas,
        "currentReplicas": result.current_replicas,
        "scaleUpdated": result.scale_updated,
        "error": result.error,
        "lastScaleTime": format_time(result.last_scale_time),
        "currentMetrics": None if metrics is None else [_metric_status(m) for m in metrics],
        "metricProposals": [_proposal(p) for p in result.proposals],
        "conditions": [_condition(c) for c in result.conditions],
        "state": render_state(result.state),
    }
