"""Burn rates and the multiwindow, multi-burn-rate alert table (Google SRE Workbook, "Alerting on SLOs").

``burn_rate = error_ratio / (1 - objective)``: a burn rate of 1 spends exactly the whole budget in one
SLO period. An alert tier is "``budget_consumed`` of the period's budget spent within the long window
``L``", which fixes its burn-rate factor: ``factor = budget_consumed * period / L`` (2 % of a 30-day
budget in 1 h -> 14.4). The tier fires when the error ratio exceeds ``factor * (1 - objective)`` over
both ``L`` and the short window ``S = L / 12``, the short window letting the alert reset quickly.

:data:`WORKBOOK_TIERS` holds the Workbook's recommended starting parameters for a 30-day SLO (Table 5-8)
plus the 2 h/1 d ticket tier commonly added between them; :func:`burn_rate_table` derives the factors
for any period, and it is the single source the alert-rule renderer uses. Factors and thresholds are
exact ``Decimal``s (99.9 % with 14.4 gives ``0.0144``); a factor whose decimal does not terminate
(10 % of a 28-day budget in 3 d = 0.9333...) is rounded half-even to :data:`FACTOR_PLACES` places.

Pure. Knows nothing about PromQL or spec files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from .objective import Objective, format_decimal, to_decimal
from .window import CalendarWindow, RollingWindow, render_seconds

__all__ = [
    "FACTOR_PLACES",
    "WORKBOOK_TIERS",
    "BurnRateTier",
    "BurnRateWindow",
    "Severity",
    "burn_rate",
    "burn_rate_factor",
    "burn_rate_table",
]

FACTOR_PLACES = 4
_HOUR = 3600
_DAY = 86_400


class Severity(StrEnum):
    PAGE = "page"
    TICKET = "ticket"


def burn_rate(error_ratio: float | None, objective: Objective) -> float:
    """How fast the budget burns: ``error_ratio / (1 - objective)``; 0 without traffic (``None``)."""
    if error_ratio is None:
        return 0.0
    if not math.isfinite(error_ratio) or not 0 <= error_ratio <= 1:
        raise ValueError(f"error ratio must be within [0, 1], got {error_ratio!r}")
    return error_ratio / float(objective.error_budget)


def _to_exact_decimal(value: Fraction) -> Decimal:
    """The decimal of a fraction: exact when it terminates, else rounded to FACTOR_PLACES places."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    with localcontext() as context:
        context.prec = 60
        result = Decimal(value.numerator) / Decimal(value.denominator)
        if denominator != 1:
            result = result.quantize(Decimal(1).scaleb(-FACTOR_PLACES), rounding=ROUND_HALF_EVEN)
    return result.normalize()


def burn_rate_factor(budget_consumed: Decimal, *, period_seconds: int, long_window_seconds: int) -> Decimal:
    """``budget_consumed * period / long_window`` (0.02, 30 d, 1 h -> 14.4)."""
    if budget_consumed <= 0 or period_seconds <= 0 or long_window_seconds <= 0:
        raise ValueError("budget_consumed, period and long window must all be > 0")
    return _to_exact_decimal(Fraction(budget_consumed) * period_seconds / long_window_seconds)


@dataclass(frozen=True)
class BurnRateTier:
    """A catalogue row: spend ``budget_consumed`` of the budget within ``long_window`` seconds.

    ``short_window`` defaults to ``long_window / 12`` (the Workbook's guideline).
    """

    severity: Severity
    budget_consumed: Decimal
    long_window: int
    short_window: int | None = None

    @property
    def resolved_short_window(self) -> int:
        return self.short_window if self.short_window is not None else max(1, round(self.long_window / 12))


WORKBOOK_TIERS: tuple[BurnRateTier, ...] = (
    BurnRateTier(Severity.PAGE, Decimal("0.02"), _HOUR, 5 * 60),
    BurnRateTier(Severity.PAGE, Decimal("0.05"), 6 * _HOUR, 30 * 60),
    BurnRateTier(Severity.TICKET, Decimal("0.1"), _DAY, 2 * _HOUR),
    BurnRateTier(Severity.TICKET, Decimal("0.1"), 3 * _DAY, 6 * _HOUR),
)


