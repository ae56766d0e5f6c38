"""From the metrics' proposal to the count the controller writes: stabilisation, then limits.

* Legacy path (``spec.behavior`` unset, ``normalizeDesiredReplicas``): max-stabilisation over the
  downscale window, then ``[min, min(max, int32(max(2C, 4)))]`` -- the scale-up cap holds per cycle.
* Behaviour path (``normalizeDesiredReplicasWithBehaviors``): both windows, then the policy rate
  limits; ``min``/``max`` are only enforced in the direction of movement.

Each path also yields the AbleToScale reason (ReadyForNewScale / ScaleUpStabilized /
ScaleDownStabilized) and the ScalingLimited reason (DesiredWithinRange, ScaleUpLimit,
TooManyReplicas, ScaleDownLimit, TooFewReplicas) with upstream's messages.

This module knows nothing of metrics or pods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from autoscaler.hpa.behavior.scale_events import scale_down_limit, scale_up_limit
from autoscaler.hpa.behavior.stabilization import stabilize_legacy, stabilize_with_behavior
from autoscaler.hpa.behavior.state import HPAState
from autoscaler.hpa.go_numeric import float_to_int32
from autoscaler.hpa.spec.defaults import DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, default_rules
from autoscaler.hpa.spec.horizontal_pod_autoscaler import Behavior

__all__ = ["Normalization", "normalize_legacy", "normalize_with_behavior"]

READY = ("ReadyForNewScale", "recommended size matches current size")
DOWN_STABILIZED = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
)
UP_STABILIZED = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
)
WITHIN = ("DesiredWithinRange", "the desired count is within the acceptable range")
UP_LIMIT = ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
TOO_MANY = ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
DOWN_LIMIT = ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
TOO_FEW = ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4.0


@dataclass(frozen=True, slots=True)
class Normalization:
    """``rate_limit`` is the scale-up/down limit that applied in the direction of movement, if any."""

    desired: int
    stabilized: int
    path: str  # "legacy" or "behavior"
    able_reason: tuple[str, str]
    limited_reason: tuple[str, str]
    state: HPAState
    rate_limit: int | None = None
    up_window: timedelta | None = None
    down_window: timedelta | None = None


def normalize_legacy(
    state: HPAState,
    *,
    current: int,
    desired: int,
    min_replicas: int,
    max_replicas: int,
    now: datetime,
    window: timedelta,
) -> Normalization:
    stabilized, history = stabilize_legacy(
        state.recommendations or (), desired=desired, now=now, window=window
    )
    able = DOWN_STABILIZED if stabilized != desired else READY
    limit = float_to_int32(max(SCALE_UP_LIMIT_FACTOR * float(current), SCALE_UP_LIMIT_MINIMUM))
    maximum, reason = (limit, UP_LIMIT) if max_replicas > limit else (max_replicas, TOO_MANY)
    if stabilized < min_replicas:
        result, reason = min_replicas, TOO_FEW
    elif stabilized > maximum:
        result = maximum
    else:
        result, reason = stabilized, WITHIN
    return Normalization(
        desired=result,
        stabilized=stabilized,
        path="legacy",
        able_reason=able,
        limited_reason=reason,
        state=HPAState(history, state.scale_up_events, state.scale_down_events),
        rate_limit=limit,
        down_window=window,
    )


def normalize_with_behavior(
    state: HPAState,
    *,
    behavior: Behavior,
    current: int,
    desired: int,
    min_replicas: int,
    max_replicas: int,
    now: datetime,
    default_down_window: timedelta,
) -> Normalization:
    up_rules = default_rules(behavior.scale_up, DEFAULT_SCALE_UP)
    down_rules = default_rules(behavior.scale_down, DEFAULT_SCALE_DOWN)
    up_window = timedelta(seconds=up_rules.stabilization_window_seconds or 0)
    down_seconds = down_rules.stabilization_window_seconds
    down_window = default_down_window if down_seconds is None else timedelta(seconds=down_seconds)
    down_window = timedelta(seconds=int(down_window.total_seconds()))  # int32(window.Seconds())
    stabilized, history = stabilize_with_behavior(
        state.recommendations or (),
        desired=desired,
        current=current,
        now=now,
        up_window=up_window,
        down_window=down_window,
    )
    able = READY if stabilized == desired else (UP_STABILIZED if desired >= current else DOWN_STABILIZED)
    result, reason, rate_limit = stabilized, WITHIN, None
    up_events, down_events = state.scale_up_events, state.scale_down_events
    if stabilized > current:
        rate_limit = max(scale_up_limit(current, up_events, down_events, up_rules, now), current)
        maximum, limited = (rate_limit, UP_LIMIT) if max_replicas > rate_limit else (max_replicas, TOO_MANY)
        if stabilized > maximum:
            result, reason = maximum, limited
    elif stabilized < current:
        rate_limit = min(scale_down_limit(current, up_events, down_events, down_rules, now), current)
        minimum, limited = (rate_limit, DOWN_LIMIT) if min_replicas < rate_limit else (min_replicas, TOO_FEW)
        if stabilized < minimum:
            result, reason = minimum, limited
    return Normalization(
        desired=result,
        stabilized=stabilized,
        path="behavior",
        able_reason=able,
        limited_reason=reason,
        state=HPAState(history, up_events, down_events),
        rate_limit=rate_limit,
        up_window=up_window,
        down_window=down_window,
    )
