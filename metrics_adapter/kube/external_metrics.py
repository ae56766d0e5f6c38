"""``ExternalMetricValueList`` documents of external.metrics.k8s.io/v1beta1.

Shape (kubernetes/metrics ``external_metrics/v1beta1/types.go``)::

    {"kind": "ExternalMetricValueList", "apiVersion": "external.metrics.k8s.io/v1beta1",
     "metadata": {},
     "items": [{"metricName": "queue_depth", "metricLabels": {"queue": "orders"},
                "timestamp": "2026-05-01T10:00:00Z", "window": 60, "value": "12k"}]}

``metricLabels`` is always written (``{}`` when the series has no labels); ``window`` is
omitted when absent. The HPA sums the values of all items. Knows nothing of PromQL or HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from metrics_adapter.kube.quantity import format_quantity
from metrics_adapter.kube.timestamps import format_time
from metrics_adapter.kube.values import ExternalMetricValue
from metrics_adapter.kube.wire import ListMeta, MetricItem, WireModel

__all__ = ["ExternalMetricValueList", "ExternalMetricValueWire", "to_external"]


class ExternalMetricValueWire(MetricItem):
    metric_name: str
    metric_labels: dict[str, str] = Field(default_factory=dict)
    timestamp: str
    window: int | None = None
    value: str


class ExternalMetricValueList(WireModel):
    kind: Literal["ExternalMetricValueList"] = "ExternalMetricValueList"
    api_version: Literal["external.metrics.k8s.io/v1beta1"] = "external.metrics.k8s.io/v1beta1"
    metadata: ListMeta = Field(default_factory=ListMeta)
    items: list[ExternalMetricValueWire] = Field(default_factory=list)


def to_external(values: Iterable[ExternalMetricValue]) -> ExternalMetricValueList:
    """The external.metrics.k8s.io/v1beta1 ``ExternalMetricValueList`` of ``values``, in order."""
    return ExternalMetricValueList(
        items=[
            ExternalMetricValueWire(
                metric_name=value.metric_name,
                metric_labels=dict(value.metric_labels),
                timestamp=format_time(value.timestamp),
                window=value.window_seconds,
                value=format_quantity(value.value),
            )
            for value in values
        ]
    )
