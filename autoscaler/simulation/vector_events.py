"""Scale-event lists of many HPAs at once, slot for slot as the controller keeps them.

The controller never prunes ``scaleUpEvents``/``scaleDownEvents``: storing an event first marks as
outdated (for good) every event older than the direction's longest policy period, then overwrites
the *last* outdated slot, or appends. An outdated up-event may still count in a scale-*down*
policy's period, and which outdated event gets overwritten depends on slot order, so the lists are
reproduced exactly rather than as a sliding window. A list only grows when no event is outdated,
so it never holds more than ``longest / step + 1`` entries: that is the row width.

Also the policy limits (``calculateScaleUpLimitWithScalingRules`` /
``calculateScaleDownLimitWithBehaviors``) over those lists, in the controller's float64/int32
arithmetic. Knows arrays only.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from autoscaler.hpa.go_numeric import MAX_INT32, MIN_INT32
from autoscaler.simulation.replay_spec import IntArray
from autoscaler.simulation.vector_batch import DirectionArrays

__all__ = ["EventLists", "ceil_to_int32", "policy_limit", "trunc_to_int32"]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def _to_int32(values: FloatArray) -> IntArray:
    ok = np.isfinite(values) & (values >= MIN_INT32) & (values <= MAX_INT32)
    return np.where(ok, values, float(MIN_INT32)).astype(np.int64)


def trunc_to_int32(values: FloatArray) -> IntArray:
    """``int32(x)`` on amd64: truncation, ``MinInt32`` for NaN, infinities and out-of-range values."""
    with np.errstate(invalid="ignore"):
        return _to_int32(np.trunc(values))


def ceil_to_int32(values: FloatArray) -> IntArray:
    """``int32(math.Ceil(x))``."""
    with np.errstate(invalid="ignore"):
        return _to_int32(np.ceil(values))


class EventLists:
    """One direction's event lists for ``rows`` HPAs, ``width`` slots each."""

    def __init__(self, rows: int, width: int) -> None:
        self.change = np.zeros((rows, width), dtype=np.int64)
        self.time = np.zeros((rows, width), dtype=np.int64)
        self.used = np.zeros((rows, width), dtype=np.bool_)
        self.outdated = np.zeros((rows, width), dtype=np.bool_)
        self.length = np.zeros(rows, dtype=np.int64)

    def in_period(self, now_us: int, period_us: IntArray) -> IntArray:
        """Per row, the sum of changes of events younger than ``period_us`` (``age < period``)."""
        recent = self.used & (self.time > (now_us - period_us)[:, np.newaxis])
        summed: IntArray = np.where(recent, self.change, 0).sum(axis=1)
        return summed

    def store(self, rows: IntArray, change: IntArray, now_us: int, longest_us: IntArray) -> None:
        """Record ``change`` at ``now_us`` for the HPAs ``rows`` (``storeScaleEvent``)."""
        if rows.size == 0:
            return
        used, times = self.used[rows], self.time[rows]
        outdated = self.outdated[rows] | (used & (times < (now_us - longest_us[rows])[:, np.newaxis]))
        has_outdated = outdated.any(axis=1)
        width = outdated.shape[1]
        last = width - 1 - np.argmax(outdated[:, ::-1], axis=1)
        slot = np.where(has_outdated, last, self.length[rows])
        if np.any(slot >= width):
            raise RuntimeError("scale-event list overflow: the row width bound does not hold")
        self.outdated[rows] = outdated
        self.change[rows, slot] = change
        self.time[rows, slot] = now_us
        self.used[rows, slot] = True
        self.outdated[rows, slot] = False
        self.length[rows] += ~has_outdated


def policy_limit(
    rules: DirectionArrays,
    current: IntArray,
    *,
    up_events: EventLists,
    down_events: EventLists,
    now_us: int,
    up: bool,
) -> IntArray:
    """The scale-up (``up``) or scale-down limit of every row.

    Per policy the period start is ``C - up-events + down-events`` younger than its period; Pods
    policies add/subtract their value, Percent ones multiply by ``1 ± value/100`` (ceil upwards,
    truncation downwards). ``selectPolicy`` Max picks the largest change, Min the smallest, Disabled
    gives ``C``.
    """
    pick_min_value = (rules.select == 1) if up else (rules.select == 0)
    result = np.where(pick_min_value, MAX_INT32, MIN_INT32).astype(np.int64)
    for col in range(rules.policy_slots):
        period = rules.period_us[:, col]
        start = current - up_events.in_period(now_us, period) + down_events.in_period(now_us, period)
        scaled = start.astype(np.float64) * rules.factor[:, col]
        if up:
            proposed = np.where(rules.is_pods[:, col], start + rules.value[:, col], ceil_to_int32(scaled))
        else:
            proposed = np.where(rules.is_pods[:, col], start - rules.value[:, col], trunc_to_int32(scaled))
        folded = np.where(pick_min_value, np.minimum(result, proposed), np.maximum(result, proposed))
        result = np.where(rules.active[:, col], folded, result)
    disabled: IntArray = np.where(rules.select == 2, current, result)
    return disabled
