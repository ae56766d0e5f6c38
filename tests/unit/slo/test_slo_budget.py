"""Budget arithmetic from summed counts: SLI, consumption, remaining, exhaustion, policy status."""

import math
from decimal import Decimal

import pytest

from slo.budget import (
    BudgetPolicyStep,
    BudgetState,
    EventCounts,
    budget_status,
    compute_error_budget,
    compute_timeslice_budget,
    sum_counts,
    time_to_exhaustion,
    window_sli,
)
from slo.objective import Objective

DAY = 86_400
P999 = Objective.from_percent("99.9")


@pytest.mark.parametrize(
    ("good", "total"),
    [
        pytest.param(-1, 10, id="negative-good"),
        pytest.param(1, -10, id="negative-total"),
        pytest.param(11, 10, id="good-above-total"),
        pytest.param(float("nan"), 10, id="nan"),
        pytest.param(1, float("inf"), id="inf"),
    ],
)
def test_event_counts_reject(good: float, total: float) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        EventCounts(good=good, total=total)


def test_zero_traffic_is_no_data() -> None:
    counts = EventCounts(good=0, total=0)
    assert counts.sli is None
    assert counts.error_ratio is None


def test_from_bad() -> None:
    counts = EventCounts.from_bad(3, 10)
    assert (counts.good, counts.bad, counts.sli) == (7, 3, 0.7)


# Uneven traffic: a busy interval (1000 requests, 990 good) and a quiet one (10 requests, all bad).
# Summed: 990 / 1010 = 0.9802. The average of the two ratios, (0.99 + 0.0) / 2 = 0.495, is wrong.
UNEVEN = [EventCounts(good=990, total=1000), EventCounts(good=0, total=10)]


@pytest.mark.parametrize(
    ("increments", "expected"),
    [
        pytest.param(UNEVEN, 990 / 1010, id="uneven-traffic"),
        # Empty intervals add nothing; an average of ratios would have to invent a value for them.
        pytest.param([EventCounts(0, 0), EventCounts(50, 100), EventCounts(0, 0)], 0.5, id="gaps"),
        # 5-minute increments from Prometheus are fractional; the sum still weights by traffic.
        pytest.param([EventCounts(99.5, 100.0), EventCounts(0.5, 1.0)], 100 / 101, id="fractional"),
        pytest.param([EventCounts(0, 0), EventCounts(0, 0)], None, id="no-traffic"),
        pytest.param([], None, id="no-intervals"),
    ],
)
def test_window_sli_sums_counts(increments: list[EventCounts], expected: float | None) -> None:
    assert window_sli(increments) == (pytest.approx(expected) if expected is not None else None)


def test_averaging_ratios_would_be_wrong() -> None:
    ratios = [item.sli for item in UNEVEN if item.sli is not None]
    averaged = sum(ratios) / len(ratios)
    summed = window_sli(UNEVEN)
    assert summed is not None
    assert averaged == pytest.approx(0.495)
    assert abs(summed - averaged) > 0.4
    assert sum_counts(UNEVEN) == EventCounts(good=990, total=1010)


@pytest.mark.parametrize(
    ("percent", "good", "total", "days", "elapsed", "sli", "burn", "consumed", "budget_minutes"),
    [
        # No traffic: no SLI, nothing burnt, budget of 30 d at 99.9 % = 43 200 min * 0.001 = 43.2 min.
        pytest.param("99.9", 0, 0, 30, 1.0, None, 0.0, 0.0, 43.2, id="zero-traffic"),
        # All bad: error ratio 1 -> burn 1 / 0.001 = 1000, the budget is spent 1000 times over.
        pytest.param("99.9", 0, 1000, 30, 1.0, 0.0, 1000.0, 1000.0, 43.2, id="all-bad"),
        # 500 bad of 1e6: error ratio 0.0005 -> burn 0.5 -> half the budget (21.6 of 43.2 min).
        pytest.param("99.9", 999_500, 1_000_000, 30, 1.0, 0.9995, 0.5, 0.5, 43.2, id="half"),
        # 99 %: 2 % errors -> burn 2, consumed 2, remaining -1 (overspent); 30 d * 0.01 = 432 min.
        pytest.param("99", 98, 100, 30, 1.0, 0.98, 2.0, 2.0, 432.0, id="overspent"),
        # 99.5 % over 28 d: budget 40 320 min * 0.005 = 201.6 min; no errors.
        pytest.param("99.5", 100, 100, 28, 1.0, 1.0, 0.0, 0.0, 201.6, id="perfect-28d"),
        # A quarter-elapsed calendar window burning at 2: the budget is taken on the expected
        # events of the whole window (observed / 0.25), so consumed = 2 * 0.25 = 0.5.
        pytest.param("99.9", 998, 1000, 30, 0.25, 0.998, 2.0, 0.5, 43.2, id="calendar-partial"),
    ],
)
def test_compute_error_budget(
    percent: str,
    good: float,
    total: float,
    days: int,
    elapsed: float,
    sli: float | None,
    burn: float,
    consumed: float,
    budget_minutes: float,
) -> None:
    budget = compute_error_budget(
        EventCounts(good=good, total=total),
        objective=Objective.from_percent(percent),
        window_seconds=days * DAY,
        elapsed_fraction=elapsed,
    )
    assert budget.sli == (pytest.approx(sli) if sli is not None else None)
    assert budget.has_data is (sli is not None)
    assert budget.burn_rate == pytest.approx(burn)
    assert budget.consumed == pytest.approx(consumed)
    assert budget.remaining == pytest.approx(1 - consumed)
    assert budget.budget_minutes == pytest.approx(budget_minutes)
    assert budget.consumed_minutes == pytest.approx(consumed * budget_minutes)
    assert budget.remaining_minutes == pytest.approx((1 - consumed) * budget_minutes)
    numbers = [budget.burn_rate, budget.consumed, budget.remaining, budget.budget_minutes]
    assert all(math.isfinite(value) for value in numbers)


