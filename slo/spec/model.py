"""The internal SLO model every spec format is converted into (frozen dataclasses).

An :class:`SLO` has a name and service, an SLI (see :mod:`slo.spec.sli`), an exact objective, a
compliance window (rolling or calendar), a budgeting method (occurrences or timeslices), alerting
settings and an error-budget policy. ``alerting.windows`` holds explicit burn-rate tiers when the
source gave them (OpenSLO alert conditions); otherwise :meth:`SLO.burn_rate_windows` derives the
Workbook table for the SLO's period.

Knows nothing about YAML, pydantic or PromQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ..budget import BudgetPolicyStep
from ..burn_rate import BurnRateWindow, burn_rate_table
from ..objective import Objective
from ..window import Window
from .sli import SLI

__all__ = [
    "SLO",
    "AlertRoute",
    "Alerting",
    "Labels",
    "Occurrences",
    "SpecFormat",
    "Timeslices",
    "check_name",
    "freeze_labels",
]

Labels = tuple[tuple[str, str], ...]
_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def freeze_labels(labels: Mapping[str, str] | None) -> Labels:
    """Sorted, hashable label pairs; raises ``ValueError`` for names Prometheus would reject."""
    pairs = tuple(sorted((labels or {}).items()))
    for name, _ in pairs:
        if _LABEL_NAME.fullmatch(name) is None or name.startswith("__"):
            raise ValueError(f"{name!r} is not a valid Prometheus label name")
    return pairs


def check_name(value: str, *, what: str = "name") -> str:
    """SLO and service names become label values and rule names: letters, digits, ``-``, ``_``, ``.``."""
    if _NAME.fullmatch(value) is None:
        raise ValueError(
            f"{what} {value!r} must be letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit"
        )
    return value


class SpecFormat(StrEnum):
    SERVESCALE = "servescale"
    OPENSLO = "openslo"
    SLOTH = "sloth"


@dataclass(frozen=True)
class Occurrences:
    """Budget counted in events: good events / total events."""


@dataclass(frozen=True)
class Timeslices:
    """Budget counted in time slices: a slice is good when its ratio reaches ``slice_target``."""

    slice_seconds: int
    slice_target: Decimal

    def __post_init__(self) -> None:
        if self.slice_seconds <= 0:
            raise ValueError(f"time slice must be > 0 s, got {self.slice_seconds}")
        if not 0 < self.slice_target <= 1:
            raise ValueError(f"time slice target must be > 0 and <= 1, got {self.slice_target}")


@dataclass(frozen=True)
class AlertRoute:
    """Settings of one alert severity (page or ticket)."""

    enabled: bool = True
    runbook: str | None = None
    labels: Labels = ()
    annotations: Labels = ()


@dataclass(frozen=True)
class Alerting:
    """Burn-rate alerting for one SLO.

    ``min_events``: the low-traffic guard (alert only with at least this many events in the long
    window). ``windows``: explicit tiers, or ``None`` for the Workbook table of the SLO's period.
    """

    name: str | None = None
    page: AlertRoute = AlertRoute()
    ticket: AlertRoute = AlertRoute()
    min_events: int | None = None
    labels: Labels = ()
    annotations: Labels = ()
    windows: tuple[BurnRateWindow, ...] | None = None
    alert_when_no_data: bool = False
    notification_targets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.min_events is not None and self.min_events < 1:
            raise ValueError(f"minimum events must be >= 1, got {self.min_events}")

    @property
    def enabled(self) -> bool:
        return self.page.enabled or self.ticket.enabled


@dataclass(frozen=True)
class SLO:
    name: str
    service: str
    sli: SLI
    objective: Objective
    window: Window
    budgeting: Occurrences | Timeslices = Occurrences()
    alerting: Alerting = Alerting()
    budget_policy: tuple[BudgetPolicyStep, ...] = ()
    description: str | None = None
    labels: Labels = ()
    source: SpecFormat = SpecFormat.SERVESCALE

    def __post_init__(self) -> None:
        check_name(self.name, what="SLO name")
        check_name(self.service, what="service name")
        steps = [step.burned_fraction for step in self.budget_policy]
        if steps != sorted(set(steps)):
            raise ValueError("budget policy steps must have distinct burned fractions in increasing order")

    @property
    def slo_id(self) -> str:
        """``<service>-<name>``: unique within a set of specs."""
        return f"{self.service}-{self.name}"

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    def burn_rate_windows(self) -> tuple[BurnRateWindow, ...]:
        """The alert tiers: the explicit ones, else the Workbook table derived for the window's period."""
        if self.alerting.windows is not None:
            return self.alerting.windows
        return burn_rate_table(self.window)

    def alert_tiers(self) -> tuple[BurnRateWindow, ...]:
        """:meth:`burn_rate_windows`, or none when the window is too short for the Workbook table."""
        try:
            return self.burn_rate_windows()
        except ValueError:
            return ()
