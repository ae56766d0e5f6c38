"""Internal metric values, independent of the API version that will carry them.

``MetricValue`` is one custom-metrics value for one Kubernetes object; ``ExternalMetricValue``
is one external-metrics value for one series. Both are frozen and validated on construction:
the value is a finite Decimal (NaN and infinities never reach the wire: a missing value is
no item at all, decided upstream), the timestamp is timezone-aware, the window is a
non-negative whole number of seconds or ``None`` (a gauge). The serialisers in
``custom_metrics`` and ``external_metrics`` turn them into documents. No pydantic, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from metrics_adapter.kube.selector import LabelSelector

__all__ = ["ExternalMetricValue", "MetricValue", "ObjectReference"]


@dataclass(frozen=True, slots=True)
class ObjectReference:
    """The object a metric describes: ``kind``, ``name``, ``namespace`` (None when cluster-scoped)
    and ``api_version`` (``v1``, ``apps/v1``; never Go's odd ``/v1``)."""

    kind: str
    name: str
    api_version: str
    namespace: str | None = None

    def __post_init__(self) -> None:
        if not self.kind or not self.name or not self.api_version:
            raise ValueError("an object reference needs a kind, a name and an apiVersion")
        if self.namespace == "":
            raise ValueError("namespace must be None for cluster-scoped objects, not ''")


def _check_common(value: Decimal, timestamp: datetime, window_seconds: int | None) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"metric value must be a finite Decimal, got {value!r}")
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("metric timestamp must be timezone-aware")
    if window_seconds is not None and (isinstance(window_seconds, bool) or window_seconds < 0):
        raise ValueError(f"window must be a non-negative number of seconds, got {window_seconds!r}")


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One custom metric value for ``described`` at ``timestamp``.

    ``window_seconds`` is the rate window ``[timestamp - window, timestamp]`` for values derived
    from counters, ``None`` for gauges. ``selector`` is the metric label selector the value was
    fetched with (echoed on the wire; the HPA ignores it).
    """

    described: ObjectReference
    metric_name: str
    timestamp: datetime
    value: Decimal
    window_seconds: int | None = None
    selector: LabelSelector | None = None

    def __post_init__(self) -> None:
        if not self.metric_name:
            raise ValueError("metric name must not be empty")
        _check_common(self.value, self.timestamp, self.window_seconds)


@dataclass(frozen=True, slots=True)
class ExternalMetricValue:
    """One external metric value: the series' labels, its timestamp, the value and window."""

    metric_name: str
    timestamp: datetime
    value: Decimal
    metric_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    window_seconds: int | None = None

    def __post_init__(self) -> None:
        if not self.metric_name:
            raise ValueError("metric name must not be empty")
        _check_common(self.value, self.timestamp, self.window_seconds)
        object.__setattr__(self, "metric_labels", MappingProxyType(dict(sorted(self.metric_labels.items()))))
