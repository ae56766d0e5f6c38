"""Request-rate forecasts ``horizon`` ahead from a history, or a stated reason why there is none.

``fit_history`` puts the history on a regular grid (``step``), refuses what cannot be forecast
honestly, fits the seasonal model (``model``) for a few smoothing weights and keeps the best;
the ``SeasonalFit`` then answers rates up to its lead (a service refits on a schedule and reads
the fit in between). ``forecast_rate`` does both for one instant ``now + horizon``.

There is no value (``NoForecast`` with the reason) when:

* the history spans less than two of the longest seasonal cycle (two weeks by default);
* its last sample is older than ``max_age`` (the series stopped);
* more than ``max_missing_fraction`` of the grid is missing, or one gap is longer than ``max_gap``
  (a filled gap would be a made-up number);
* it carries no traffic at all (flat zero: nothing to fit, and no relative error to bound);
* the fit is bad: over the last ``evaluation`` window (one day by default) the in-sample forecasts
  made ``lead`` ahead miss by more than ``max_error`` of the traffic (WAPE: sum of absolute
  errors over the sum of the rates). The default bound is 25 %.

A forecast below zero is answered as 0 (a rate cannot be negative). Pure: ``now`` is an argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from autoscaler.forecast.model import FittedModel, Smoothing, fit_model

__all__ = [
    "DAY",
    "WEEK",
    "Forecast",
    "ForecastSettings",
    "NoForecast",
    "SeasonalFit",
    "fit_history",
    "forecast_rate",
    "on_grid",
]

FloatArray = npt.NDArray[np.float64]
DAY = 86_400.0
WEEK = 7 * DAY

_ALPHAS = (0.05, 0.2, 0.5)
_BETAS = (0.0, 0.02)
_GAMMAS = (0.05, 0.25)


@dataclass(frozen=True)
class ForecastSettings:
    """All durations in seconds; ``seasons`` shortest first, each a whole number of steps."""

    step: float = 300.0
    seasons: tuple[float, ...] = (DAY, WEEK)
    max_error: float = 0.25
    evaluation: float = DAY
    max_missing_fraction: float = 0.1
    max_gap: float = 3_600.0
    max_age: float = 600.0

    def __post_init__(self) -> None:
        if self.step <= 0 or not self.seasons:
            raise ValueError("a positive step and at least one season")
        if list(self.seasons) != sorted(self.seasons):
            raise ValueError("seasons shortest first")
        for season in self.seasons:
            if abs(season / self.step - round(season / self.step)) > 1e-9 or season < 2 * self.step:
                raise ValueError(f"season {season:g}s is not a whole number (>= 2) of {self.step:g}s steps")

    @property
    def periods(self) -> tuple[int, ...]:
        return tuple(round(season / self.step) for season in self.seasons)

    @property
    def min_history(self) -> float:
        return 2 * self.seasons[-1]


@dataclass(frozen=True)
class Forecast:
    """The rate (requests/s) expected at ``at``; ``error`` is the fit's WAPE at this lead."""

    value: float
    at: float
    horizon: float
    fitted_at: float
    error: float
    smoothing: Smoothing


@dataclass(frozen=True)
class NoForecast:
    """Why there is no forecast; the HPA falls back to its reactive metrics."""

    reason: str


def on_grid(times: FloatArray, values: FloatArray, *, step: float) -> tuple[int, FloatArray]:
    """Samples averaged per grid cell ``[k step, (k+1) step)``: first index ``k`` and the cells.

    Non-finite samples are dropped; a cell without a sample is NaN.
    """
    keep = np.isfinite(times) & np.isfinite(values)
    times, values = times[keep], values[keep]
    if len(times) == 0:
        return 0, np.zeros(0)
    cells = np.floor(times / step).astype(np.int64)
    first = int(cells.min())
    size = int(cells.max()) - first + 1
    sums = np.bincount(cells - first, weights=values, minlength=size)
    counts = np.bincount(cells - first, minlength=size)
    grid = np.full(size, np.nan)
    np.divide(sums, counts, out=grid, where=counts > 0)
    return first, grid


def _span(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds:.0f} s"


def _longest_gap(grid: FloatArray) -> int:
    longest = run = 0
    for missing in np.isnan(grid).tolist():
        run = run + 1 if missing else 0
        longest = max(longest, run)
    return longest


def _refusal(first: int, grid: FloatArray, now: float, settings: ForecastSettings) -> NoForecast | None:
    step = settings.step
    span = len(grid) * step
    if span < settings.min_history:
        return NoForecast(
            f"short history: {_span(span)} of the {_span(settings.min_history)} "
            "(two of the longest season) needed"
        )
    last_time = (first + len(grid)) * step
    if now - last_time > settings.max_age:
        return NoForecast(f"stale history: the last sample is {now - last_time:.0f} s old")
    missing = float(np.isnan(grid).mean())
    if missing > settings.max_missing_fraction:
        return NoForecast(
            f"gaps: {missing:.0%} of the history is missing (at most {settings.max_missing_fraction:.0%})"
        )
    gap = _longest_gap(grid) * step
    if gap > settings.max_gap:
        return NoForecast(f"gaps: a {gap:.0f} s gap in the history (at most {settings.max_gap:.0f} s)")
    if float(np.nansum(np.abs(grid))) == 0.0:
        return NoForecast("no traffic in the history (flat zero): nothing to fit")
    return None


