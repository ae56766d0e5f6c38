"""``PodMetrics`` of metrics.k8s.io/v1beta1 (the resource metrics API) as the HPA reads them.

Each item names its pod, the sample time and ``window`` (a Go duration such as ``"15.035s"``) and
the usage of each container as checked ``QuantityText``. Unknown fields are ignored. This module
knows nothing of the HPA algorithm.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import AwareDatetime, Field, field_validator

from metrics_adapter.kube.autoscaling.fields import QuantityText, parse_go_duration
from metrics_adapter.kube.autoscaling.pods import PodMetaWire
from metrics_adapter.kube.wire import WireModel

__all__ = ["ContainerMetricsWire", "PodMetricsListWire", "PodMetricsWire"]


class ContainerMetricsWire(WireModel):
    name: str
    usage: dict[str, QuantityText] = Field(default_factory=dict)


class PodMetricsWire(WireModel):
    metadata: PodMetaWire
    timestamp: AwareDatetime
    window: timedelta
    containers: list[ContainerMetricsWire] = Field(default_factory=list)

    @field_validator("window", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_go_duration(value) if isinstance(value, str) else value


class PodMetricsListWire(WireModel):
    items: list[PodMetricsWire] = Field(default_factory=list)
