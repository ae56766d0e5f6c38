"""Replay one HPA on a metric history with the exact ``reconcile``, one cycle per grid step.

This is the reference the vectorised engine is checked against, and the engine for HPAs it does not
cover. Every step builds the inputs the controller would read under the replay assumption
(``replay_spec``): a scale of ``C`` replicas (``status.replicas = C``), ``C`` Running and Ready pods,
and a reader that answers the Pods or External metric from the history; the HPA state is carried
from cycle to cycle and ``C`` becomes the count the cycle wrote. Knows the HPA algorithm only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from autoscaler.hpa import ControllerConfig, MetricFetchError, Pod, PodCondition, PodMetric, Scale, reconcile
from autoscaler.hpa.behavior.state import HPAState
from autoscaler.hpa.spec.horizontal_pod_autoscaler import CrossVersionObjectReference, HorizontalPodAutoscaler
from autoscaler.simulation.replay_spec import MISSING, IntArray, ReplayKind, per_pod_milli
from metrics_adapter.kube import LabelSelector

__all__ = ["ReplayGrid", "replay_scalar"]

SELECTOR_LABEL = "app"
METRIC_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True)
class ReplayGrid:
    """Cycle ``k`` runs at ``start + k * step``."""

    start: datetime
    step: timedelta

    def __post_init__(self) -> None:
        if self.step <= timedelta(0):
            raise ValueError("the replay step must be positive")

    def at(self, index: int) -> datetime:
        return self.start + self.step * index


@dataclass
class _ReplayReader:
    """A ``MetricsReader`` answering from the current history value (set before each cycle)."""

    kind: ReplayKind
    value_milli: int = MISSING
    replicas: int = 0
    now: datetime = datetime.min
    names: Sequence[str] = field(default_factory=tuple)

    def resource_metrics(
        self, resource: str, *, namespace: str, selector: LabelSelector, container: str | None
    ) -> dict[str, PodMetric]:
        raise MetricFetchError("no metrics returned from resource metrics API")

    def pods_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        selector: LabelSelector,
        metric_selector: LabelSelector | None,
    ) -> dict[str, PodMetric]:
        if self.kind is ReplayKind.EXTERNAL_AVERAGE or self.value_milli == MISSING:
            raise MetricFetchError("no metrics returned from custom metrics API")
        value = per_pod_milli(self.kind, self.value_milli, self.replicas)
        sample = PodMetric(value, self.now, METRIC_WINDOW)
        return {name: sample for name in self.names[: self.replicas]}

    def object_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        described_object: CrossVersionObjectReference,
        metric_selector: LabelSelector | None,
    ) -> int:
        raise MetricFetchError("unable to fetch metrics from custom metrics API: no object metric replayed")

    def external_metric(
        self, metric_name: str, *, namespace: str, metric_selector: LabelSelector | None
    ) -> list[int]:
        if self.kind is not ReplayKind.EXTERNAL_AVERAGE or self.value_milli == MISSING:
            raise MetricFetchError("no metrics returned from external metrics API")
        return [self.value_milli]


class _PodPool:
    """``C`` identical Running and Ready pods, built once per count."""

    def __init__(self, namespace: str, started: datetime) -> None:
        self._namespace = namespace
        self._started = started
        self._pods: list[Pod] = []
        self._by_count: dict[int, tuple[Pod, ...]] = {}

    def names(self) -> list[str]:
        return [pod.name for pod in self._pods]

    def take(self, count: int) -> tuple[Pod, ...]:
        while len(self._pods) < count:
            self._pods.append(
                Pod(
                    name=f"replay-{len(self._pods)}",
                    namespace=self._namespace,
                    labels={SELECTOR_LABEL: "replay"},
                    phase="Running",
                    start_time=self._started,
                    ready=PodCondition("True", self._started),
                )
            )
        if count not in self._by_count:
            self._by_count[count] = tuple(self._pods[:count])
        return self._by_count[count]


def replay_scalar(
    hpa: HorizontalPodAutoscaler,
    values_milli: IntArray,
    *,
    kind: ReplayKind,
    initial_replicas: int,
    grid: ReplayGrid,
    config: ControllerConfig,
    progress: Callable[[int], None] | None = None,
) -> IntArray:
    """Replicas written after each cycle (``len(values_milli)`` cycles, the first at ``grid.start``)."""
    reader = _ReplayReader(kind)
    pool = _PodPool(hpa.namespace, grid.start - timedelta(hours=1))
    result = np.empty(len(values_milli), dtype=np.int64)
    state: HPAState | None = None
    current = initial_replicas
    for index, value in enumerate(values_milli.tolist()):
        now = grid.at(index)
        pods = pool.take(current)
        reader.value_milli, reader.replicas, reader.now = value, current, now
        reader.names = pool.names()
        outcome = reconcile(
            hpa,
            scale=Scale(current, current, f"{SELECTOR_LABEL}=replay"),
            pods=pods,
            reader=reader,
            state=state,
            now=now,
            config=config,
        )
        state = outcome.state
        if outcome.desired_replicas is not None and outcome.scale_updated:
            current = outcome.desired_replicas
        result[index] = current
        if progress is not None and index % 1000 == 999:
            progress(1000)
    return result
