"""Error-budget arithmetic: SLI, budget, consumption, remaining budget and policy status.

Every SLI here comes from *summed* event counts (good and total over the window), never from an
average of per-interval ratios: averaging 5-minute ratios weighs a quiet night like a busy
afternoon and is wrong whenever traffic is uneven. Zero traffic means "no data": the SLI is ``None``,
nothing is consumed and the burn rate is 0; no NaN is ever produced.

Occurrences budgeting (the SRE Workbook's "error budget = 1 - SLO of the window's events"):
``burn = error_ratio / (1 - objective)``; for a window that has run for the fraction ``f`` of its
length, the budget is taken on the window's expected events (observed events / ``f``), so
``consumed = burn * f`` (``f`` = 1 for rolling windows, so ``consumed = burn``). Timeslices budgeting
(OpenSLO): the window has ``length / slice`` slices and may lose ``(1 - objective)`` of them, so
``consumed = bad_slices / ((1 - objective) * slices_in_window)``. ``remaining = 1 - consumed`` and goes
negative when the budget is overspent. Minutes are the budget expressed as time:
``window * (1 - objective)``.

Pure: ``now`` and window lengths are arguments. Knows nothing about PromQL or spec files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .burn_rate import burn_rate
from .objective import Objective

__all__ = [
    "BudgetPolicyStep",
    "BudgetState",
    "BudgetStatus",
    "ErrorBudget",
    "EventCounts",
    "budget_status",
    "compute_error_budget",
    "compute_timeslice_budget",
    "sum_counts",
    "time_to_exhaustion",
    "window_sli",
]


def _check_count(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")


@dataclass(frozen=True)
class EventCounts:
    """Good and total events over one interval (Prometheus ``increase()`` results may be fractional).

    Raises ``ValueError`` for negative or non-finite counts and for ``good > total``.
    """

    good: float
    total: float

    def __post_init__(self) -> None:
        _check_count("good", self.good)
        _check_count("total", self.total)
        if self.good > self.total:
            raise ValueError(f"good events ({self.good}) exceed total events ({self.total})")

    @classmethod
    def from_bad(cls, bad: float, total: float) -> EventCounts:
        _check_count("bad", bad)
        _check_count("total", total)
        if bad > total:
            raise ValueError(f"bad events ({bad}) exceed total events ({total})")
        return cls(good=total - bad, total=total)

    @property
    def bad(self) -> float:
        return self.total - self.good

    @property
    def sli(self) -> float | None:
        """``good / total``, or ``None`` when there were no events."""
        return self.good / self.total if self.total > 0 else None

    @property
    def error_ratio(self) -> float | None:
        """``bad / total``, or ``None`` when there were no events."""
        return self.bad / self.total if self.total > 0 else None

    def __add__(self, other: EventCounts) -> EventCounts:
        return EventCounts(good=self.good + other.good, total=self.total + other.total)


def sum_counts(increments: Iterable[EventCounts]) -> EventCounts:
    """Add per-interval increments into the window's counts."""
    good = total = 0.0
    for item in increments:
        good += item.good
        total += item.total
    return EventCounts(good=min(good, total), total=total)


def window_sli(increments: Iterable[EventCounts]) -> float | None:
    """The window's SLI from per-interval increments: ``sum(good) / sum(total)``, ``None`` without events."""
    return sum_counts(increments).sli


@dataclass(frozen=True)
class ErrorBudget:
    """The error budget of one window at one instant.

    ``consumed`` and ``remaining`` are fractions of the whole window's budget; ``remaining`` is
    negative when the budget is overspent. ``burn_rate`` is measured over the elapsed part.
    """

    objective: Objective
    window_seconds: float
    elapsed_fraction: float
    sli: float | None
    burn_rate: float
    consumed: float

    @property
    def budget_ratio(self) -> Decimal:
        """The allowed error ratio, ``1 - objective`` (exact)."""
        return self.objective.error_budget

    @property
    def budget_minutes(self) -> float:
        return self.window_seconds * float(self.budget_ratio) / 60

    @property
    def remaining(self) -> float:
        return 1.0 - self.consumed

    @property
    def consumed_minutes(self) -> float:
        return self.consumed * self.budget_minutes

    @property
    def remaining_minutes(self) -> float:
        return self.remaining * self.budget_minutes

    @property
    def has_data(self) -> bool:
        return self.sli is not None