@dataclass(frozen=True)
class BurnRateWindow:
    """One alert tier for one SLO period; windows and ``alert_after`` (the rule's ``for``) in seconds."""

    severity: Severity
    long_window: int
    short_window: int
    factor: Decimal
    budget_consumed: Decimal
    period: int
    alert_after: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.short_window < self.long_window:
            raise ValueError(
                f"short window ({self.short_window}s) must be > 0 and shorter than the long window "
                f"({self.long_window}s)"
            )
        if self.long_window > self.period:
            raise ValueError(
                f"long window {render_seconds(self.long_window)} is longer than the SLO period "
                f"{render_seconds(self.period)}"
            )
        if not self.factor > 0 or not self.budget_consumed > 0:
            raise ValueError("factor and budget_consumed must be > 0")
        if self.alert_after < 0:
            raise ValueError(f"alert_after must be >= 0, got {self.alert_after}")

    @classmethod
    def from_factor(
        cls,
        severity: Severity,
        factor: str | int | float | Decimal,
        *,
        long_window: int,
        period: int,
        short_window: int | None = None,
        alert_after: int = 0,
    ) -> BurnRateWindow:
        """A tier given by its burn-rate factor (as in OpenSLO alert conditions); derives the budget spent."""
        exact = to_decimal(factor)
        if not exact > 0:
            raise ValueError(f"burn-rate factor must be > 0, got {format_decimal(exact)}")
        tier = BurnRateTier(severity, Decimal(1), long_window, short_window)
        return cls(
            severity=severity,
            long_window=long_window,
            short_window=tier.resolved_short_window,
            factor=exact.normalize(),
            budget_consumed=_to_exact_decimal(Fraction(exact) * long_window / period),
            period=period,
            alert_after=alert_after,
        )

    @classmethod
    def from_budget(
        cls,
        severity: Severity,
        budget_consumed: Decimal,
        *,
        long_window: int,
        period: int,
        short_window: int | None = None,
        alert_after: int = 0,
    ) -> BurnRateWindow:
        """A tier given by the share of the period's budget spent within ``long_window`` (0.02 = 2 %)."""
        if not 0 < budget_consumed <= 1:
            raise ValueError(f"budget consumed must be within (0, 1], got {format_decimal(budget_consumed)}")
        tier = BurnRateTier(severity, budget_consumed, long_window, short_window)
        return cls(
            severity=severity,
            long_window=long_window,
            short_window=tier.resolved_short_window,
            factor=burn_rate_factor(budget_consumed, period_seconds=period, long_window_seconds=long_window),
            budget_consumed=budget_consumed.normalize(),
            period=period,
            alert_after=alert_after,
        )

    @property
    def long_window_text(self) -> str:
        return render_seconds(self.long_window)

    @property
    def short_window_text(self) -> str:
        return render_seconds(self.short_window)

    @property
    def tier_id(self) -> str:
        """A stable name for the tier, e.g. ``page-1h-5m`` (usable as an inhibition label)."""
        return f"{self.severity}-{self.long_window_text}-{self.short_window_text}"

    def error_ratio_threshold(self, objective: Objective) -> Decimal:
        """The error ratio both windows must exceed: ``factor * (1 - objective)``, exact."""
        return (self.factor * objective.error_budget).normalize()

    def can_fire(self, objective: Objective) -> bool:
        """False when the threshold is at least 1: no error ratio can exceed it (low objectives)."""
        return self.error_ratio_threshold(objective) < 1

    def detection_seconds(self, burn: float) -> float | None:
        """Time for a sudden constant ``burn`` (after a clean long window) to trip the tier.

        ``factor * long_window / burn``; ``None`` when ``burn`` never exceeds the factor.
        """
        if not math.isfinite(burn) or burn <= float(self.factor):
            return None
        return float(self.factor) * self.long_window / burn

    @property
    def exhaustion_seconds(self) -> float:
        """How long the whole budget lasts at exactly the tier's burn rate: ``period / factor``."""
        return self.period / float(self.factor)


def burn_rate_table(
    period: int | RollingWindow | CalendarWindow, *, tiers: Sequence[BurnRateTier] = WORKBOOK_TIERS
) -> tuple[BurnRateWindow, ...]:
    """The alert tiers for an SLO period (seconds or a window; calendar windows use their nominal length).

    Raises ``ValueError`` when a tier's long window exceeds the period.
    """
    period_seconds = period if isinstance(period, int) else period.nominal_seconds
    return tuple(
        BurnRateWindow(
            severity=tier.severity,
            long_window=tier.long_window,
            short_window=tier.resolved_short_window,
            factor=burn_rate_factor(
                tier.budget_consumed, period_seconds=period_seconds, long_window_seconds=tier.long_window
            ),
            budget_consumed=tier.budget_consumed.normalize(),
            period=period_seconds,
        )
        for tier in tiers
    )