def test_budget_ratio_is_exact() -> None:
    budget = compute_error_budget(EventCounts(1, 1), objective=P999, window_seconds=30 * DAY)
    assert budget.budget_ratio == Decimal("0.001")


@pytest.mark.parametrize(
    ("window", "elapsed"),
    [pytest.param(0, 1.0, id="empty-window"), pytest.param(DAY, 0.0, id="nothing-elapsed")],
)
def test_compute_error_budget_rejects(window: float, elapsed: float) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        compute_error_budget(
            EventCounts(1, 1), objective=P999, window_seconds=window, elapsed_fraction=elapsed
        )


@pytest.mark.parametrize(
    ("good", "bad", "sli", "consumed"),
    [
        # 99 % over 7 d of 1-minute slices: 10 080 slices, 1 % of them = 100.8 slices of budget.
        pytest.param(9000, 50, 9000 / 9050, 50 / 100.8, id="some-bad"),
        pytest.param(0, 0, None, 0.0, id="no-data"),
        pytest.param(0, 202, 0.0, 202 / 100.8, id="all-bad-overspent"),
    ],
)
def test_timeslice_budget(good: int, bad: int, sli: float | None, consumed: float) -> None:
    budget = compute_timeslice_budget(
        good_slices=good,
        bad_slices=bad,
        objective=Objective.from_percent(99),
        window_seconds=7 * DAY,
        slice_seconds=60,
    )
    assert budget.sli == (pytest.approx(sli) if sli is not None else None)
    assert budget.consumed == pytest.approx(consumed)
    assert budget.remaining == pytest.approx(1 - consumed)
    assert budget.budget_minutes == pytest.approx(100.8)


def test_timeslice_budget_rejects_fractional_slices() -> None:
    with pytest.raises(ValueError, match="bad_slices"):
        compute_timeslice_budget(
            good_slices=1,
            bad_slices=1.5,  # type: ignore[arg-type]
            objective=P999,
            window_seconds=DAY,
            slice_seconds=60,
        )


@pytest.mark.parametrize(
    ("good", "total", "burn", "expected"),
    [
        # Half the 30-day budget left; burning at 2 spends a whole budget in 15 d, half in 7.5 d.
        pytest.param(999_500, 1_000_000, 2.0, 7.5 * DAY, id="half-left-burn-2"),
        # Full budget left at burn 1: exactly one window length.
        pytest.param(1000, 1000, 1.0, 30 * DAY, id="full-burn-1"),
        pytest.param(1000, 1000, 0.0, None, id="not-burning"),
        pytest.param(0, 1000, 5.0, 0.0, id="already-exhausted"),
    ],
)
def test_time_to_exhaustion(good: float, total: float, burn: float, expected: float | None) -> None:
    budget = compute_error_budget(EventCounts(good, total), objective=P999, window_seconds=30 * DAY)
    result = time_to_exhaustion(budget, burn_rate=burn)
    assert result == (pytest.approx(expected) if expected is not None else None)


POLICY = (
    BudgetPolicyStep(Decimal("0.5"), "review reliability backlog"),
    BudgetPolicyStep(Decimal("1"), "freeze rollouts"),
    BudgetPolicyStep(Decimal("2"), "postmortem"),
)


@pytest.mark.parametrize(
    ("consumed", "policy", "state", "action"),
    [
        pytest.param(0.0, POLICY, BudgetState.OK, None, id="untouched"),
        pytest.param(0.49, POLICY, BudgetState.OK, None, id="below-first-step"),
        pytest.param(0.5, POLICY, BudgetState.WARNING, "review reliability backlog", id="first-step"),
        pytest.param(0.99, POLICY, BudgetState.WARNING, "review reliability backlog", id="nearly-gone"),
        pytest.param(1.0, POLICY, BudgetState.EXHAUSTED, "freeze rollouts", id="exhausted"),
        pytest.param(3.0, POLICY, BudgetState.EXHAUSTED, "postmortem", id="far-overspent"),
        pytest.param(3.0, tuple(reversed(POLICY)), BudgetState.EXHAUSTED, "postmortem", id="unsorted-policy"),
        pytest.param(0.9, (), BudgetState.OK, None, id="no-policy"),
        pytest.param(1.2, (), BudgetState.EXHAUSTED, None, id="no-policy-exhausted"),
    ],
)
def test_budget_status(
    consumed: float, policy: tuple[BudgetPolicyStep, ...], state: BudgetState, action: str | None
) -> None:
    status = budget_status(consumed, policy)
    assert status.state == state
    assert (status.step.action if status.step else None) == action


def test_policy_step_rejects_zero() -> None:
    with pytest.raises(ValueError, match="burned_fraction"):
        BudgetPolicyStep(Decimal(0), "nothing")
