"""API defaulting of autoscaling/v2, applied the way the API server stores an HPA.

* no metrics -> one CPU Resource metric with a Utilization target of 80;
* behavior is defaulted **only when set**: per direction every unset field is filled in --
  scaleUp: window 0, selectPolicy Max, policies ``[Pods 4/15s, Percent 100/15s]``;
  scaleDown: window left unset (the controller uses its flag), selectPolicy Max,
  policies ``[Percent 100/15s]``. Tolerances stay unset (the controller flag applies).

``apply_api_defaults`` is idempotent. This module knows nothing of pods or metric values.
"""

from __future__ import annotations

from dataclasses import replace

from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Behavior,
    HorizontalPodAutoscaler,
    MetricSourceType,
    MetricSpec,
    MetricTarget,
    ScalingPolicy,
    ScalingRules,
    SelectPolicy,
)

__all__ = ["DEFAULT_SCALE_DOWN", "DEFAULT_SCALE_UP", "apply_api_defaults", "default_rules"]

DEFAULT_SCALE_UP = ScalingRules(
    stabilization_window_seconds=0,
    select_policy=SelectPolicy.MAX,
    policies=(ScalingPolicy("Pods", 4, 15), ScalingPolicy("Percent", 100, 15)),
)
DEFAULT_SCALE_DOWN = ScalingRules(
    stabilization_window_seconds=None,
    select_policy=SelectPolicy.MAX,
    policies=(ScalingPolicy("Percent", 100, 15),),
)
DEFAULT_METRIC = MetricSpec(
    type=MetricSourceType.RESOURCE,
    name="cpu",
    target=MetricTarget(type="Utilization", average_utilization=80),
)


def default_rules(rules: ScalingRules | None, defaults: ScalingRules) -> ScalingRules:
    """Fill every unset field of ``rules`` from ``defaults``."""
    if rules is None:
        return defaults
    return ScalingRules(
        stabilization_window_seconds=(
            rules.stabilization_window_seconds
            if rules.stabilization_window_seconds is not None
            else defaults.stabilization_window_seconds
        ),
        select_policy=rules.select_policy if rules.select_policy is not None else defaults.select_policy,
        policies=rules.policies if rules.policies is not None else defaults.policies,
        tolerance=rules.tolerance,
    )


def apply_api_defaults(hpa: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    metrics = hpa.metrics or (DEFAULT_METRIC,)
    behavior = hpa.behavior
    if behavior is not None:
        behavior = Behavior(
            scale_up=default_rules(behavior.scale_up, DEFAULT_SCALE_UP),
            scale_down=default_rules(behavior.scale_down, DEFAULT_SCALE_DOWN),
        )
    return replace(hpa, metrics=metrics, behavior=behavior)
