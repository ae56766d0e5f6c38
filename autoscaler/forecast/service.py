"""Forecasts kept fresh for a service: refit on a schedule from Prometheus, read at request time.

``ForecastService`` holds one ``ForecastTarget`` per predictive Deployment. ``refit`` reads each
target's request-rate history with one range query (``history_query`` gives the typed PromQL; the range
step is the model's grid step, so a rate over that step covers every second once), sums the series
per timestamp, and fits (``fit_history``) for forecasts up to ``horizon + refit interval`` ahead;
a full search over smoothing weights runs once a day, refits in between keep the chosen weights.
``reading`` answers the rate at ``now + horizon`` from the latest fit, or a ``NoForecast`` with its
reason: no fit yet, the history refused, the last refit failed (Prometheus down: the old fit is
dropped rather than served stale), or the fit has run past its lead (refits overdue).
The clock is passed in; ``run`` is the only loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from autoscaler.forecast.forecaster import DAY, ForecastSettings, NoForecast, SeasonalFit, fit_history
from autoscaler.forecast.metric import horizon_label
from metrics_adapter.promql import Expr, PrometheusClient, PrometheusError

__all__ = ["ForecastReading", "ForecastService", "ForecastTarget"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForecastTarget:
    namespace: str
    deployment: str
    horizon_seconds: float

    @property
    def labels(self) -> dict[str, str]:
        """The series labels the metrics API serves the forecast with."""
        return {
            "namespace": self.namespace,
            "deployment": self.deployment,
            "horizon": horizon_label(self.horizon_seconds),
        }


@dataclass(frozen=True)
class ForecastReading:
    target: ForecastTarget
    value: float
    at: float
    fitted_at: float
    error: float


@dataclass
class _Slot:
    fit: SeasonalFit | NoForecast
    searched_at: float | None


class ForecastService:
    """Latest fit per target; ``history_query(target)`` is the expression of its request rate."""

    def __init__(
        self,
        targets: Iterable[ForecastTarget],
        *,
        client: PrometheusClient,
        history_query: Callable[[ForecastTarget], Expr],
        settings: ForecastSettings | None = None,
        refit_seconds: float = 300.0,
        search_seconds: float = DAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.targets = tuple(targets)
        self.settings = settings or ForecastSettings()
        self.refit_seconds = refit_seconds
        self.search_seconds = search_seconds
        self._client = client
        self._history_query = history_query
        self._clock = clock
        self._slots: dict[ForecastTarget, _Slot] = {}

    def targets_in(self, namespace: str) -> list[ForecastTarget]:
        return [t for t in self.targets if t.namespace == namespace]

    async def _history(self, target: ForecastTarget, now: float) -> tuple[np.ndarray, np.ndarray]:
        step = self.settings.step
        start = now - self.settings.min_history - 2 * step
        matrix = await self._client.query_range(self._history_query(target), start=start, end=now, step=step)
        totals: dict[float, float] = {}
        for series in matrix:
            for timestamp, value in zip(series.timestamps, series.values, strict=True):
                if np.isfinite(value):
                    totals[timestamp] = totals.get(timestamp, 0.0) + value
        times = np.array(sorted(totals), dtype=float)
        # A rate sample at t covers (t - step, t]: place it in the grid cell that ends at t.
        return times - step / 2.0, np.array([totals[t] for t in sorted(totals)], dtype=float)

    async def refit_one(self, target: ForecastTarget) -> SeasonalFit | NoForecast:
        now = self._clock()
        previous = self._slots.get(target)
        search = (
            previous is None
            or previous.searched_at is None
            or not isinstance(previous.fit, SeasonalFit)
            or now - previous.searched_at >= self.search_seconds
        )
        try:
            times, values = await self._history(target, now)
        except PrometheusError as exc:
            failed = NoForecast(f"history unavailable: {exc}")
            self._slots[target] = _Slot(failed, None)
            log.warning("forecast %s/%s: %s", target.namespace, target.deployment, failed.reason)
            return failed
        smoothing = None
        if not search and previous is not None and isinstance(previous.fit, SeasonalFit):
            smoothing = previous.fit.model.smoothing
        fit: SeasonalFit | NoForecast = await asyncio.to_thread(
            fit_history,
            times,
            values,
            now=now,
            lead=target.horizon_seconds + self.refit_seconds,
            settings=self.settings,
            smoothing=smoothing,
        )
        searched_at = now if search else previous.searched_at if previous is not None else None
        self._slots[target] = _Slot(fit, searched_at if isinstance(fit, SeasonalFit) else None)
        if isinstance(fit, NoForecast):
            log.info("forecast %s/%s: no value: %s", target.namespace, target.deployment, fit.reason)
        return fit

    async def refit(self) -> None:
        """Refit every target once."""
        for target in self.targets:
            await self.refit_one(target)

    def reading(self, target: ForecastTarget) -> ForecastReading | NoForecast:
        """The forecast rate at ``now + horizon``, or why there is none."""
        slot = self._slots.get(target)
        if slot is None:
            return NoForecast("no fit yet")
        if isinstance(slot.fit, NoForecast):
            return slot.fit
        now = self._clock()
        value = slot.fit.rate_at(now + target.horizon_seconds)
        if value is None:
            return NoForecast("the last fit no longer covers the horizon (refits overdue)")
        return ForecastReading(
            target=target,
            value=value,
            at=now + target.horizon_seconds,
            fitted_at=slot.fit.fitted_at,
            error=slot.fit.error,
        )

    async def run(self) -> None:
        """Refit every ``refit_seconds`` until cancelled."""
        while True:
            started = self._clock()
            await self.refit()
            await asyncio.sleep(max(0.0, self.refit_seconds - (self._clock() - started)))
