"""The autoscaling/v2 ``HorizontalPodAutoscaler`` as ``kubectl get hpa -o json`` prints it.

Pydantic models of the object's shape and of the API's ranges (windows 0..3600 s, policy periods
1..1800 s, positive policy values and utilization targets, non-empty policy lists). Metric
identifiers and their ``metav1.LabelSelector`` are the ones of the custom metrics API
(``MetricIdentifier``, ``LabelSelectorWire``); quantities are checked ``QuantityText``. Unknown metric
source types are kept (``type`` is any string) so that a reader can report them as the controller
does. Unknown fields are ignored. This module knows nothing of the HPA algorithm.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from metrics_adapter.kube.autoscaling.fields import QuantityText
from metrics_adapter.kube.custom_metrics import MetricIdentifier
from metrics_adapter.kube.wire import WireModel

__all__ = [
    "BehaviorWire",
    "ConditionWire",
    "ContainerResourceSourceWire",
    "CrossVersionObjectReferenceWire",
    "ExternalSourceWire",
    "HPASpecWire",
    "HPAStatusWire",
    "HorizontalPodAutoscalerWire",
    "MetricSpecWire",
    "MetricTargetWire",
    "ObjectMetaWire",
    "ObjectSourceWire",
    "PodsSourceWire",
    "ResourceSourceWire",
    "ScalingPolicyWire",
    "ScalingRulesWire",
]


class ObjectMetaWire(WireModel):
    name: str = ""
    namespace: str = "default"


class CrossVersionObjectReferenceWire(WireModel):
    kind: str
    name: str
    api_version: str | None = None


class MetricTargetWire(WireModel):
    type: Literal["Utilization", "Value", "AverageValue"]
    value: QuantityText | None = None
    average_value: QuantityText | None = None
    average_utilization: Annotated[int, Field(gt=0)] | None = None


class ResourceSourceWire(WireModel):
    name: str
    target: MetricTargetWire


class ContainerResourceSourceWire(WireModel):
    name: str
    container: str
    target: MetricTargetWire


class PodsSourceWire(WireModel):
    metric: MetricIdentifier
    target: MetricTargetWire


class ObjectSourceWire(WireModel):
    described_object: CrossVersionObjectReferenceWire
    metric: MetricIdentifier
    target: MetricTargetWire


class ExternalSourceWire(WireModel):
    metric: MetricIdentifier
    target: MetricTargetWire


class MetricSpecWire(WireModel):
    type: str
    resource: ResourceSourceWire | None = None
    container_resource: ContainerResourceSourceWire | None = None
    pods: PodsSourceWire | None = None
    object: ObjectSourceWire | None = None
    external: ExternalSourceWire | None = None


class ScalingPolicyWire(WireModel):
    type: Literal["Pods", "Percent"]
    value: Annotated[int, Field(gt=0)]
    period_seconds: Annotated[int, Field(ge=1, le=1800)]


class ScalingRulesWire(WireModel):
    stabilization_window_seconds: Annotated[int, Field(ge=0, le=3600)] | None = None
    select_policy: Literal["Max", "Min", "Disabled"] | None = None
    policies: Annotated[list[ScalingPolicyWire], Field(min_length=1)] | None = None
    tolerance: QuantityText | None = None


class BehaviorWire(WireModel):
    scale_up: ScalingRulesWire | None = None
    scale_down: ScalingRulesWire | None = None


class HPASpecWire(WireModel):
    scale_target_ref: CrossVersionObjectReferenceWire
    min_replicas: Annotated[int, Field(ge=0)] | None = None
    max_replicas: Annotated[int, Field(ge=1)]
    metrics: list[MetricSpecWire] | None = None
    behavior: BehaviorWire | None = None


class ConditionWire(WireModel):
    type: str
    status: str
    reason: str = ""
    message: str = ""
    last_transition_time: AwareDatetime | None = None


class HPAStatusWire(WireModel):
    current_replicas: int | None = None
    desired_replicas: int | None = None
    last_scale_time: AwareDatetime | None = None
    conditions: list[ConditionWire] | None = None


class HorizontalPodAutoscalerWire(WireModel):
    metadata: ObjectMetaWire = Field(default_factory=ObjectMetaWire)
    spec: HPASpecWire
    status: HPAStatusWire | None = None
