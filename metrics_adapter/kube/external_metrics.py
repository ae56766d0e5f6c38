"""``ExternalMetricValueList`` documents of external.metrics.k8s.io/v1beta1.

Shape (kubernetes/metrics ``external_metrics/v1beta1/types.go``)::

    {"kind": "ExternalMetricValueList", "apiVersion": "external.metrics.k8s.io/v1beta1",
     "metadata": {},
     "items": [{"metricName": "queue_depth", "metricLabels": {"queue": "orders"},
                "timestamp": "2026-05-01T10:00:00Z", "window": 60, "value": "12k"}]}

``metricLabels`` is always written (``{}`` when the series has no labels); ``window`` is
omitted when absent. The HPA sums the values of all items.

The pydantic models define, validate and read the shape; :func:`external_metrics_document` is the
one writer (plain dicts, as for ``MetricValueList``). Knows nothing of PromQL or HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field

from metrics_adapter.kube.quantity import format_quantity
from metrics_adapter.kube.timestamps import format_time
from metrics_adapter.kube.values import ExternalMetricValue
from metrics_adapter.kube.wire import ListMeta, MetricItem, WireModel

__all__ = ["ExternalMetricValueList", "ExternalMetricValueWire", "external_metrics_document"]


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


def external_metrics_document(values: Iterable[ExternalMetricValue]) -> dict[str, Any]:
    """The ``ExternalMetricValueList`` of ``values``, in order, as a JSON-ready dict (model field order)."""
    items: list[dict[str, Any]] = []
    for value in values:
        item: dict[str, Any] = {
            "metricName": value.metric_name,
            "metricLabels": dict(value.metric_labels),
            "timestamp": format_time(value.timestamp),
        }
        if value.window_seconds is not None:
            item["window"] = value.window_seconds
        item["value"] = format_quantity(value.value)
        items.append(item)
    return {
        "kind": "ExternalMetricValueList",
        "apiVersion": "external.metrics.k8s.io/v1beta1",
        "metadata": {},
        "items": items,
    }
