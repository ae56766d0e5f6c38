"""The service's view of SLO status: the latest scheduled evaluation, refreshed periodically.

:class:`CachedStatus` implements :class:`~slo.evaluation.StatusSource`: ``status()`` answers from the
last :meth:`CachedStatus.refresh` (evaluating once if there is none yet) so HTTP requests and metric
scrapes never each trigger a round of queries; ``status(at)`` evaluates afresh at ``at``.
:meth:`CachedStatus.run` refreshes every ``interval`` seconds and hands each evaluation to the
listeners (e.g. :class:`~slo.gauges.SLOGauges`). Failed refreshes keep the previous evaluation.

The clock is passed in; this module never reads the time itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from metrics_adapter.promql import PrometheusError

from ..spec.model import SLO
from .evaluator import SLOEvaluator
from .model import Evaluation

__all__ = ["CachedStatus"]

Clock = Callable[[], datetime]
Listener = Callable[[Evaluation], None]
_log = logging.getLogger(__name__)


class CachedStatus:
    def __init__(self, evaluator: SLOEvaluator, *, clock: Clock, listeners: Sequence[Listener] = ()) -> None:
        self._evaluator = evaluator
        self._clock = clock
        self._listeners = list(listeners)
        self._latest: Evaluation | None = None
        self._lock = asyncio.Lock()

    @property
    def slos(self) -> Sequence[SLO]:
        return self._evaluator.slos

    @property
    def latest(self) -> Evaluation | None:
        return self._latest

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def refresh(self) -> Evaluation:
        """Evaluate at ``clock()``, keep the result and tell the listeners."""
        async with self._lock:
            evaluation = await self._evaluator.evaluate(self._clock())
            self._latest = evaluation
        for listener in self._listeners:
            listener(evaluation)
        return evaluation

    async def status(self, at: datetime | None = None) -> Evaluation:
        if at is not None:
            return await self._evaluator.evaluate(at)
        latest = self._latest
        return latest if latest is not None else await self.refresh()

    async def run(self, *, interval: float) -> None:
        """Refresh forever every ``interval`` seconds (cancel the task to stop)."""
        while True:
            try:
                await self.refresh()
            except PrometheusError as exc:
                _log.warning("SLO evaluation failed, keeping the previous one: %s", exc)
            await asyncio.sleep(interval)
