"""A ``MetricsReader`` over values held in memory: what ``hpa step`` reads from its JSON input.

It answers the way the metrics APIs and the controller's metrics client would:

* resource metrics: PodMetrics of the namespace whose labels match the selector (items printed
  without labels are kept); a pod's value is the sum over its containers, or one container's usage;
  a pod lacking the resource in any container (or with no containers) has no sample; no items at all
  is ``"no metrics returned from resource metrics API"``;
* Pods metrics: the values describing Pods (window 60 s when ``windowSeconds`` is absent);
* Object metrics: the value describing the named object;
* External metrics: the values whose labels match the metric selector.

``failures`` makes a fetch fail like an unavailable API, per source type and optionally per name.
This module knows nothing of HPAs, normalisation or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from autoscaler.hpa.metrics.reader import MetricFetchError, PodMetric
from autoscaler.hpa.spec.horizontal_pod_autoscaler import CrossVersionObjectReference
from metrics_adapter.kube import LabelSelector

__all__ = [
    "ContainerUsage",
    "CustomMetricValue",
    "ExternalMetricValue",
    "FailingMetric",
    "PodMetricsItem",
    "StaticMetricsReader",
]

DEFAULT_CUSTOM_WINDOW = timedelta(minutes=1)
UNAVAILABLE = "the server is currently unable to handle the request"


@dataclass(frozen=True, slots=True)
class ContainerUsage:
    name: str
    usage: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PodMetricsItem:
    name: str
    timestamp: datetime
    window: timedelta
    containers: tuple[ContainerUsage, ...] = ()
    namespace: str | None = None
    labels: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class CustomMetricValue:
    kind: str
    name: str
    value: int
    timestamp: datetime
    namespace: str | None = None
    window: timedelta | None = None


@dataclass(frozen=True, slots=True)
class ExternalMetricValue:
    value: int
    timestamp: datetime
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FailingMetric:
    """A fetch that fails: ``type`` is a metric source type, ``name`` ``None`` means every metric of it."""

    type: str
    name: str | None = None
    message: str = UNAVAILABLE


def _in_namespace(item_namespace: str | None, namespace: str) -> bool:
    return item_namespace is None or item_namespace == namespace


class StaticMetricsReader:
    def __init__(
        self,
        *,
        pod_metrics: Sequence[PodMetricsItem] = (),
        custom_metrics: Mapping[str, Sequence[CustomMetricValue]] | None = None,
        external_metrics: Mapping[str, Sequence[ExternalMetricValue]] | None = None,
        failures: Sequence[FailingMetric] = (),
    ) -> None:
        self._pod_metrics = tuple(pod_metrics)
        self._custom = dict(custom_metrics or {})
        self._external = dict(external_metrics or {})
        self._failures = tuple(failures)

    def _fail_if_configured(self, source_type: str, name: str, api: str) -> None:
        for failure in self._failures:
            if failure.type == source_type and failure.name in (None, name):
                raise MetricFetchError(f"unable to fetch metrics from {api} API: {failure.message}")

    def resource_metrics(
        self, resource: str, *, namespace: str, selector: LabelSelector, container: str | None
    ) -> dict[str, PodMetric]:
        self._fail_if_configured(
            "Resource" if container is None else "ContainerResource", resource, "resource metrics"
        )
        items = [
            item
            for item in self._pod_metrics
            if _in_namespace(item.namespace, namespace)
            and (item.labels is None or selector.matches(item.labels))
        ]
        if not items:
            raise MetricFetchError("no metrics returned from resource metrics API")
        samples: dict[str, PodMetric] = {}
        for item in items:
            value = self._pod_value(item, resource, container)
            if value is not None:
                samples[item.name] = PodMetric(value, item.timestamp, item.window)
        return samples

    @staticmethod
    def _pod_value(item: PodMetricsItem, resource: str, container: str | None) -> int | None:
        if container is not None:
            match = next((c for c in item.containers if c.name == container), None)
            return None if match is None else match.usage.get(resource)
        if not item.containers or any(resource not in c.usage for c in item.containers):
            return None
        return sum(c.usage[resource] for c in item.containers)

    def pods_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        selector: LabelSelector,
        metric_selector: LabelSelector | None,
    ) -> dict[str, PodMetric]:
        self._fail_if_configured("Pods", metric_name, "custom metrics")
        items = [
            value
            for value in self._custom.get(metric_name, ())
            if value.kind == "Pod" and _in_namespace(value.namespace, namespace)
        ]
        if not items:
            raise MetricFetchError("no metrics returned from custom metrics API")
        return {
            value.name: PodMetric(value.value, value.timestamp, value.window or DEFAULT_CUSTOM_WINDOW)
            for value in items
        }

    def object_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        described_object: CrossVersionObjectReference,
        metric_selector: LabelSelector | None,
    ) -> int:
        self._fail_if_configured("Object", metric_name, "custom metrics")
        for value in self._custom.get(metric_name, ()):
            if (
                value.kind == described_object.kind
                and value.name == described_object.name
                and _in_namespace(value.namespace, namespace)
            ):
                return value.value
        raise MetricFetchError(
            "unable to fetch metrics from custom metrics API: the server could not find the metric "
            f"{metric_name} for {described_object.kind} {described_object.name}"
        )

    def external_metric(
        self, metric_name: str, *, namespace: str, metric_selector: LabelSelector | None
    ) -> list[int]:
        self._fail_if_configured("External", metric_name, "external metrics")
        values = [
            value.value
            for value in self._external.get(metric_name, ())
            if metric_selector is None or metric_selector.matches(value.labels)
        ]
        if not values:
            raise MetricFetchError("no metrics returned from external metrics API")
        return values
