"""Scale events and the rate limits of ``behavior`` policies.

* ``period_start``: the replica count at the start of a policy's period,
  ``C - sum(up events younger than the period) + sum(down events younger than the period)``.
* ``scale_up_limit`` / ``scale_down_limit`` (``calculateScaleUpLimitWithScalingRules`` /
  ``calculateScaleDownLimitWithBehaviors``): per policy ``start + value`` /
  ``ceil(start * (1 + value/100))`` upwards, ``start - value`` / ``trunc(start * (1 - value/100))``
  downwards, folded by ``selectPolicy`` (Max picks the largest change, Min the smallest, Disabled
  returns C).
* ``store_scale_event``: after a successful rescale (behaviour path only), mark every event older than
  the direction's longest policy period as outdated, then reuse the last outdated slot or append.

int32 arithmetic and float64 products as in Go. This module knows nothing of metrics or pods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from autoscaler.hpa.behavior.state import HPAState, ScaleEvent
from autoscaler.hpa.go_numeric import MAX_INT32, MIN_INT32, ceil_to_int32, float_to_int32, int32_wrap
from autoscaler.hpa.spec.defaults import DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, default_rules
from autoscaler.hpa.spec.horizontal_pod_autoscaler import Behavior, ScalingRules, SelectPolicy

__all__ = ["period_start", "scale_down_limit", "scale_up_limit", "store_scale_event"]


def _change_in_period(events: Sequence[ScaleEvent], period_seconds: int, now: datetime) -> int:
    cutoff = now - timedelta(seconds=period_seconds)
    total = 0
    for event in events:
        if event.timestamp > cutoff:
            total = int32_wrap(total + event.replica_change)
    return total


def period_start(
    current: int,
    up_events: Sequence[ScaleEvent],
    down_events: Sequence[ScaleEvent],
    period_seconds: int,
    now: datetime,
) -> int:
    added = _change_in_period(up_events, period_seconds, now)
    deleted = _change_in_period(down_events, period_seconds, now)
    return int32_wrap(current - added + deleted)


def scale_up_limit(
    current: int,
    up_events: Sequence[ScaleEvent],
    down_events: Sequence[ScaleEvent],
    rules: ScalingRules,
    now: datetime,
) -> int:
    if rules.select_policy == SelectPolicy.DISABLED:
        return current
    pick_min = rules.select_policy == SelectPolicy.MIN
    result = MAX_INT32 if pick_min else MIN_INT32
    for policy in rules.policies or ():
        start = period_start(current, up_events, down_events, policy.period_seconds, now)
        if policy.type == "Pods":
            proposed = int32_wrap(start + policy.value)
        else:
            proposed = ceil_to_int32(float(start) * (1 + float(policy.value) / 100))
        result = min(result, proposed) if pick_min else max(result, proposed)
    return result


def scale_down_limit(
    current: int,
    up_events: Sequence[ScaleEvent],
    down_events: Sequence[ScaleEvent],
    rules: ScalingRules,
    now: datetime,
) -> int:
    if rules.select_policy == SelectPolicy.DISABLED:
        return current
    pick_min_change = rules.select_policy == SelectPolicy.MIN
    result = MIN_INT32 if pick_min_change else MAX_INT32
    for policy in rules.policies or ():
        start = period_start(current, up_events, down_events, policy.period_seconds, now)
        if policy.type == "Pods":
            proposed = int32_wrap(start - policy.value)
        else:
            proposed = float_to_int32(float(start) * (1 - float(policy.value) / 100))
        result = max(result, proposed) if pick_min_change else min(result, proposed)
    return result


def _longest_period(rules: ScalingRules) -> int:
    return max((policy.period_seconds for policy in rules.policies or ()), default=0)


def _stored(
    events: tuple[ScaleEvent, ...], change: int, longest: int, now: datetime
) -> tuple[ScaleEvent, ...]:
    cutoff = now - timedelta(seconds=longest)
    marked = [replace(event, outdated=True) if event.timestamp < cutoff else event for event in events]
    new_event = ScaleEvent(change, now, outdated=False)
    last_outdated = max((index for index, event in enumerate(marked) if event.outdated), default=None)
    if last_outdated is None:
        marked.append(new_event)
    else:
        marked[last_outdated] = new_event
    return tuple(marked)


def store_scale_event(
    state: HPAState, *, behavior: Behavior | None, previous: int, new: int, now: datetime
) -> HPAState:
    if behavior is None:
        return state
    if new > previous:
        rules = default_rules(behavior.scale_up, DEFAULT_SCALE_UP)
        events = _stored(state.scale_up_events, new - previous, _longest_period(rules), now)
        return replace(state, scale_up_events=events)
    rules = default_rules(behavior.scale_down, DEFAULT_SCALE_DOWN)
    events = _stored(state.scale_down_events, previous - new, _longest_period(rules), now)
    return replace(state, scale_down_events=events)
