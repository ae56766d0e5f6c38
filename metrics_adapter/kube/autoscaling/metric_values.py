"""Custom and external metric value lists as the HPA controller reads them.

The metrics client of the controller decodes ``MetricValueList`` (custom.metrics.k8s.io, v1beta2
or v1beta1) and ``ExternalMetricValueList`` (external.metrics.k8s.io/v1beta1) and keeps, per item,
the described object (custom), the metric labels (external), the timestamp, the window and the
value. These are those reading shapes: lenient about everything else, where ``custom_metrics`` and
``external_metrics`` are the complete documents a server writes. This module knows nothing of the
HPA algorithm.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from metrics_adapter.kube.autoscaling.fields import QuantityText
from metrics_adapter.kube.wire import WireModel

__all__ = [
    "DescribedObjectWire",
    "ExternalMetricValueItemWire",
    "ExternalMetricValueListWire",
    "MetricValueItemWire",
    "MetricValueListWire",
]


class DescribedObjectWire(WireModel):
    kind: str
    name: str
    namespace: str | None = None


class MetricValueItemWire(WireModel):
    described_object: DescribedObjectWire
    timestamp: AwareDatetime
    window_seconds: int | None = None
    value: QuantityText


class MetricValueListWire(WireModel):
    items: list[MetricValueItemWire] = Field(default_factory=list)


class ExternalMetricValueItemWire(WireModel):
    metric_labels: dict[str, str] | None = None
    timestamp: AwareDatetime
    value: QuantityText


class ExternalMetricValueListWire(WireModel):
    items: list[ExternalMetricValueItemWire] = Field(default_factory=list)
