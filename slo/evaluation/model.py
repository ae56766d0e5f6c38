"""What an SLO evaluation returns: per SLO (and per group of a grouped SLO) the SLI over the window,
good/total events, the error budget, burn rates per alert window, alert tiers, time to exhaustion and
the budget policy status, all at one fixed instant ``at``.

Values that could not be measured are ``None`` (no traffic: SLI ``None``, burn rate 0). An SLO whose
queries failed carries ``error`` and no measurement. Frozen dataclasses; the wire form is in
:mod:`slo.evaluation.wire`. Knows the budget and burn-rate types; nothing about PromQL or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..budget import BudgetStatus, ErrorBudget
from ..burn_rate import BurnRateWindow
from ..sli.base import EventUnit
from ..spec.model import SLO, Labels
from ..window import WindowSpan

__all__ = ["Evaluation", "Measurement", "SLOStatus", "TierStatus", "WindowBurn"]


@dataclass(frozen=True)
class WindowBurn:
    """The error ratio and burn rate over the last ``seconds`` before ``at`` (an alert window)."""

    seconds: int
    error_ratio: float | None
    burn_rate: float
    events: float | None = None


@dataclass(frozen=True)
class TierStatus:
    """One multiwindow alert tier: firing when both windows burn faster than its factor."""

    tier: BurnRateWindow
    long: WindowBurn
    short: WindowBurn
    firing: bool


@dataclass(frozen=True)
class Measurement:
    """The SLO's figures for one group (``group == ()`` for the SLO as a whole)."""

    group: Labels
    good: float | None
    total: float | None
    budget: ErrorBudget
    current_burn_rate: float
    burn_rates: tuple[WindowBurn, ...]
    tiers: tuple[TierStatus, ...]
    time_to_exhaustion: float | None
    status: BudgetStatus

    @property
    def sli(self) -> float | None:
        return self.budget.sli

    @property
    def bad(self) -> float | None:
        if self.good is None or self.total is None:
            return None
        return self.total - self.good

    @property
    def alerting(self) -> bool:
        return any(tier.firing for tier in self.tiers)


@dataclass(frozen=True)
class SLOStatus:
    """One SLO at ``span.at``; ``overall`` is ``None`` exactly when ``error`` says why."""

    slo: SLO
    span: WindowSpan
    unit: EventUnit | None
    overall: Measurement | None
    groups: tuple[Measurement, ...] = ()
    error: str | None = None

    @property
    def name(self) -> str:
        return self.slo.name

    @property
    def at(self) -> datetime:
        return self.span.at


@dataclass(frozen=True)
class Evaluation:
    """Every SLO evaluated at ``at``; ``queries`` counts the Prometheus requests made."""

    at: datetime
    statuses: tuple[SLOStatus, ...]
    queries: int = 0

    def find(self, name: str) -> SLOStatus | None:
        """The status of the SLO called ``name`` (or whose ``<service>-<name>`` id is ``name``)."""
        by_id = [status for status in self.statuses if status.slo.slo_id == name]
        by_name = [status for status in self.statuses if status.slo.name == name]
        found = by_id or by_name
        return found[0] if found else None
