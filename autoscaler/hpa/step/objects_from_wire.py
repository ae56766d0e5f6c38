"""The other Kubernetes objects of an ``hpa step`` input read into the algorithm's values.

The models (``metrics_adapter.kube.autoscaling``) are the scale subresource, pods, PodMetrics and
the custom and external metric value lists; each ``to_*`` function returns the frozen values the
algorithm and the static reader use, quantities as ``MilliValue()``. This module knows nothing of
the algorithm itself.
"""

from __future__ import annotations

from datetime import timedelta

from autoscaler.hpa.metrics.static_reader import (
    ContainerUsage,
    CustomMetricValue,
    ExternalMetricValue,
    PodMetricsItem,
)
from autoscaler.hpa.spec.objects import ContainerSpec, Pod, PodCondition, Scale
from metrics_adapter.kube import milli_value, parse_quantity
from metrics_adapter.kube.autoscaling import (
    ContainerWire,
    ExternalMetricValueListWire,
    MetricValueListWire,
    PodListWire,
    PodMetricsListWire,
    PodWire,
    ScaleWire,
)

__all__ = ["to_custom_values", "to_external_values", "to_pod_metrics", "to_pods", "to_scale"]


def to_scale(model: ScaleWire) -> Scale:
    return Scale(model.spec.replicas, model.status.replicas, model.status.selector)


def _millis(requests: dict[str, str] | None) -> dict[str, int]:
    return {name: milli_value(parse_quantity(text)) for name, text in (requests or {}).items()}


def _container(model: ContainerWire) -> ContainerSpec:
    requests = model.resources.requests if model.resources is not None else None
    return ContainerSpec(model.name, _millis(requests), model.restart_policy)


def _pod(model: PodWire) -> Pod:
    ready = next((c for c in model.status.conditions or () if c.type == "Ready"), None)
    pod_requests = model.spec.resources.requests if model.spec.resources is not None else None
    return Pod(
        name=model.metadata.name,
        namespace=model.metadata.namespace,
        labels=dict(model.metadata.labels or {}),
        phase=model.status.phase,
        deleting=model.metadata.deletion_timestamp is not None,
        start_time=model.status.start_time,
        ready=PodCondition(ready.status, ready.last_transition_time) if ready is not None else None,
        containers=tuple(_container(c) for c in model.spec.containers),
        init_containers=tuple(_container(c) for c in model.spec.init_containers or ()),
        pod_requests=_millis(pod_requests) if pod_requests else None,
    )


def to_pods(model: PodListWire | None) -> tuple[Pod, ...]:
    return tuple(_pod(item) for item in model.items) if model is not None else ()


def to_pod_metrics(model: PodMetricsListWire | None) -> tuple[PodMetricsItem, ...]:
    if model is None:
        return ()
    return tuple(
        PodMetricsItem(
            name=item.metadata.name,
            timestamp=item.timestamp,
            window=item.window,
            containers=tuple(ContainerUsage(c.name, _millis(c.usage)) for c in item.containers),
            namespace=item.metadata.namespace,
            labels=item.metadata.labels,
        )
        for item in model.items
    )


def to_custom_values(
    models: dict[str, MetricValueListWire] | None,
) -> dict[str, tuple[CustomMetricValue, ...]]:
    return {
        name: tuple(
            CustomMetricValue(
                kind=item.described_object.kind,
                name=item.described_object.name,
                value=milli_value(parse_quantity(item.value)),
                timestamp=item.timestamp,
                namespace=item.described_object.namespace,
                window=timedelta(seconds=item.window_seconds) if item.window_seconds is not None else None,
            )
            for item in values.items
        )
        for name, values in (models or {}).items()
    }


def to_external_values(
    models: dict[str, ExternalMetricValueListWire] | None,
) -> dict[str, tuple[ExternalMetricValue, ...]]:
    return {
        name: tuple(
            ExternalMetricValue(
                milli_value(parse_quantity(item.value)), item.timestamp, dict(item.metric_labels or {})
            )
            for item in values.items
        )
        for name, values in (models or {}).items()
    }
