"""The fleet reader plus the forecast metric, as the metrics API would serve it in the simulation.

``ForecastingReader`` answers ``servescale_forecast_requests_per_second`` (External, selected by
``deployment``, optionally ``namespace`` and ``horizon``) from a ``SeasonalFit`` of the
Deployment's demand history, refitted every ``refit_seconds`` of virtual time (a full search over
smoothing weights once a day, the chosen weights in between) and read at ``now + horizon``. Every
other metric is the ground-truth reader's. No fit (short history, bad fit, ...) means no value:
the metric fails and the HPA goes on with its other metrics.

The demand history is the requests offered to the Deployment (what the ingress counts), sampled
every ``sample_seconds`` over the last ``history_seconds`` from the scenario's load profile --
which covers the time before the simulation starts, when a replay CSV begins before ``t = 0``.
Forecast times are the simulation's virtual clock in Unix seconds, so daily phases are UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from autoscaler.forecast import (
    DAY,
    FORECAST_METRIC,
    ForecastSettings,
    NoForecast,
    SeasonalFit,
    Smoothing,
    fit_history,
    horizon_label,
)
from autoscaler.hpa import MetricFetchError
from autoscaler.sandbox import Fleet, UnknownDeploymentError
from autoscaler.sandbox.profiles import ReplayLoad
from autoscaler.simulation.fleet_reader import EPOCH, FleetMetricsReader
from autoscaler.simulation.truth_window import TruthWindow
from metrics_adapter.kube import LabelSelector

__all__ = ["ForecastOptions", "ForecastingReader"]


@dataclass(frozen=True)
class ForecastOptions:
    horizon_seconds: float
    refit_seconds: float = 300.0
    search_seconds: float = DAY
    history_seconds: float = 15 * DAY
    sample_seconds: float = 60.0
    settings: ForecastSettings = field(default_factory=ForecastSettings)


@dataclass
class _Fits:
    fit: SeasonalFit | NoForecast
    fitted_at: float
    searched_at: float
    smoothing: Smoothing | None


class ForecastingReader(FleetMetricsReader):
    """``FleetMetricsReader`` that also serves the forecast metric; ``refusals`` keeps each reason."""

    def __init__(
        self, fleet: Fleet, window: TruthWindow, *, rate_window_seconds: float, options: ForecastOptions
    ) -> None:
        super().__init__(fleet, window, rate_window_seconds=rate_window_seconds)
        self.options = options
        self._fits: dict[tuple[str, str], _Fits] = {}
        self.refusals: list[tuple[float, str]] = []
        self.fit_count = 0

    def _seconds(self) -> float:
        return (self.now - EPOCH).total_seconds()

    def _history(self, namespace: str, deployment: str, now: float) -> tuple[np.ndarray, np.ndarray]:
        load = self._fleet.deployment(namespace, deployment).spec.load
        step = self.options.sample_seconds
        times = np.arange(now - self.options.history_seconds, now + 1e-9, step)
        if isinstance(load, ReplayLoad):
            rates = load.rates_at(times)
        else:
            rates = np.array([load.rate_at(t) for t in times.tolist()])
        return times + EPOCH.timestamp(), rates

    def _refit(self, key: tuple[str, str], now: float, previous: _Fits | None) -> _Fits:
        options = self.options
        search = (
            previous is None
            or previous.smoothing is None
            or now - previous.searched_at >= options.search_seconds
        )
        times, values = self._history(*key, now)
        fit = fit_history(
            times,
            values,
            now=now + EPOCH.timestamp(),
            lead=options.horizon_seconds + options.refit_seconds,
            settings=options.settings,
            smoothing=None if search or previous is None else previous.smoothing,
        )
        self.fit_count += 1
        if isinstance(fit, NoForecast):
            self.refusals.append((now, fit.reason))
            return _Fits(fit, now, now if search else previous.searched_at if previous else now, None)
        return _Fits(
            fit,
            now,
            now if search or previous is None else previous.searched_at,
            fit.model.smoothing,
        )

    def forecast(self, namespace: str, deployment: str) -> float | None:
        """The forecast rate at ``now + horizon`` for the Deployment, or ``None``."""
        now = self._seconds()
        key = (namespace, deployment)
        fits = self._fits.get(key)
        if fits is None or now - fits.fitted_at >= self.options.refit_seconds:
            fits = self._fits[key] = self._refit(key, now, fits)
        if isinstance(fits.fit, NoForecast):
            return None
        return fits.fit.rate_at(now + self.options.horizon_seconds + EPOCH.timestamp())

    def external_metric(
        self, metric_name: str, *, namespace: str, metric_selector: LabelSelector | None
    ) -> list[int]:
        if metric_name != FORECAST_METRIC:
            return super().external_metric(metric_name, namespace=namespace, metric_selector=metric_selector)
        labels = dict(metric_selector.match_labels) if metric_selector is not None else {}
        deployment = labels.get("deployment")
        if deployment is None:
            raise MetricFetchError(f"{FORECAST_METRIC} needs a deployment label in the metric selector")
        series = {
            "namespace": namespace,
            "deployment": deployment,
            "horizon": horizon_label(self.options.horizon_seconds),
        }
        if metric_selector is not None and not metric_selector.matches(series):
            raise MetricFetchError("no metrics returned from external metrics API")
        try:
            value = self.forecast(namespace, deployment)
        except UnknownDeploymentError as exc:
            raise MetricFetchError(f"unable to fetch metrics from external metrics API: {exc}") from exc
        if value is None:
            raise MetricFetchError("no metrics returned from external metrics API")
        return [round(value * 1000.0)]
