"""The vectorised replay: many HPAs at once, one numpy step per sync period, same decisions as ``reconcile``.

Time runs in a Python loop (each cycle needs the count the previous one wrote); HPAs are the vector
axis. Each step reproduces, for the replay assumption of ``replay_spec``:

1. the seed ``[C, start]`` of the recommendation history (first step) and the pre-metric branches
   (``C > max`` -> max, ``C < min`` -> min, without metrics or normalisation);
2. the proposal: Pods ``ratio = v / A`` (``v`` the per-pod milli-value; the average of ``C`` equal
   values is ``v``), ``C`` inside the tolerance band, else ``ceil(ratio * C)``; External AverageValue
   ``ratio = U / (A * C)``, ``C`` inside the band, else ``ceil(U / A)`` capped at 2^31-1. A missing
   sample aborts the cycle: no recommendation, no change;
3. the legacy normalisation (max over recommendations not older than the window, then
   ``[min, min(max, int32(max(2C, 4)))]``) or the behaviour path (windows, policy rate limits over
   the exact scale-event lists of ``vector_events``, min/max in the direction of movement);
4. the rescale and its scale event.

Recommendations live in a ring of per-step slots: a slot holds the largest and smallest value stored
at that instant (the seed shares the first instant). Only recommendations older than every window
are ever overwritten by the controller, so a sliding window over all stored values is exact.
Floating-point operations are the controller's, in the same order, in IEEE double precision.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from autoscaler.hpa.go_numeric import MAX_INT32
from autoscaler.simulation.replay_spec import MISSING, IntArray
from autoscaler.simulation.vector_batch import VectorBatch, microseconds
from autoscaler.simulation.vector_events import EventLists, ceil_to_int32, policy_limit, trunc_to_int32

__all__ = ["VectorReplay"]

_LOW = np.int64(-(2**62))
_HIGH = np.int64(2**62)


def _lags_within(window_us: IntArray, step_us: int, *, inclusive: bool) -> IntArray:
    """Per row, the largest lag (in steps) a window includes (age <= or < window)."""
    if inclusive:
        return window_us // step_us
    lags: IntArray = (window_us - 1) // step_us
    return np.maximum(lags, -1)


class VectorReplay:
    """The state of a batch of HPAs between calls to ``run`` (so histories can come in chunks)."""

    def __init__(self, batch: VectorBatch, *, step: timedelta, initial_replicas: IntArray) -> None:
        self.batch = batch
        self.step_us = microseconds(step)
        if self.step_us <= 0:
            raise ValueError("the replay step must be positive")
        self.current = np.asarray(initial_replicas, dtype=np.int64).copy()
        if self.current.shape != (batch.size,):
            raise ValueError("one initial replica count per HPA is needed")
        if np.any(self.current < 1):
            raise ValueError("initial replicas must be at least 1")
        self.steps_done = 0
        self._build_windows()
        self.up_events = EventLists(batch.size, self._width(batch.up.longest_us))
        self.down_events = EventLists(batch.size, self._width(batch.down.longest_us))

    def _width(self, longest_us: IntArray) -> int:
        return int(longest_us.max(initial=0) // self.step_us) + 2

    def _build_windows(self) -> None:
        b = self.batch
        max_lag = np.where(
            b.legacy,
            _lags_within(b.legacy_window_us, self.step_us, inclusive=True),
            _lags_within(b.down.window_us, self.step_us, inclusive=False),
        )
        min_lag = np.where(b.legacy, -1, _lags_within(b.up.window_us, self.step_us, inclusive=False))
        self.slots = int(max(max_lag.max(initial=0), min_lag.max(initial=0))) + 1
        lags = np.arange(self.slots)
        by_lag_max = lags[np.newaxis, :] <= max_lag[:, np.newaxis]
        by_lag_min = lags[np.newaxis, :] <= min_lag[:, np.newaxis]
        # For each residue r = k mod slots, slot j holds lag (r - j) mod slots.
        order = (np.arange(self.slots)[:, np.newaxis] - lags[np.newaxis, :]) % self.slots
        self._max_masks = [by_lag_max[:, order[r]] for r in range(self.slots)]
        self._min_masks = [by_lag_min[:, order[r]] for r in range(self.slots)]
        self.rec_max = np.full((b.size, self.slots), _LOW, dtype=np.int64)
        self.rec_min = np.full((b.size, self.slots), _HIGH, dtype=np.int64)

    def run(self, values_milli: IntArray) -> IntArray:
        """Replay ``values_milli`` (shape ``[steps, hpas]``); replicas written after each cycle."""
        values = np.asarray(values_milli, dtype=np.int64)
        if values.ndim != 2 or values.shape[1] != self.batch.size:
            raise ValueError(f"values must have shape [steps, {self.batch.size}]")
        out = np.empty(values.shape, dtype=np.int64)
        for row in range(values.shape[0]):
            out[row] = self._step(values[row])
        return out

    def _proposal(self, value: IntArray, current: IntArray) -> IntArray:
        b = self.batch
        current_f = current.astype(np.float64)
        target_f = b.target_milli.astype(np.float64)
        per_pod = np.where(b.kind == 0, value // np.maximum(current, 1), value)
        external = b.kind == 2
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                external,
                value.astype(np.float64) / (target_f * current_f),
                per_pod.astype(np.float64) / target_f,
            )
            pods_proposal = ceil_to_int32(ratio * current_f)
            external_ceil = np.ceil(value.astype(np.float64) / target_f)
        external_proposal = np.where(external_ceil > MAX_INT32, MAX_INT32, ceil_to_int32(external_ceil))
        within = (b.band_low <= ratio) & (ratio <= b.band_high)
        return np.where(within, current, np.where(external, external_proposal, pods_proposal))

    def _step(self, value: IntArray) -> IntArray:
        b = self.batch
        k = self.steps_done
        now_us = k * self.step_us
        current = self.current
        slot = k % self.slots
        if k == 0:
            self.rec_max[:, slot] = current
            self.rec_min[:, slot] = current
        else:
            self.rec_max[:, slot] = _LOW
            self.rec_min[:, slot] = _HIGH
        above = current > b.max_replicas
        below = current < b.min_replicas
        active = ~above & ~below & (value != MISSING)
        desired = self._proposal(value, current)

        window_max = np.where(self._max_masks[slot], self.rec_max, _LOW).max(axis=1)
        legacy_best = np.maximum(desired, window_max)
        limit = trunc_to_int32(np.maximum(2.0 * current.astype(np.float64), 4.0))
        legacy_max = np.where(b.max_replicas > limit, limit, b.max_replicas)
        legacy = np.where(
            legacy_best < b.min_replicas,
            b.min_replicas,
            np.where(legacy_best > legacy_max, legacy_max, legacy_best),
        )
        behavior = self._behavior(desired, current, window_max, slot, now_us, active & ~b.legacy)
        normalised = np.where(b.legacy, legacy, behavior)

        self.rec_max[:, slot] = np.where(
            active, np.maximum(self.rec_max[:, slot], desired), self.rec_max[:, slot]
        )
        self.rec_min[:, slot] = np.where(
            active, np.minimum(self.rec_min[:, slot], desired), self.rec_min[:, slot]
        )
        written = np.where(
            above, b.max_replicas, np.where(below, b.min_replicas, np.where(active, normalised, current))
        )
        self._store_events(current, written, now_us)
        self.current = written
        self.steps_done += 1
        return written

    def _behavior(
        self,
        desired: IntArray,
        current: IntArray,
        window_max: IntArray,
        slot: int,
        now_us: int,
        rows: np.ndarray,
    ) -> IntArray:
        b = self.batch
        window_min = np.where(self._min_masks[slot], self.rec_min, _HIGH).min(axis=1)
        low = np.minimum(desired, window_min)
        high = np.maximum(desired, window_max)
        stabilized = np.minimum(np.maximum(current, low), high)
        result = stabilized
        rising = rows & (stabilized > current)
        if rising.any():
            limit = policy_limit(
                b.up, current, up_events=self.up_events, down_events=self.down_events, now_us=now_us, up=True
            )
            rate = np.maximum(limit, current)
            maximum = np.where(b.max_replicas > rate, rate, b.max_replicas)
            result = np.where(rising & (stabilized > maximum), maximum, result)
        falling = rows & (stabilized < current)
        if falling.any():
            limit = policy_limit(
                b.down,
                current,
                up_events=self.up_events,
                down_events=self.down_events,
                now_us=now_us,
                up=False,
            )
            rate = np.minimum(limit, current)
            minimum = np.where(b.min_replicas < rate, rate, b.min_replicas)
            result = np.where(falling & (stabilized < minimum), minimum, result)
        written: IntArray = result
        return written

    def _store_events(self, previous: IntArray, written: IntArray, now_us: int) -> None:
        changed = (written != previous) & ~self.batch.legacy
        if not changed.any():
            return
        ups = np.flatnonzero(changed & (written > previous))
        downs = np.flatnonzero(changed & (written < previous))
        self.up_events.store(ups, written[ups] - previous[ups], now_us, self.batch.up.longest_us)
        self.down_events.store(downs, previous[downs] - written[downs], now_us, self.batch.down.longest_us)
