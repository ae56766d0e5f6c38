"""Request-rate forecasting: a seasonal model (daily and weekly cycles, level and trend).

``forecast_rate`` answers a ``Forecast`` or a ``NoForecast`` with its reason; never a made-up
number. Pure: history arrays and ``now`` in, no I/O, no clock.
"""

from autoscaler.forecast.forecaster import (
    DAY,
    WEEK,
    Forecast,
    ForecastSettings,
    NoForecast,
    SeasonalFit,
    fit_history,
    forecast_rate,
    on_grid,
)
from autoscaler.forecast.metric import FORECAST_METRIC, default_horizon, horizon_label, parse_horizon_label
from autoscaler.forecast.model import FittedModel, Smoothing, fit_model

__all__ = [
    "DAY",
    "FORECAST_METRIC",
    "WEEK",
    "FittedModel",
    "Forecast",
    "ForecastSettings",
    "NoForecast",
    "SeasonalFit",
    "Smoothing",
    "default_horizon",
    "fit_history",
    "fit_model",
    "forecast_rate",
    "horizon_label",
    "on_grid",
    "parse_horizon_label",
]
