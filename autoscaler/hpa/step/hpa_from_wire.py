"""An autoscaling/v2 HorizontalPodAutoscaler object read into the algorithm's frozen ``spec`` values.

``to_hpa`` takes the ``metrics_adapter.kube.autoscaling`` model (shapes and ranges already
checked there), checks what spans fields (``minReplicas <= maxReplicas``, a member for each metric
type, positive targets), takes ``MilliValue()`` of every quantity and ``AsApproximateFloat64()``
of tolerances exactly as the controller does, and reads metric selectors as
``LabelSelectorAsSelector`` does. Unknown metric source types pass through so that the algorithm
reports them as invalid metrics, as the controller would. Every problem is an ``InputError``
naming the field.

This module knows nothing of the algorithm beyond the ``spec`` values it produces.
"""

from __future__ import annotations

from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
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
from autoscaler.hpa.step.errors import InputError
from metrics_adapter.kube import (
    LabelSelector,
    LabelSelectorWire,
    SelectorError,
    approximate_float,
    label_selector_from_wire,
    milli_value,
    parse_quantity,
)
from metrics_adapter.kube.autoscaling import (
    ContainerResourceSourceWire,
    HorizontalPodAutoscalerWire,
    HPAStatusWire,
    MetricSpecWire,
    MetricTargetWire,
    ObjectSourceWire,
    PodsSourceWire,
    ResourceSourceWire,
    ScalingRulesWire,
)

__all__ = ["to_hpa", "to_label_selector"]


def to_label_selector(model: LabelSelectorWire | None, path: str = "selector") -> LabelSelector | None:
    """``metav1.LabelSelectorAsSelector`` of a metric selector; invalid labels name ``path``."""
    try:
        return label_selector_from_wire(model)
    except SelectorError as exc:
        raise InputError(path, str(exc)) from exc


def _target(model: MetricTargetWire) -> MetricTarget:
    return MetricTarget(
        type=model.type,
        value_milli=milli_value(parse_quantity(model.value)) if model.value is not None else None,
        average_value_milli=milli_value(parse_quantity(model.average_value))
        if model.average_value is not None
        else None,
        average_utilization=model.average_utilization,
    )


def _check_positive(target: MetricTarget, path: str) -> None:
    for field_name, value in (("value", target.value_milli), ("averageValue", target.average_value_milli)):
        if value is not None and value <= 0:
            raise InputError(f"{path}.target.{field_name}", "must be positive")


def _metric(model: MetricSpecWire, path: str) -> MetricSpec:
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
    if isinstance(member, ResourceSourceWire):
        return MetricSpec(type=MetricSourceType.RESOURCE, name=member.name, target=target)
    if isinstance(member, ContainerResourceSourceWire):
        return MetricSpec(
            type=MetricSourceType.CONTAINER_RESOURCE,
            name=member.name,
            target=target,
            container=member.container,
        )
    selector = to_label_selector(member.metric.selector, f"{member_path}.metric.selector")
    if isinstance(member, PodsSourceWire):
        if target.average_value_milli is None:
            raise InputError(f"{member_path}.target.averageValue", "must be set for a Pods metric")
        return MetricSpec(
            type=MetricSourceType.PODS, name=member.metric.name, target=target, metric_selector=selector
        )
    if isinstance(member, ObjectSourceWire):
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


def _rules(model: ScalingRulesWire | None, path: str) -> ScalingRules | None:
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


def to_hpa(model: HorizontalPodAutoscalerWire, *, path: str = "hpa") -> HorizontalPodAutoscaler:
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
    status = model.status or HPAStatusWire()
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
