"""The HorizontalPodAutoscaler (autoscaling/v2) as the algorithm sees it: frozen values, no JSON.

Quantities are already integers in milli-units (``Quantity.MilliValue()``) and tolerances already
float64 (``AsApproximateFloat64()``), as the controller reads them. ``None`` means the field was not
set, which matters: an unset ``minReplicas`` is 1, an unset ``behavior`` selects the legacy
normalisation, an unset scale-down window takes the controller flag (see ``defaults``).

This module knows nothing of pods, metric values or pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from metrics_adapter.kube import LabelSelector

__all__ = [
    "Behavior",
    "Condition",
    "CrossVersionObjectReference",
    "HPAStatus",
    "HorizontalPodAutoscaler",
    "MetricSourceType",
    "MetricSpec",
    "MetricTarget",
    "ScalingPolicy",
    "ScalingRules",
    "SelectPolicy",
]


class MetricSourceType(StrEnum):
    RESOURCE = "Resource"
    CONTAINER_RESOURCE = "ContainerResource"
    PODS = "Pods"
    OBJECT = "Object"
    EXTERNAL = "External"


class SelectPolicy(StrEnum):
    MAX = "Max"
    MIN = "Min"
    DISABLED = "Disabled"


@dataclass(frozen=True, slots=True)
class CrossVersionObjectReference:
    kind: str
    name: str
    api_version: str | None = None


@dataclass(frozen=True, slots=True)
class MetricTarget:
    """``type`` is Utilization, Value or AverageValue; the controller reads the fields, not the type."""

    type: str
    value_milli: int | None = None
    average_value_milli: int | None = None
    average_utilization: int | None = None


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One entry of ``spec.metrics``, flattened over the five source types.

    ``name`` is the resource name for Resource/ContainerResource and the metric name otherwise.
    ``type`` is kept as the raw string so that an unknown source type reaches the controller's
    ``InvalidMetricSourceType`` branch.
    """

    type: str
    name: str
    target: MetricTarget | None
    container: str | None = None
    metric_selector: LabelSelector | None = None
    described_object: CrossVersionObjectReference | None = None


@dataclass(frozen=True, slots=True)
class ScalingPolicy:
    type: str  # "Pods" or "Percent"
    value: int
    period_seconds: int


@dataclass(frozen=True, slots=True)
class ScalingRules:
    stabilization_window_seconds: int | None = None
    select_policy: SelectPolicy | None = None
    policies: tuple[ScalingPolicy, ...] | None = None
    tolerance: float | None = None


@dataclass(frozen=True, slots=True)
class Behavior:
    scale_up: ScalingRules | None = None
    scale_down: ScalingRules | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    type: str
    status: str  # "True", "False" or "Unknown"
    reason: str = ""
    message: str = ""
    last_transition_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class HPAStatus:
    current_replicas: int | None = None
    desired_replicas: int | None = None
    last_scale_time: datetime | None = None
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class HorizontalPodAutoscaler:
    name: str
    namespace: str
    scale_target_ref: CrossVersionObjectReference
    max_replicas: int
    min_replicas: int | None = None
    metrics: tuple[MetricSpec, ...] = ()
    behavior: Behavior | None = None
    status: HPAStatus = field(default_factory=HPAStatus)
