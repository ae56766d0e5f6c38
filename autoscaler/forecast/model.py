"""Additive Holt-Winters with several seasonal cycles (Taylor's double-seasonal form), in numpy.

Why not statsmodels: its ``ExponentialSmoothing`` carries one seasonal period, and request rates
of a model server have two that matter (the day and the week). Taylor (2003, "Short-term
electricity demand forecasting using double seasonal exponential smoothing", JORS 54) adds one
seasonal index per cycle to Holt-Winters; on a 5-minute grid that is 288 + 2016 indices, a few
thousand points per fit, which a plain loop fits in milliseconds. The recursion, for a grid point
``t`` with observation ``y_t`` and seasonal cycles ``m_1 < m_2 < ...``::

    e_t   = y_t - (l_{t-1} + b_{t-1} + sum_i s^i_{t-m_i})
    l_t   = l_{t-1} + b_{t-1} + alpha * e_t
    b_t   = b_{t-1} + alpha * beta * e_t
    s^i_t = s^i_{t-m_i} + gamma_i * e_t

(the error-correction form of the additive model). A missing observation (NaN) leaves ``e_t = 0``:
the state moves on by its own forecast and nothing is invented into the fit's error.

Forecast ``k`` steps after the last point ``T`` (``k <= m_1``): ``l_T + k b_T + sum_i s^i_{T+k-m_i}``.
Seasonal phases are taken from the absolute grid index (``floor(unix_time / step)``), so a daily
cycle is a UTC day whatever the history's start.

Initial state, from the first two longest cycles: the level is their mean, the trend the change of
the cycle means per step, each cycle's indices the mean of the detrended residual at that phase
(shortest cycle first), centred on zero. Pure: arrays in, numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["FittedModel", "Smoothing", "fit_model"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Smoothing:
    """Smoothing weights: ``alpha`` level, ``beta`` trend (as a share of alpha), one ``gamma`` per cycle."""

    alpha: float
    beta: float
    gammas: tuple[float, ...]


@dataclass(frozen=True)
class FittedModel:
    """The state after the last grid point, and the in-sample forecasts made ``lead`` steps ahead.

    ``seasonal[i]`` holds cycle ``i``'s indices by phase (``index % m_i``); ``ahead[t]`` is the
    forecast of grid point ``t`` made ``lead`` steps before it (NaN before the state existed).
    """

    smoothing: Smoothing
    periods: tuple[int, ...]
    last_index: int
    level: float
    trend: float
    seasonal: tuple[FloatArray, ...]
    ahead: FloatArray

    def forecast(self, steps: int) -> float:
        """The fitted value ``steps`` grid points after the last one (``1 <= steps <= m_1``)."""
        if not 1 <= steps <= self.periods[0]:
            raise ValueError(f"steps must be within 1..{self.periods[0]}")
        index = self.last_index + steps
        total = self.level + steps * self.trend
        for period, indices in zip(self.periods, self.seasonal, strict=True):
            total += float(indices[index % period])
        return total


def _initial_state(
    values: FloatArray, first_index: int, periods: tuple[int, ...]
) -> tuple[float, float, list[FloatArray]]:
    longest = periods[-1]
    head = values[: 2 * longest]
    first, second = np.nanmean(head[:longest]), np.nanmean(head[longest:])
    level = float(first)
    trend = float((second - first) / longest) if np.isfinite(second) else 0.0
    positions = np.arange(len(head), dtype=np.float64)
    residual = head - (level + trend * (positions - (longest - 1) / 2.0))
    seasonal: list[FloatArray] = []
    for period in periods:
        phases_of = (first_index + np.arange(len(head))) % period
        known = np.isfinite(residual)
        sums = np.bincount(phases_of[known], weights=residual[known], minlength=period)
        counts = np.bincount(phases_of[known], minlength=period)
        indices = np.zeros(period)
        np.divide(sums, counts, out=indices, where=counts > 0)
        indices -= indices.mean()
        seasonal.append(indices)
        residual = residual - indices[phases_of]
    # Index the state "one step before the first point": level at the first point's start.
    level -= trend * (longest - 1) / 2.0 + trend
    return level, trend, seasonal


def fit_model(
    values: FloatArray, *, first_index: int, periods: tuple[int, ...], smoothing: Smoothing, lead: int
) -> FittedModel:
    """Run the recursion over ``values`` (grid points ``first_index ...``; NaN = missing).

    ``periods`` are the cycles in grid steps, shortest first; ``values`` must cover two of the
    longest (the caller checks). ``lead`` (>= 1, <= ``periods[0]``) is the lead of ``ahead``.
    """
    if len(smoothing.gammas) != len(periods):
        raise ValueError("one gamma per seasonal cycle")
    level, trend, start = _initial_state(values, first_index, periods)
    seasonal = [indices.tolist() for indices in start]
    alpha, ab = smoothing.alpha, smoothing.alpha * smoothing.beta
    gammas = smoothing.gammas
    n = len(values)
    history_level = [0.0] * n
    history_trend = [0.0] * n
    ahead = np.full(n, np.nan)
    data = values.tolist()
    for t in range(n):
        index = first_index + t
        phases = [index % period for period in periods]
        season = 0.0
        for indices, phase in zip(seasonal, phases, strict=True):
            season += indices[phase]
        if t >= lead:
            past = t - lead
            ahead[t] = history_level[past] + lead * history_trend[past] + season
        y = data[t]
        error = 0.0 if y != y else y - (level + trend + season)
        level = level + trend + alpha * error
        trend = trend + ab * error
        for indices, phase, gamma in zip(seasonal, phases, gammas, strict=True):
            indices[phase] += gamma * error
        history_level[t], history_trend[t] = level, trend
    return FittedModel(
        smoothing=smoothing,
        periods=periods,
        last_index=first_index + n - 1,
        level=level,
        trend=trend,
        seasonal=tuple(np.asarray(indices) for indices in seasonal),
        ahead=ahead,
    )
