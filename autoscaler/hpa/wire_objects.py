"""The other Kubernetes objects of an ``hpa step`` input, as ``kubectl get -o json`` prints them.

* ``ScaleModel`` -- the scale subresource (``spec.replicas`` is omitted by the API when 0);
* ``PodListModel`` -- pods (v1): phase, start time, Ready condition, deletion timestamp, container
  and restartable-init-container requests, pod-level requests;
* ``PodMetricsListModel`` -- metrics.k8s.io/v1beta1 PodMetrics (``window`` is a Go duration);
* ``MetricValueListModel`` -- custom.metrics.k8s.io v1beta2 (or v1beta1) values;
* ``ExternalMetricValueListModel`` -- external.metrics.k8s.io/v1beta1 values.

Each ``to_*`` function returns the frozen values the algorithm and the static reader use.
This module knows nothing of the algorithm itself.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import AwareDatetime, Field, field_validator

from autoscaler.hpa.objects import ContainerSpec, Pod, PodCondition, Scale
from autoscaler.hpa.static_reader import (
    ContainerUsage,
    CustomMetricValue,
    ExternalMetricValue,
    PodMetricsItem,
)
from autoscaler.hpa.wire_common import QuantityText, WireModel, parse_go_duration, quantity_milli

__all__ = [
    "ExternalMetricValueListModel",
    "MetricValueListModel",
    "PodListModel",
    "PodMetricsListModel",
    "ScaleModel",
    "to_custom_values",
    "to_external_values",
    "to_pod_metrics",
    "to_pods",
    "to_scale",
]


class MetaModel(WireModel):
    name: str
    namespace: str | None = None
    labels: dict[str, str] | None = None
    deletion_timestamp: AwareDatetime | None = None


class ScaleSpecModel(WireModel):
    replicas: int = 0


class ScaleStatusModel(WireModel):
    replicas: int = 0
    selector: str | None = None


class ScaleModel(WireModel):
    spec: ScaleSpecModel = Field(default_factory=ScaleSpecModel)
    status: ScaleStatusModel = Field(default_factory=ScaleStatusModel)


class ResourcesModel(WireModel):
    requests: dict[str, QuantityText] | None = None


class ContainerModel(WireModel):
    name: str
    resources: ResourcesModel | None = None
    restart_policy: str | None = None


class PodSpecModel(WireModel):
    containers: list[ContainerModel] = Field(default_factory=list)
    init_containers: list[ContainerModel] | None = None
    resources: ResourcesModel | None = None


class PodConditionModel(WireModel):
    type: str
    status: str
    last_transition_time: AwareDatetime | None = None


class PodStatusModel(WireModel):
    phase: str | None = None
    start_time: AwareDatetime | None = None
    conditions: list[PodConditionModel] | None = None


class PodModel(WireModel):
    metadata: MetaModel
    spec: PodSpecModel = Field(default_factory=PodSpecModel)
    status: PodStatusModel = Field(default_factory=PodStatusModel)


class PodListModel(WireModel):
    items: list[PodModel] = Field(default_factory=list)


class ContainerMetricsModel(WireModel):
    name: str
    usage: dict[str, QuantityText] = Field(default_factory=dict)


class PodMetricsModel(WireModel):
    metadata: MetaModel
    timestamp: AwareDatetime
    window: timedelta
    containers: list[ContainerMetricsModel] = Field(default_factory=list)

    @field_validator("window", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_go_duration(value) if isinstance(value, str) else value


class PodMetricsListModel(WireModel):
    items: list[PodMetricsModel] = Field(default_factory=list)


class DescribedObjectModel(WireModel):
    kind: str
    name: str
    namespace: str | None = None


class MetricValueModel(WireModel):
    described_object: DescribedObjectModel
    timestamp: AwareDatetime
    window_seconds: int | None = None
    value: QuantityText


class MetricValueListModel(WireModel):
    items: list[MetricValueModel] = Field(default_factory=list)


class ExternalMetricValueModel(WireModel):
    metric_labels: dict[str, str] | None = None
    timestamp: AwareDatetime
    value: QuantityText


class ExternalMetricValueListModel(WireModel):
    items: list[ExternalMetricValueModel] = Field(default_factory=list)


def to_scale(model: ScaleModel) -> Scale:
    return Scale(model.spec.replicas, model.status.replicas, model.status.selector)


def _millis(requests: dict[str, str] | None) -> dict[str, int]:
    return {name: quantity_milli(text) for name, text in (requests or {}).items()}


def _container(model: ContainerModel) -> ContainerSpec:
    requests = model.resources.requests if model.resources is not None else None
    return ContainerSpec(model.name, _millis(requests), model.restart_policy)


def _pod(model: PodModel) -> Pod:
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


def to_pods(model: PodListModel | None) -> tuple[Pod, ...]:
    return tuple(_pod(item) for item in model.items) if model is not None else ()


def to_pod_metrics(model: PodMetricsListModel | None) -> tuple[PodMetricsItem, ...]:
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
    models: dict[str, MetricValueListModel] | None,
) -> dict[str, tuple[CustomMetricValue, ...]]:
    return {
        name: tuple(
            CustomMetricValue(
                kind=item.described_object.kind,
                name=item.described_object.name,
                value=quantity_milli(item.value),
                timestamp=item.timestamp,
                namespace=item.described_object.namespace,
                window=timedelta(seconds=item.window_seconds) if item.window_seconds is not None else None,
            )
            for item in values.items
        )
        for name, values in (models or {}).items()
    }


def to_external_values(
    models: dict[str, ExternalMetricValueListModel] | None,
) -> dict[str, tuple[ExternalMetricValue, ...]]:
    return {
        name: tuple(
            ExternalMetricValue(quantity_milli(item.value), item.timestamp, dict(item.metric_labels or {}))
            for item in values.items
        )
        for name, values in (models or {}).items()
    }
