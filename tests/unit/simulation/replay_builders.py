"""Replay test builders: HPAs with one Pods or External AverageValue metric; hypothesis strategies."""

from __future__ import annotations

from hypothesis import strategies as st

from autoscaler.hpa import HorizontalPodAutoscaler
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Behavior,
    CrossVersionObjectReference,
    MetricSpec,
    MetricTarget,
    ScalingPolicy,
    ScalingRules,
    SelectPolicy,
)
from autoscaler.simulation import ReplayKind


def make_hpa(
    kind: ReplayKind,
    *,
    target_milli: int = 10_000,
    min_replicas: int | None = 1,
    max_replicas: int = 10,
    behavior: Behavior | None = None,
    name: str = "model",
) -> HorizontalPodAutoscaler:
    source = "External" if kind is ReplayKind.EXTERNAL_AVERAGE else "Pods"
    return HorizontalPodAutoscaler(
        name=name,
        namespace="ml",
        scale_target_ref=CrossVersionObjectReference("Deployment", name),
        min_replicas=min_replicas,
        max_replicas=max_replicas,
        metrics=(
            MetricSpec(
                type=source,
                name="load",
                target=MetricTarget("AverageValue", average_value_milli=target_milli),
            ),
        ),
        behavior=behavior,
    )


policies = st.lists(
    st.builds(
        ScalingPolicy,
        type=st.sampled_from(["Pods", "Percent"]),
        value=st.integers(1, 200),
        period_seconds=st.sampled_from([1, 10, 15, 30, 45, 60, 301]),
    ),
    min_size=1,
    max_size=3,
).map(tuple)

rules = st.builds(
    ScalingRules,
    stabilization_window_seconds=st.none() | st.sampled_from([0, 10, 15, 30, 60, 300]),
    select_policy=st.none() | st.sampled_from(list(SelectPolicy)),
    policies=st.none() | policies,
    tolerance=st.none() | st.sampled_from([0.0, 0.05, 0.2]),
)

behaviors = st.none() | st.builds(Behavior, scale_up=st.none() | rules, scale_down=st.none() | rules)


@st.composite
def replay_cases(draw: st.DrawFn) -> tuple[HorizontalPodAutoscaler, ReplayKind, int, list[float | None]]:
    """(hpa, kind, initial replicas, history in metric units with None for gaps)."""
    kind = draw(st.sampled_from(list(ReplayKind)))
    low = draw(st.integers(1, 4))
    high = draw(st.integers(low, 25))
    hpa = make_hpa(
        kind,
        target_milli=draw(st.integers(1, 50_000)),
        min_replicas=low,
        max_replicas=high,
        behavior=draw(behaviors),
    )
    initial = draw(st.integers(1, 30))
    value = st.none() | st.floats(0, 500, allow_nan=False) | st.sampled_from([0.0, 10.0, 9.999, 11.0])
    history = draw(st.lists(value, min_size=1, max_size=60))
    return hpa, kind, initial, history
