"""The seasonal forecaster on synthetic series with a known truth, and every no-value case."""

from __future__ import annotations

import numpy as np
import pytest

from autoscaler.forecast import (
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

START = 1_700_006_400.0  # a UTC midnight
HORIZON = 195.0


def truth(t: np.ndarray | float) -> np.ndarray:
    """Daily sine, weekends at 60 %, and a slow upward trend: requests/s at Unix time ``t``."""
    t = np.asarray(t, dtype=float)
    daily = 60.0 + 45.0 * np.sin(2 * np.pi * (t - START) / DAY - np.pi / 2)
    weekend = np.where((((t - START) // DAY) % 7) >= 5, 0.6, 1.0)
    return daily * weekend + 5.0 * (t - START) / WEEK


def series(days: float, *, noise: float = 0.05, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    times = START + np.arange(0.0, days * DAY, 60.0)
    rng = np.random.default_rng(seed)
    return times, truth(times) * (1.0 + noise * rng.standard_normal(len(times)))


def test_forecast_tracks_daily_and_weekly_truth_within_bound() -> None:
    times, values = series(21)
    errors = []
    for hours in (0.0, 7.0, 9.5, 13.0, 20.0):
        cut = times < times[-1] - hours * 3600
        now = times[cut][-1] + 60.0
        answer = forecast_rate(times[cut], values[cut], now=now, horizon=HORIZON)
        assert isinstance(answer, Forecast), answer
        assert answer.at == pytest.approx(now + HORIZON)
        assert answer.error <= 0.1
        errors.append(abs(answer.value - float(truth(now + HORIZON))) / float(truth(now + HORIZON)))
    assert max(errors) <= 0.08, errors


def test_weekly_season_is_learnt_saturday_is_not_a_weekday() -> None:
    times, values = series(19, noise=0.02)  # ends at Saturday 00:00 of the third week
    saturday_noon = times[-1] + 60.0 + 12 * 3600.0
    weekday_noon = saturday_noon - DAY
    answer = forecast_rate(times, values, now=times[-1] + 60.0, horizon=12 * 3600.0)
    assert isinstance(answer, Forecast), answer
    assert answer.value == pytest.approx(float(truth(saturday_noon)), rel=0.06)
    assert answer.value < 0.75 * float(truth(weekday_noon))


def test_horizon_moves_the_forecast_along_the_ramp() -> None:
    times, _values = series(21, noise=0.0)
    morning = times[times < START + 20 * DAY + 5 * 3600]
    now = morning[-1] + 60.0
    near = forecast_rate(morning, truth(morning), now=now, horizon=60.0)
    far = forecast_rate(morning, truth(morning), now=now, horizon=3600.0)
    assert isinstance(near, Forecast)
    assert isinstance(far, Forecast)
    assert far.value > near.value + 4.0
    assert far.value == pytest.approx(float(truth(now + 3600.0)), rel=0.03)


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        pytest.param(lambda: series(13.9), "short history", id="short-history"),
        pytest.param(lambda: (series(21)[0], np.zeros(len(series(21)[0]))), "flat zero", id="flat-zero"),
        pytest.param(
            lambda: _without(series(21), lambda t: (t > START + 16 * DAY) & (t < START + 16 * DAY + 7200)),
            "gap",
            id="two-hour-gap",
        ),
        pytest.param(
            lambda: _without(series(21), lambda t: ((t - START) // 3000) % 5 == 0),
            "missing",
            id="scattered-gaps-20pc",
        ),
        pytest.param(
            lambda: _without(series(21), lambda t: t > START + 21 * DAY - 3600),
            "stale",
            id="stopped-an-hour-ago",
        ),
        pytest.param(
            lambda: (series(21)[0], np.random.default_rng(5).exponential(10.0, len(series(21)[0]))),
            "bad fit",
            id="no-pattern-bad-fit",
        ),
    ],
)
def test_no_value_cases(build: object, reason: str) -> None:
    times, values = build()  # type: ignore[operator]
    answer = forecast_rate(times, values, now=START + 21 * DAY, horizon=HORIZON)
    assert isinstance(answer, NoForecast), answer
    assert reason in answer.reason


def _without(pair: tuple[np.ndarray, np.ndarray], drop: object) -> tuple[np.ndarray, np.ndarray]:
    times, values = pair
    keep = ~drop(times)  # type: ignore[operator]
    return times[keep], values[keep]


def test_short_gaps_are_carried_not_filled() -> None:
    times, values = _without(series(21), lambda t: (t > START + 18 * DAY) & (t < START + 18 * DAY + 1200))
    answer = forecast_rate(times, values, now=times[-1] + 60.0, horizon=HORIZON)
    assert isinstance(answer, Forecast)


def test_on_grid_keeps_missing_as_nan_not_zero() -> None:
    first, grid = on_grid(np.array([0.0, 10.0, 650.0, np.nan]), np.array([2.0, 4.0, 8.0, 1.0]), step=300.0)
    assert first == 0
    assert grid[0] == 3.0
    assert np.isnan(grid[1])
    assert grid[2] == 8.0


def test_compressed_seasons_need_two_cycles() -> None:
    settings = ForecastSettings(step=10.0, seasons=(600.0,), max_age=30.0)
    times = np.arange(0.0, 1190.0, 5.0)
    rates = 10 + 5 * np.sin(2 * np.pi * times / 600)
    short = forecast_rate(times, rates, now=1190.0, horizon=30.0, settings=settings)
    assert isinstance(short, NoForecast)
    times = np.arange(0.0, 1800.0, 5.0)
    rates = 10 + 5 * np.sin(2 * np.pi * times / 600)
    answer = forecast_rate(times, rates, now=1800.0, horizon=30.0, settings=settings)
    assert isinstance(answer, Forecast)
    assert answer.value == pytest.approx(10 + 5 * np.sin(2 * np.pi * 1830 / 600), abs=0.5)


def test_a_fit_answers_only_up_to_the_lead_its_error_was_measured_at() -> None:
    times, values = series(21)
    now = times[-1] + 60.0
    fit = fit_history(times, values, now=now, lead=900.0)
    assert isinstance(fit, SeasonalFit)
    assert fit.lead >= 900.0
    inside = fit.rate_at(now + 600.0)
    assert inside is not None
    assert inside == pytest.approx(float(truth(now + 600.0)), rel=0.08)
    assert fit.rate_at(now + fit.lead + 600.0) is None
