"""The HorizontalPodAutoscaler (autoscaling/v2) JSON as ``kubectl get hpa -o json`` prints it.

Pydantic models check shapes and the API's ranges (windows 0..3600 s, policy periods 1..1800 s,
positive policy values and targets, non-empty policy lists, ``minReplicas <= maxReplicas``);
``to_hpa`` then builds the frozen ``spec`` values, converting quantities to milli-units and
tolerances to float64 exactly as the controller does. Unknown metric source types pass through so
that the algorithm reports them as invalid metrics, as the controller would.

This module knows nothing of the algorithm beyond the ``spec`` values it produces.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from autoscaler.hpa.spec import (
    Behavior,
    Condition,
    CrossVersionObjectReference,
    HorizontalPodAutoscaler,
    HPAStatus,
    MetricSourceType,
    MetricSpec,
    MetricTarget,
    ScalingPolicy,
    ScalingRules,
    SelectPolicy,
)
from autoscaler.hpa.wire_common import InputError, QuantityText, WireModel, quantity_milli
from metrics_adapter.kube import (
    LabelSelector,
    LabelSelectorWire,
    SelectorError,
    approximate_float,
    label_selector_from_wire,
)

__all__ = ["HorizontalPodAutoscalerModel", "LabelSelectorModel", "to_hpa", "to_label_selector"]


class ObjectMetaModel(WireModel):
    name: str = ""
    namespace: str = "default"


class CrossVersionObjectReferenceModel(WireModel):
    kind: str
    name: str
    api_version: str | None = None


class LabelSelectorRequirementModel(WireModel):
    key: str
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist"]
    values: list[str] | None = None


class LabelSelectorModel(WireModel):
    match_labels: dict[str, str] | None = None
    match_expressions: list[LabelSelectorRequirementModel] | None = None


class MetricTargetModel(WireModel):
    type: Literal["Utilization", "Value", "AverageValue"]
    value: QuantityText | None = None
    average_value: QuantityText | None = None
    average_utilization: Annotated[int, Field(gt=0)] | None = None


class MetricIdentifierModel(WireModel):
    name: str
    selector: LabelSelectorModel | None = None


class ResourceSourceModel(WireModel):
    name: str
    target: MetricTargetModel


class ContainerResourceSourceModel(WireModel):
    name: str
    container: str
    target: MetricTargetModel


class PodsSourceModel(WireModel):
    metric: MetricIdentifierModel
    target: MetricTargetModel


class ObjectSourceModel(WireModel):
    described_object: CrossVersionObjectReferenceModel
    metric: MetricIdentifierModel
    target: MetricTargetModel


class ExternalSourceModel(WireModel):
    metric: MetricIdentifierModel
    target: MetricTargetModel


class MetricSpecModel(WireModel):
    type: str
    resource: ResourceSourceModel | None = None
    container_resource: ContainerResourceSourceModel | None = None
    pods: PodsSourceModel | None = None
    object: ObjectSourceModel | None = None
    external: ExternalSourceModel | None = None


class ScalingPolicyModel(WireModel):
    type: Literal["Pods", "Percent"]
    value: Annotated[int, Field(gt=0)]
    period_seconds: Annotated[int, Field(ge=1, le=1800)]


class ScalingRulesModel(WireModel):
    stabilization_window_seconds: Annotated[int, Field(ge=0, le=3600)] | None = None
    select_policy: Literal["Max", "Min", "Disabled"] | None = None
    policies: Annotated[list[ScalingPolicyModel], Field(min_length=1)] | None = None
    tolerance: QuantityText | None = None


class BehaviorModel(WireModel):
    scale_up: ScalingRulesModel | None = None
    scale_down: ScalingRulesModel | None = None


class HPASpecModel(WireModel):
    scale_target_ref: CrossVersionObjectReferenceModel
    min_replicas: Annotated[int, Field(ge=0)] | None = None
    max_replicas: Annotated[int, Field(ge=1)]
    metrics: list[MetricSpecModel] | None = None
    behavior: BehaviorModel | None = None


class ConditionModel(WireModel):
    type: str
    status: str
    reason: str = ""
    message: str = ""
    last_transition_time: AwareDatetime | None = None


class HPAStatusModel(WireModel):
    current_replicas: int | None = None
    desired_replicas: int | None = None
    last_scale_time: AwareDatetime | None = None
    conditions: list[ConditionModel] | None = None


class HorizontalPodAutoscalerModel(WireModel):
    metadata: ObjectMetaModel = Field(default_factory=ObjectMetaModel)
    spec: HPASpecModel
    status: HPAStatusModel | None = None


def to_label_selector(model: LabelSelectorModel | None, path: str = "selector") -> LabelSelector | None:
    """``metav1.LabelSelectorAsSelector`` of a metric selector; invalid labels name ``path``."""
    if model is None:
        return None
    try:
        return label_selector_from_wire(LabelSelectorWire.model_validate(model.model_dump()))
    except SelectorError as exc:
        raise InputError(path, str(exc)) from exc


def _target(model: MetricTargetModel) -> MetricTarget:
    return MetricTarget(
        type=model.type,
        value_milli=quantity_milli(model.value) if model.value is not None else None,
        average_value_milli=quantity_milli(model.average_value) if model.average_value is not None else None,
        average_utilization=model.average_utilization,
    )


def _check_positive(target: MetricTarget, path: str) -> None:
    for field_name, value in (("value", target.value_milli), ("averageValue", target.average_value_milli)):
        if value is not None and value <= 0:
            raise InputError(f"{path}.target.{field_name}", "must be positive")


def _metric(model: MetricSpecModel, path: str) -> MetricSpec:
    member_name = {
        "Resource": "resource",
        "ContainerResource": "containerResource",
        "Pods": "pods",
        "Object": "object",
        "External": "external",
    }.get(model.type)
    if member_name is None:
        return MetricSpec(type=model.type, name="", target=None)
    member = {
        "Resource": model.resource,
        "ContainerResource": model.container_resource,
        "Pods": model.pods,
        "Object": model.object,
        "External": model.external,
    }[model.type]
    member_path = f"{path}.{member_name}"
    if member is None:
        raise InputError(member_path, f"must be set for a metric of type {model.type}")
    target = _target(member.target)
    _check_positive(target, member_path)
    if isinstance(member, ResourceSourceModel):
        return MetricSpec(type=MetricSourceType.RESOURCE, name=member.name, target=target)
    if isinstance(member, ContainerResourceSourceModel):
        return MetricSpec(
            type=MetricSourceType.CONTAINER_RESOURCE,
            name=member.name,
            target=target,
            container=member.container,
        )
    selector = to_label_selector(member.metric.selector, f"{member_path}.metric.selector")
    if isinstance(member, PodsSourceModel):
        if target.average_value_milli is None:
            raise InputError(f"{member_path}.target.averageValue", "must be set for a Pods metric")
        return MetricSpec(
            type=MetricSourceType.PODS, name=member.metric.name, target=target, metric_selector=selector
        )
    if isinstance(member, ObjectSourceModel):
        ref = member.described_object
        return MetricSpec(
            type=MetricSourceType.OBJECT,
            name=member.metric.name,
            target=target,
            metric_selector=selector,
            described_object=CrossVersionObjectReference(ref.kind, ref.name, ref.api_version),
        )
    return MetricSpec(
        type=MetricSourceType.EXTERNAL, name=member.metric.name, target=target, metric_selector=selector
    )


def _rules(model: ScalingRulesModel | None, path: str) -> ScalingRules | None:
    if model is None:
        return None
    tolerance = approximate_float(model.tolerance) if model.tolerance is not None else None
    if tolerance is not None and tolerance < 0:
        raise InputError(f"{path}.tolerance", "must be greater than or equal to 0")
    policies = None
    if model.policies is not None:
        policies = tuple(ScalingPolicy(p.type, p.value, p.period_seconds) for p in model.policies)
    return ScalingRules(
        stabilization_window_seconds=model.stabilization_window_seconds,
        select_policy=SelectPolicy(model.select_policy) if model.select_policy is not None else None,
        policies=policies,
        tolerance=tolerance,
    )


def to_hpa(model: HorizontalPodAutoscalerModel, *, path: str = "hpa") -> HorizontalPodAutoscaler:
    spec = model.spec
    if spec.min_replicas is not None and spec.min_replicas > spec.max_replicas:
        raise InputError(f"{path}.spec.minReplicas", "must be less than or equal to maxReplicas")
    metrics = tuple(_metric(m, f"{path}.spec.metrics[{i}]") for i, m in enumerate(spec.metrics or ()))
    behavior = None
    if spec.behavior is not None:
        behavior = Behavior(
            scale_up=_rules(spec.behavior.scale_up, f"{path}.spec.behavior.scaleUp"),
            scale_down=_rules(spec.behavior.scale_down, f"{path}.spec.behavior.scaleDown"),
        )
    status = model.status or HPAStatusModel()
    ref = spec.scale_target_ref
    return HorizontalPodAutoscaler(
        name=model.metadata.name,
        namespace=model.metadata.namespace,
        scale_target_ref=CrossVersionObjectReference(ref.kind, ref.name, ref.api_version),
        max_replicas=spec.max_replicas,
        min_replicas=spec.min_replicas,
        metrics=metrics,
        behavior=behavior,
        status=HPAStatus(
            current_replicas=status.current_replicas,
            desired_replicas=status.desired_replicas,
            last_scale_time=status.last_scale_time,
            conditions=tuple(
                Condition(c.type, c.status, c.reason, c.message, c.last_transition_time)
                for c in status.conditions or ()
            ),
        ),
    )
