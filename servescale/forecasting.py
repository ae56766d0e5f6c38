"""Wiring of the forecaster into the service: targets and settings from the autoscaling config.

Every workload with ``predictive: true`` becomes a ``ForecastTarget`` at its horizon (pod start-up
+ one sync period); its history is the catalogue's ``istio_requests_per_second`` of the Deployment,
the rate taken over the model's grid step (or ``rateWindow``, when scrapes are too far apart for
one). The ``forecast`` section sets the grid step, the seasons, the error bound and the refit
interval.
"""

from __future__ import annotations

from pathlib import Path

from autoscaler.forecast import ForecastSettings
from autoscaler.forecast.service import ForecastService, ForecastTarget
from autoscaler.simulation.autoscaling_config import AutoscalingConfig
from autoscaler.simulation.history_query import deployment_history_query
from autoscaler.simulation.hpa_manifests import REQUEST_RATE, ManifestError, load_autoscaling_config
from metrics_adapter.catalogue import Catalogue
from metrics_adapter.promql import Duration, Expr, PrometheusClient
from servescale.settings import SettingsError

__all__ = ["build_forecast_service", "forecast_settings", "forecast_targets"]


def _seconds(text: str, field: str) -> float:
    try:
        return Duration.parse(text).seconds
    except ValueError as exc:
        raise SettingsError(f"--forecast-config: autoscaling.forecast.{field}: {exc}") from exc


def forecast_settings(config: AutoscalingConfig) -> tuple[ForecastSettings, float]:
    """The model settings and the refit interval (seconds) of the config's ``forecast`` section."""
    section = config.autoscaling.forecast
    step = _seconds(section.step, "step")
    seasons = tuple(sorted(_seconds(text, "seasons") for text in section.seasons))
    try:
        settings = ForecastSettings(
            step=step, seasons=seasons, max_error=section.max_error, max_age=max(600.0, 2 * step)
        )
    except ValueError as exc:
        raise SettingsError(f"--forecast-config: autoscaling.forecast: {exc}") from exc
    return settings, _seconds(section.refit_every, "refitEvery")


def forecast_targets(config: AutoscalingConfig) -> list[ForecastTarget]:
    return [
        ForecastTarget(w.namespace, w.deployment, w.horizon_seconds)
        for w in config.autoscaling.workloads
        if w.predictive
    ]


def build_forecast_service(path: Path, *, catalogue: Catalogue, client: PrometheusClient) -> ForecastService:
    """The service for the predictive workloads of the autoscaling config at ``path``."""
    try:
        config = load_autoscaling_config(path)
    except ManifestError as exc:
        raise SettingsError(f"--forecast-config: {exc}") from exc
    settings, refit = forecast_settings(config)
    rate_window = config.autoscaling.forecast.rate_window
    window = Duration(settings.step if rate_window is None else _seconds(rate_window, "rateWindow"))

    def history(target: ForecastTarget) -> Expr:
        query = deployment_history_query(
            catalogue,
            REQUEST_RATE,
            namespace=target.namespace,
            deployment=target.deployment,
            rate_window=window,
        )
        return query.expr

    return ForecastService(
        forecast_targets(config), client=client, history_query=history, settings=settings, refit_seconds=refit
    )
