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
from autoscaler.forecast.model import FittedModel, Smoothing, fit_model

__all__ = [
    "DAY",
    "WEEK",
    "FittedModel",
    "Forecast",
    "ForecastSettings",
    "NoForecast",
    "SeasonalFit",
    "Smoothing",
    "fit_history",
    "fit_model",
    "forecast_rate",
    "on_grid",
]
