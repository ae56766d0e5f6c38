"""Burn rates and the multiwindow, multi-burn-rate table derived from budget consumption."""

from decimal import Decimal

import pytest

from slo.burn_rate import (
    BurnRateTier,
    BurnRateWindow,
    Severity,
    burn_rate,
    burn_rate_factor,
    burn_rate_table,
)
from slo.objective import Objective, format_decimal
from slo.window import CalendarUnit, CalendarWindow, RollingWindow

DAY = 86_400
P999 = Objective.from_percent("99.9")


@pytest.mark.parametrize(
    ("error_ratio", "percent", "expected"),
    [
        pytest.param(None, "99.9", 0.0, id="no-traffic"),
        pytest.param(0.0, "99.9", 0.0, id="no-errors"),
        pytest.param(0.001, "99.9", 1.0, id="on-budget"),
        pytest.param(0.0144, "99.9", 14.4, id="fast-page"),
        pytest.param(1.0, "99.9", 1000.0, id="full-outage"),
        pytest.param(0.01, "99", 1.0, id="99-percent"),
    ],
)
def test_burn_rate(error_ratio: float | None, percent: str, expected: float) -> None:
    assert burn_rate(error_ratio, Objective.from_percent(percent)) == pytest.approx(expected)


def test_burn_rate_rejects_impossible_ratio() -> None:
    with pytest.raises(ValueError, match="error ratio"):
        burn_rate(1.5, P999)


def _rows(period: int | RollingWindow | CalendarWindow) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            str(w.severity),
            w.long_window_text,
            w.short_window_text,
            format_decimal(w.factor),
            format_decimal(w.budget_consumed),
        )
        for w in burn_rate_table(period)
    ]


# SRE Workbook, "Alerting on SLOs", 30-day SLO: page 2 % in 1 h (14.4), page 5 % in 6 h (6),
# ticket 10 % in 1 d (3), ticket 10 % in 3 d (1); factor = consumed * 720 h / long window.
WORKBOOK_30D = [
    ("page", "1h", "5m", "14.4", "0.02"),
    ("page", "6h", "30m", "6", "0.05"),
    ("ticket", "1d", "2h", "3", "0.1"),
    ("ticket", "3d", "6h", "1", "0.1"),
]


@pytest.mark.parametrize(
    ("period", "factors"),
    [
        pytest.param(30 * DAY, ["14.4", "6", "3", "1"], id="30d"),
        # 28 d = 672 h: 0.02*672/1 = 13.44, 0.05*672/6 = 5.6, 0.1*672/24 = 2.8, 0.1*672/72 = 0.9333...
        pytest.param(RollingWindow.parse("28d"), ["13.44", "5.6", "2.8", "0.9333"], id="28d"),
        # 7 d = 168 h: 3.36, 1.4, 0.7, 0.2333...
        pytest.param(RollingWindow.parse("7d"), ["3.36", "1.4", "0.7", "0.2333"], id="7d"),
        # 90 d = 2160 h: 43.2, 18, 9, 3.
        pytest.param(RollingWindow.parse("90d"), ["43.2", "18", "9", "3"], id="90d"),
        # Calendar windows alert on their nominal length: a month as 30 d, a quarter as 90 d.
        pytest.param(
            CalendarWindow(CalendarUnit.MONTH, "Europe/Berlin"), ["14.4", "6", "3", "1"], id="month"
        ),
        pytest.param(CalendarWindow(CalendarUnit.QUARTER), ["43.2", "18", "9", "3"], id="quarter"),
    ],
)
def test_table_factors(period: int | RollingWindow | CalendarWindow, factors: list[str]) -> None:
    rows = _rows(period)
    assert [row[3] for row in rows] == factors
    assert [row[:3] for row in rows] == [row[:3] for row in WORKBOOK_30D]


def test_table_30d_matches_the_workbook() -> None:
    assert _rows(30 * DAY) == WORKBOOK_30D


def test_short_window_is_a_twelfth_of_the_long_one() -> None:
    for window in burn_rate_table(30 * DAY):
        assert window.short_window * 12 == window.long_window


def test_exact_factors_reproduce_the_budget_consumed() -> None:
    for days in (30, 90):
        for window in burn_rate_table(days * DAY):
            assert window.factor * window.long_window / window.period == window.budget_consumed


