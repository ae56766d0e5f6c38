"""The seam through which metric values reach the HPA algorithm: the ``MetricsReader`` protocol.

Four calls, one per metrics API the controller reads (metrics.k8s.io for resources,
custom.metrics.k8s.io for Pods and Object metrics, external.metrics.k8s.io). Values are integers in
milli-units. A failed fetch raises ``MetricFetchError`` whose message is the text the controller's
metrics client produces (``"unable to fetch metrics from ... API: ..."``, ``"no metrics returned
from ... API"``); the algorithm wraps it the way upstream does.

Implementations are synchronous: an HTTP implementation prefetches, the static one (for ``hpa step``)
reads the JSON input. This module knows nothing of pods, HPAs or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from autoscaler.hpa.spec.horizontal_pod_autoscaler import CrossVersionObjectReference
from metrics_adapter.kube import LabelSelector

__all__ = ["MetricFetchError", "MetricsReader", "PodMetric"]


class MetricFetchError(Exception):
    """A metric could not be fetched; ``str(error)`` is the metrics client's message."""


@dataclass(frozen=True, slots=True)
class PodMetric:
    """One pod's sample: value in milli-units, when it was taken and over which window."""

    value: int
    timestamp: datetime
    window: timedelta


class MetricsReader(Protocol):
    def resource_metrics(
        self, resource: str, *, namespace: str, selector: LabelSelector, container: str | None
    ) -> dict[str, PodMetric]:
        """Per-pod usage of ``resource`` (summed over containers, or one ``container``), by pod name."""
        ...

    def pods_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        selector: LabelSelector,
        metric_selector: LabelSelector | None,
    ) -> dict[str, PodMetric]:
        """Per-pod values of a custom metric describing pods, by pod name."""
        ...

    def object_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        described_object: CrossVersionObjectReference,
        metric_selector: LabelSelector | None,
    ) -> int:
        """The value of a custom metric describing one object."""
        ...

    def external_metric(
        self, metric_name: str, *, namespace: str, metric_selector: LabelSelector | None
    ) -> list[int]:
        """Every value an external metric returns for the selector (the controller sums them)."""
        ...
