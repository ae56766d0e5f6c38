"""SLOs: a row per SLO of ``--slos``, read from the recording rules ``servescale alerts render`` writes.

Per SLO: budget remaining over the period, burn rate over each window its alert tiers read (with
the tier factors in the description), the budget burn-down, time to exhaustion at the current burn,
and its firing alerts. The panels read records by the names of :mod:`slo.record_names` with the
``slo``/``service`` labels the rules carry, so the board shows exactly what pages.

Knows the SLO model and the record names; nothing about how the rules are written.
"""

from __future__ import annotations

from metrics_adapter.promql import (
    BinOp,
    Duration,
    Expr,
    Selector,
    aggregate,
    binary,
    clamp_min,
    div,
    eq,
    mul,
    or_,
    re,
)
from slo.objective import format_decimal
from slo.record_names import (
    CURRENT_BURN_RATE,
    ERROR_BUDGET,
    OBJECTIVE,
    PERIOD_BUDGET_REMAINING,
    error_ratio_record,
)
from slo.spec import SLO

from ..assemble import BoardSpec, Row, Variable
from ..inputs import BoardInputs
from ..panels import Kind, PanelSpec, Query

__all__ = ["UID", "slos_board"]

UID = "servescale-slos"


def _record(name: str, slo: SLO) -> Selector:
    """A record of ``slo``; empty when the ``$service`` variable leaves the SLO's service out."""
    return Selector(name, (eq("slo", slo.name), eq("service", slo.service), re("service", "$service")))


def _tier_windows(slo: SLO) -> list[tuple[int, str]]:
    """``(window seconds, tiers reading it)`` for every window of the SLO's alert tiers."""
    windows: dict[int, list[str]] = {}
    for tier in slo.alert_tiers():
        for seconds in (tier.long_window, tier.short_window):
            windows.setdefault(int(seconds), []).append(f"{tier.severity} x{format_decimal(tier.factor)}")
    return sorted((seconds, ", ".join(sorted(set(names)))) for seconds, names in windows.items())


def _budget_stats(slo: SLO) -> list[PanelSpec]:
    """Budget remaining and the time it lasts at the current burn rate."""
    remaining = _record(PERIOD_BUDGET_REMAINING, slo)
    period = slo.window.nominal_seconds
    burning = binary(BinOp.GT, _record(CURRENT_BURN_RATE, slo), 0)
    exhaustion: Expr = div(mul(clamp_min(remaining, 0), period), burning)
    return [
        PanelSpec(
            "Error budget remaining",
            f"Share of the {slo.objective.ratio} objective's error budget left over the SLO period "
            "(below 0: overspent).",
            "percentunit",
            [Query(remaining, "remaining")],
            kind=Kind.STAT,
            width=4,
        ),
        PanelSpec(
            "Time to exhaustion",
            "How long the remaining budget lasts at the current burn rate (5-minute error ratio over "
            "the budget); 0 once the budget is spent, no value while nothing burns.",
            "s",
            [Query(exhaustion, "at current burn")],
            kind=Kind.STAT,
            width=4,
        ),
    ]


def _firing(slo: SLO) -> PanelSpec:
    firing = Selector("ALERTS", (eq("alertstate", "firing"), eq("slo", slo.name), eq("service", slo.service)))
    return PanelSpec(
        "Firing SLO alerts",
        "Burn-rate and no-data alerts of this SLO firing now (0 while its rules are loaded and quiet).",
        "short",
        [
            Query(
                # one series either way: the count, else 0 (label-free, so `or` adds no second)
                or_(aggregate("count", firing), aggregate("sum", mul(0, _record(OBJECTIVE, slo)))),
                "firing",
            )
        ],
        kind=Kind.STAT,
        width=4,
    )


def _burn_down(slo: SLO) -> PanelSpec:
    return PanelSpec(
        "Budget burn-down",
        "Error budget remaining over the SLO period, as it was at each moment.",
        "percentunit",
        [Query(_record(PERIOD_BUDGET_REMAINING, slo), "remaining")],
        width=12,
    )


def _burn_rates(slo: SLO) -> PanelSpec | None:
    """Burn rate over every window the alert tiers read; ``None`` when the SLO has no tiers."""
    budget = _record(ERROR_BUDGET, slo)
    burn = [
        Query(div(_record(error_ratio_record(Duration(seconds)), slo), budget), Duration(seconds).render())
        for seconds, _ in _tier_windows(slo)
    ]
    if not burn:
        return None
    tiers_text = "; ".join(f"{Duration(seconds).render()}: {names}" for seconds, names in _tier_windows(slo))
    return PanelSpec(
        "Burn rate per alert window",
        "Error ratio over each window the alert tiers read, divided by the error budget "
        f"(1 = spending exactly the budget). Tiers: {tiers_text}.",
        "short",
        burn,
        width=24,
    )


def _row(slo: SLO) -> Row:
    panels = [*_budget_stats(slo), _firing(slo), _burn_down(slo)]
    burn_rates = _burn_rates(slo)
    if burn_rates is not None:
        panels.append(burn_rates)
    return Row(f"{slo.service} / {slo.name}", panels)


def slos_board(inputs: BoardInputs) -> BoardSpec:
    return BoardSpec(
        uid=UID,
        title="ServeScale / SLOs",
        description="Error budgets, burn rates per alert window, burn-down and firing alerts, from the "
        "SLO recording rules.",
        variables=[
            Variable("service", "service", OBJECTIVE, all_values=True, description="SLO service"),
        ],
        rows=[_row(slo) for slo in inputs.slos],
        time_from="now-24h",
    )
