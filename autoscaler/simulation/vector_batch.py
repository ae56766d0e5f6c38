"""Many HPAs as arrays: the per-HPA constants the vectorised replay engine reads, row per HPA.

``compile_batch`` applies the API defaults and the controller configuration exactly as
``reconcile`` does (``apply_api_defaults``, ``default_rules``, ``tolerances_for``, the scale-down
window truncated to whole seconds) and refuses, with ``UnsupportedReplayError``, what the engine does
not cover: more than one metric, targets other than AverageValue, metric types other than Pods and
External, ``minReplicas`` 0. Times are integer microseconds, as ``timedelta`` compares them.
Knows the HPA spec values, not the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt

from autoscaler.hpa import ControllerConfig
from autoscaler.hpa.metrics.tolerance import tolerances_for
from autoscaler.hpa.spec.defaults import (
    DEFAULT_SCALE_DOWN,
    DEFAULT_SCALE_UP,
    apply_api_defaults,
    default_rules,
)
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler, ScalingRules, SelectPolicy
from autoscaler.simulation.replay_spec import IntArray, ReplayKind, UnsupportedReplayError, single_metric

__all__ = ["KIND_CODES", "SELECT_CODES", "DirectionArrays", "VectorBatch", "compile_batch", "microseconds"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
KIND_CODES = {ReplayKind.PODS_TOTAL: 0, ReplayKind.PODS_AVERAGE: 1, ReplayKind.EXTERNAL_AVERAGE: 2}
SELECT_CODES = {SelectPolicy.MAX: 0, SelectPolicy.MIN: 1, SelectPolicy.DISABLED: 2}


def microseconds(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


@dataclass(frozen=True)
class DirectionArrays:
    """One direction's rules, padded to the most policies any HPA has (``active`` marks real ones)."""

    window_us: IntArray
    select: IntArray
    is_pods: BoolArray
    value: IntArray
    factor: FloatArray
    period_us: IntArray
    active: BoolArray
    longest_us: IntArray

    @property
    def policy_slots(self) -> int:
        return int(self.value.shape[1])


@dataclass(frozen=True)
class VectorBatch:
    kind: IntArray
    target_milli: IntArray
    min_replicas: IntArray
    max_replicas: IntArray
    legacy: BoolArray
    band_low: FloatArray
    band_high: FloatArray
    legacy_window_us: IntArray
    up: DirectionArrays
    down: DirectionArrays

    @property
    def size(self) -> int:
        return int(self.kind.shape[0])


def _check(hpa: HorizontalPodAutoscaler, kind: ReplayKind) -> None:
    spec = single_metric(hpa)
    if spec.target is None or spec.target.average_value_milli is None:
        raise UnsupportedReplayError(
            f"HPA {hpa.namespace}/{hpa.name}: the engine needs an AverageValue target"
        )
    if kind is ReplayKind.EXTERNAL_AVERAGE and spec.type != "External":
        raise UnsupportedReplayError(f"HPA {hpa.namespace}/{hpa.name}: kind {kind} needs an External metric")
    if kind is not ReplayKind.EXTERNAL_AVERAGE and spec.type != "Pods":
        raise UnsupportedReplayError(f"HPA {hpa.namespace}/{hpa.name}: kind {kind} needs a Pods metric")
    if hpa.min_replicas == 0:
        raise UnsupportedReplayError(f"HPA {hpa.namespace}/{hpa.name}: minReplicas 0 is not replayed")


def _direction(rules: Sequence[ScalingRules], windows_us: Sequence[int], *, up: bool) -> DirectionArrays:
    n = len(rules)
    slots = max((len(r.policies or ()) for r in rules), default=0) or 1
    is_pods = np.zeros((n, slots), dtype=np.bool_)
    value = np.zeros((n, slots), dtype=np.int64)
    period = np.ones((n, slots), dtype=np.int64)
    active = np.zeros((n, slots), dtype=np.bool_)
    for row, rule in enumerate(rules):
        for col, policy in enumerate(rule.policies or ()):
            is_pods[row, col] = policy.type == "Pods"
            value[row, col] = policy.value
            period[row, col] = policy.period_seconds * 1_000_000
            active[row, col] = True
    factor = 1.0 + value.astype(np.float64) / 100.0 if up else 1.0 - value.astype(np.float64) / 100.0
    return DirectionArrays(
        window_us=np.asarray(windows_us, dtype=np.int64),
        select=np.asarray([SELECT_CODES[r.select_policy or SelectPolicy.MAX] for r in rules], dtype=np.int64),
        is_pods=is_pods,
        value=value,
        factor=factor,
        period_us=period,
        active=active,
        longest_us=np.where(active, period, 0).max(axis=1),
    )


def compile_batch(
    hpas: Sequence[HorizontalPodAutoscaler], kinds: Sequence[ReplayKind], *, config: ControllerConfig
) -> VectorBatch:
    """Arrays for ``hpas`` (row ``i`` is ``hpas[i]`` replayed as ``kinds[i]``)."""
    if len(hpas) != len(kinds):
        raise ValueError("one replay kind per HPA is needed")
    up_rules: list[ScalingRules] = []
    down_rules: list[ScalingRules] = []
    up_windows: list[int] = []
    down_windows: list[int] = []
    targets, lows, highs = [], [], []
    for hpa, kind in zip(hpas, kinds, strict=True):
        _check(hpa, kind)
        hpa = apply_api_defaults(hpa)
        target = hpa.metrics[0].target
        assert target is not None
        assert target.average_value_milli is not None
        targets.append(target.average_value_milli)
        tolerances = tolerances_for(hpa, config)
        lows.append(1.0 - tolerances.scale_down)
        highs.append(1.0 + tolerances.scale_up)
        behavior = hpa.behavior
        up = default_rules(behavior.scale_up if behavior else None, DEFAULT_SCALE_UP)
        down = default_rules(behavior.scale_down if behavior else None, DEFAULT_SCALE_DOWN)
        up_rules.append(up)
        down_rules.append(down)
        up_windows.append((up.stabilization_window_seconds or 0) * 1_000_000)
        down_window = config.downscale_stabilization_window
        if down.stabilization_window_seconds is not None:
            down_window = timedelta(seconds=down.stabilization_window_seconds)
        down_windows.append(int(down_window.total_seconds()) * 1_000_000)
    n = len(hpas)
    return VectorBatch(
        kind=np.asarray([KIND_CODES[k] for k in kinds], dtype=np.int64),
        target_milli=np.asarray(targets, dtype=np.int64),
        min_replicas=np.asarray(
            [h.min_replicas if h.min_replicas is not None else 1 for h in hpas], np.int64
        ),
        max_replicas=np.asarray([h.max_replicas for h in hpas], dtype=np.int64),
        legacy=np.asarray([h.behavior is None for h in hpas], dtype=np.bool_),
        band_low=np.asarray(lows, dtype=np.float64),
        band_high=np.asarray(highs, dtype=np.float64),
        legacy_window_us=np.full(n, microseconds(config.downscale_stabilization_window), dtype=np.int64),
        up=_direction(up_rules, up_windows, up=True),
        down=_direction(down_rules, down_windows, up=False),
    )