def _wape(model: FittedModel, grid: FloatArray, window: int) -> float:
    actual, predicted = grid[-window:], model.ahead[-window:]
    keep = np.isfinite(actual) & np.isfinite(predicted)
    volume = float(np.abs(actual[keep]).sum())
    if volume == 0.0:
        return math.inf
    return float(np.abs(actual[keep] - np.maximum(predicted[keep], 0.0)).sum() / volume)


def _candidates(count: int) -> list[Smoothing]:
    return [
        Smoothing(alpha, beta, (gamma,) * count) for alpha in _ALPHAS for beta in _BETAS for gamma in _GAMMAS
    ]


@dataclass(frozen=True)
class SeasonalFit:
    """A fitted model and how well it forecast ``lead`` seconds ahead; answers rates up to that lead.

    ``last_time`` is the end of the history's last grid cell. ``rate_at`` answers ``None`` for an
    instant before it or more than ``lead`` after it: the error bound says nothing there, so the
    caller refits rather than extrapolate.
    """

    model: FittedModel
    step: float
    last_time: float
    fitted_at: float
    lead: float
    error: float

    def rate_at(self, when: float) -> float | None:
        """Forecast requests/s at ``when`` (linear between grid points, never below 0)."""
        ahead = (when - self.last_time) / self.step
        lead_steps = max(1, math.ceil(self.lead / self.step - 1e-9))
        if ahead < -1.0 or ahead > lead_steps + 1e-9:
            return None
        low = min(max(1, math.floor(ahead)), lead_steps)
        high = min(max(1, math.ceil(ahead)), lead_steps)
        share = ahead - low if high > low else 0.0
        value = (1.0 - share) * self.model.forecast(low) + share * self.model.forecast(high)
        return max(value, 0.0)


def fit_history(
    times: FloatArray,
    values: FloatArray,
    *,
    now: float,
    lead: float,
    settings: ForecastSettings | None = None,
    smoothing: Smoothing | None = None,
) -> SeasonalFit | NoForecast:
    """Fit samples ``(times, values)`` (Unix seconds, requests/s) for forecasts up to ``lead`` ahead
    of ``now``; the error bound is checked at that lead (counted from the history's last cell).

    ``smoothing`` skips the search over weights (a frequent refit keeps the weights a less
    frequent full search chose); the error bound is checked all the same."""
    settings = settings or ForecastSettings()
    if lead < 0:
        raise ValueError("lead must be >= 0")
    first, grid = on_grid(np.asarray(times, dtype=float), np.asarray(values, dtype=float), step=settings.step)
    refusal = _refusal(first, grid, now, settings)
    if refusal is not None:
        return refusal
    periods = settings.periods
    last_time = (first + len(grid)) * settings.step
    steps = max(1, math.ceil((now + lead - last_time) / settings.step - 1e-9))
    if steps > periods[0]:
        return NoForecast(f"lead too far: {lead:.0f} s is beyond the shortest season")
    window = min(len(grid) - periods[-1], round(settings.evaluation / settings.step))
    best: tuple[float, FittedModel] | None = None
    candidates = [smoothing] if smoothing is not None else _candidates(len(periods))
    for weights in candidates:
        model = fit_model(grid, first_index=first, periods=periods, smoothing=weights, lead=steps)
        error = _wape(model, grid, window)
        if best is None or error < best[0]:
            best = (error, model)
    assert best is not None
    error, model = best
    if not error <= settings.max_error:
        return NoForecast(
            f"bad fit: forecasts {steps * settings.step:.0f} s ahead missed by {error:.0%} of the traffic "
            f"over the last {_span(window * settings.step)} (bound {settings.max_error:.0%})"
        )
    return SeasonalFit(
        model=model,
        step=settings.step,
        last_time=last_time,
        fitted_at=now,
        lead=steps * settings.step,
        error=error,
    )


def forecast_rate(
    times: FloatArray,
    values: FloatArray,
    *,
    now: float,
    horizon: float,
    settings: ForecastSettings | None = None,
) -> Forecast | NoForecast:
    """The rate at ``now + horizon`` from samples ``(times, values)`` (Unix seconds, requests/s)."""
    if horizon < 0:
        raise ValueError("horizon must be >= 0")
    fit = fit_history(times, values, now=now, lead=horizon, settings=settings)
    if isinstance(fit, NoForecast):
        return fit
    value = fit.rate_at(now + horizon)
    if value is None:
        return NoForecast("the forecast instant is outside the fitted lead")
    return Forecast(
        value=value,
        at=now + horizon,
        horizon=horizon,
        fitted_at=now,
        error=fit.error,
        smoothing=fit.model.smoothing,
    )