@pytest.mark.parametrize(
    ("percent", "period", "thresholds"),
    [
        # 99.9 %: budget 0.001 -> 14.4 * 0.001 = 0.0144, 6 * 0.001 = 0.006, 0.003, 0.001.
        pytest.param("99.9", 30 * DAY, ["0.0144", "0.006", "0.003", "0.001"], id="99.9-30d"),
        # 99.5 %: budget 0.005 -> 0.072, 0.03, 0.015, 0.005.
        pytest.param("99.5", 30 * DAY, ["0.072", "0.03", "0.015", "0.005"], id="99.5-30d"),
        # 99.95 %: budget 0.0005 -> 0.0072, 0.003, 0.0015, 0.0005.
        pytest.param("99.95", 30 * DAY, ["0.0072", "0.003", "0.0015", "0.0005"], id="99.95-30d"),
        # 28 d at 99.9 %: 13.44 * 0.001 = 0.01344 ... 0.9333 * 0.001 = 0.0009333.
        pytest.param("99.9", 28 * DAY, ["0.01344", "0.0056", "0.0028", "0.0009333"], id="99.9-28d"),
    ],
)
def test_error_ratio_thresholds_print_exactly(percent: str, period: int, thresholds: list[str]) -> None:
    objective = Objective.from_percent(percent)
    printed = [format_decimal(w.error_ratio_threshold(objective)) for w in burn_rate_table(period)]
    assert printed == thresholds


def test_error_budget_prints_exactly() -> None:
    assert format_decimal(P999.error_budget) == "0.001"
    assert str(P999.error_budget) == "0.001"


@pytest.mark.parametrize(
    ("percent", "fires"),
    [
        # 14.4 * (1 - 0.93) = 1.008: an error ratio can never exceed it.
        pytest.param("93", False, id="93-never"),
        # 14.4 * (1 - 0.931) = 0.9936 < 1.
        pytest.param("93.1", True, id="93.1-can"),
        pytest.param("99.9", True, id="99.9"),
    ],
)
def test_fast_page_can_fire(percent: str, fires: bool) -> None:
    fast_page = burn_rate_table(30 * DAY)[0]
    assert fast_page.can_fire(Objective.from_percent(percent)) is fires


@pytest.mark.parametrize(
    ("tier", "burn", "seconds"),
    [
        # 99.9 % full outage = burn 1000: 14.4 * 3600 s / 1000 = 51.84 s (the Workbook's "~52 s").
        pytest.param(0, 1000.0, 51.84, id="page-1h-outage"),
        # 6 * 21 600 s / 1000 = 129.6 s (~2.2 min).
        pytest.param(1, 1000.0, 129.6, id="page-6h-outage"),
        # Burn 10 on the 3-day ticket tier: 1 * 259 200 s / 10 = 25 920 s (7.2 h).
        pytest.param(3, 10.0, 25_920.0, id="ticket-3d-burn-10"),
        pytest.param(0, 14.4, None, id="at-factor-never"),
        pytest.param(0, 2.0, None, id="below-factor"),
    ],
)
def test_detection_time(tier: int, burn: float, seconds: float | None) -> None:
    window = burn_rate_table(30 * DAY)[tier]
    result = window.detection_seconds(burn)
    assert result == (pytest.approx(seconds) if seconds is not None else None)


def test_exhaustion_at_the_tier_burn_rate() -> None:
    # 30 d / 14.4 = 180 000 s (about 2.08 days).
    assert burn_rate_table(30 * DAY)[0].exhaustion_seconds == pytest.approx(180_000)


def test_from_factor_derives_budget_consumed() -> None:
    window = BurnRateWindow.from_factor(
        Severity.PAGE, 14.4, long_window=3600, period=30 * DAY, alert_after=120
    )
    assert window.factor == Decimal("14.4")
    assert window.budget_consumed == Decimal("0.02")
    assert (window.short_window_text, window.alert_after, window.tier_id) == ("5m", 120, "page-1h-5m")


def test_custom_tier_default_short_window() -> None:
    tier = BurnRateTier(Severity.PAGE, Decimal("0.01"), 30 * 60)
    (window,) = burn_rate_table(30 * DAY, tiers=[tier])
    # 0.01 * 720 h / 0.5 h = 14.4; short = 30 m / 12 = 2m30s.
    assert (format_decimal(window.factor), window.short_window_text) == ("14.4", "2m30s")


def test_burn_rate_factor_is_exact() -> None:
    assert burn_rate_factor(Decimal("0.02"), period_seconds=30 * DAY, long_window_seconds=3600) == Decimal(
        "14.4"
    )


def test_table_rejects_period_shorter_than_a_window() -> None:
    with pytest.raises(ValueError, match="longer than the SLO period"):
        burn_rate_table(2 * DAY)


def test_window_rejects_short_not_below_long() -> None:
    with pytest.raises(ValueError, match="short window"):
        BurnRateWindow(Severity.PAGE, 3600, 3600, Decimal(1), Decimal("0.01"), 30 * DAY)
