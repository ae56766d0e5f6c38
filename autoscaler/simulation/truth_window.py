"""Recent ground-truth documents of a fleet, and per-pod figures read from them as Prometheus would.

The closed loop adds the fleet's ``truth_document`` every sample interval (a scrape). Counter-based
figures (request rates) are averaged over the samples of the rate window, which is what
``rate(x[1m])`` measures; gauge figures (queue depth, GPU utilisation) are the latest sample, what
an instant query returns. A pod appears with the samples it is present in; a pod with no sample in
the window has no value (``None`` is never turned into 0). Knows the truth document's shape only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["PodFigure", "TruthWindow"]

JsonObject = dict[str, Any]
PodFigure = Callable[[JsonObject], float | None]
"""Reads one figure from a pod's truth entry; ``None`` when it has no value."""


@dataclass(frozen=True)
class _Sample:
    time: float
    document: JsonObject


class TruthWindow:
    """Truth documents of the last ``horizon_seconds`` (the longest window anything asks for)."""

    def __init__(self, horizon_seconds: float) -> None:
        if horizon_seconds <= 0:
            raise ValueError("the horizon must be positive")
        self.horizon_seconds = horizon_seconds
        self._samples: deque[_Sample] = deque()

    def add(self, time: float, document: JsonObject) -> None:
        """Append the document taken at ``time`` (non-decreasing) and drop what fell out of the horizon."""
        if self._samples and time < self._samples[-1].time:
            raise ValueError("samples must be added in time order")
        self._samples.append(_Sample(time, document))
        while self._samples and self._samples[0].time <= time - self.horizon_seconds:
            self._samples.popleft()

    @property
    def latest(self) -> JsonObject | None:
        return self._samples[-1].document if self._samples else None

    def _recent(self, window_seconds: float | None) -> Iterable[_Sample]:
        if not self._samples:
            return ()
        if window_seconds is None:
            return (self._samples[-1],)
        cutoff = self._samples[-1].time - window_seconds
        return [sample for sample in self._samples if sample.time > cutoff]

    def deployment(self, namespace: str, deployment: str) -> JsonObject | None:
        """The deployment's entry in the latest document."""
        latest = self.latest
        if latest is None:
            return None
        entry: JsonObject | None = latest["namespaces"].get(namespace, {}).get(deployment)
        return entry

    def pod_values(
        self, namespace: str, deployment: str, figure: PodFigure, *, window_seconds: float | None
    ) -> dict[str, float]:
        """Per pod, the mean of ``figure`` over the window (``None``: the latest sample only)."""
        totals: dict[str, float] = {}
        counts: dict[str, int] = {}
        for sample in self._recent(window_seconds):
            entry = sample.document["namespaces"].get(namespace, {}).get(deployment)
            if entry is None:
                continue
            for pod, figures in entry["pods"].items():
                value = figure(figures)
                if value is None:
                    continue
                totals[pod] = totals.get(pod, 0.0) + value
                counts[pod] = counts.get(pod, 0) + 1
        current = self.deployment(namespace, deployment)
        alive = set(current["pods"]) if current is not None else set()
        return {pod: totals[pod] / counts[pod] for pod in totals if pod in alive}

    def brokers(self) -> list[JsonObject]:
        latest = self.latest
        return list(latest["brokers"]) if latest is not None else []