def _check_window(window_seconds: float, elapsed_fraction: float) -> None:
    if not math.isfinite(window_seconds) or window_seconds <= 0:
        raise ValueError(f"window_seconds must be > 0, got {window_seconds!r}")
    if not 0 < elapsed_fraction <= 1:
        raise ValueError(f"elapsed_fraction must be in (0, 1], got {elapsed_fraction!r}")


def compute_error_budget(
    counts: EventCounts,
    *,
    objective: Objective,
    window_seconds: float,
    elapsed_fraction: float = 1.0,
) -> ErrorBudget:
    """Occurrences budgeting from the summed counts of the elapsed part of the window.

    For a calendar window pass the span's real length and elapsed fraction (``WindowSpan.seconds``,
    ``WindowSpan.elapsed_fraction``); a rolling window is always fully elapsed.
    """
    _check_window(window_seconds, elapsed_fraction)
    burn = burn_rate(counts.error_ratio, objective)
    return ErrorBudget(
        objective=objective,
        window_seconds=window_seconds,
        elapsed_fraction=elapsed_fraction,
        sli=counts.sli,
        burn_rate=burn,
        consumed=burn * elapsed_fraction,
    )


def compute_timeslice_budget(
    *,
    good_slices: int,
    bad_slices: int,
    objective: Objective,
    window_seconds: float,
    slice_seconds: float,
    elapsed_fraction: float = 1.0,
) -> ErrorBudget:
    """Timeslices budgeting: slices without data are counted neither good nor bad."""
    _check_window(window_seconds, elapsed_fraction)
    for name, value in (("good_slices", good_slices), ("bad_slices", bad_slices)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    if not math.isfinite(slice_seconds) or not 0 < slice_seconds <= window_seconds:
        raise ValueError(f"slice_seconds must be in (0, window_seconds], got {slice_seconds!r}")
    measured = good_slices + bad_slices
    error_ratio = bad_slices / measured if measured else None
    budget_slices = float(objective.error_budget) * (window_seconds / slice_seconds)
    return ErrorBudget(
        objective=objective,
        window_seconds=window_seconds,
        elapsed_fraction=elapsed_fraction,
        sli=good_slices / measured if measured else None,
        burn_rate=burn_rate(error_ratio, objective),
        consumed=bad_slices / budget_slices,
    )


def time_to_exhaustion(budget: ErrorBudget, *, burn_rate: float) -> float | None:
    """Seconds until the remaining budget is gone at a constant ``burn_rate``.

    A burn rate of 1 spends the whole budget in one window length, so the answer is
    ``remaining * window / burn_rate``; 0 when already exhausted, ``None`` when nothing burns.
    """
    if not math.isfinite(burn_rate) or burn_rate < 0:
        raise ValueError(f"burn_rate must be finite and >= 0, got {burn_rate!r}")
    if budget.remaining <= 0:
        return 0.0
    if burn_rate == 0:
        return None
    return budget.remaining * budget.window_seconds / burn_rate


@dataclass(frozen=True)
class BudgetPolicyStep:
    """Take ``action`` once ``burned_fraction`` of the budget is consumed (0.5 = half the budget)."""

    burned_fraction: Decimal
    action: str

    def __post_init__(self) -> None:
        if not isinstance(self.burned_fraction, Decimal) or not self.burned_fraction > 0:
            raise ValueError(f"burned_fraction must be a Decimal > 0, got {self.burned_fraction!r}")
        if not self.action.strip():
            raise ValueError("action must not be empty")


class BudgetState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True)
class BudgetStatus:
    """Where a budget stands against its policy; ``step`` is the highest policy step reached."""

    state: BudgetState
    step: BudgetPolicyStep | None


def budget_status(consumed: float, policy: Sequence[BudgetPolicyStep] = ()) -> BudgetStatus:
    """``exhausted`` once the whole budget is consumed, ``warning`` once any policy step is reached."""
    if not math.isfinite(consumed):
        raise ValueError(f"consumed must be finite, got {consumed!r}")
    reached = [step for step in policy if consumed >= float(step.burned_fraction)]
    step = max(reached, key=lambda item: item.burned_fraction) if reached else None
    if consumed >= 1:
        return BudgetStatus(BudgetState.EXHAUSTED, step)
    return BudgetStatus(BudgetState.WARNING if step is not None else BudgetState.OK, step)
