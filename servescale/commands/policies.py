"""``servescale simulate|backtest --policies ...``: autoscaling policies side by side on the same load.

``backtest --policies`` replays the recorded request rate of the HPA's Deployment (and the two
weeks before it, the forecaster's history) as the load of the Deployment's model in ``--scenario``
(capacity, latency, start-up): what each policy would have done with that demand.

Runs ``autoscaler.simulation.policies.compare_policies`` on the scenario with the one HPA given
(the reactive policy), prints the policy table (SLO-violating minutes, requests served late,
GPU-hours, scale events) and writes ``policies.csv`` and ``policies.png``. The fluid fleet model
steps once per sample interval here, so a week runs in minutes. The forecast horizon is the
scenario's pod start-up plus the sync period; the forecaster's history is the scenario's load
before ``t = 0`` (a replay CSV that starts two weeks early).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

from autoscaler.forecast import default_horizon
from autoscaler.hpa import HorizontalPodAutoscaler
from autoscaler.sandbox import Scenario
from autoscaler.sandbox.profiles import ReplayLoad
from autoscaler.simulation.closed_loop import SimulationSettings
from autoscaler.simulation.forecast_reader import ForecastOptions
from autoscaler.simulation.history_query import HistoryQuery, deployment_history_query
from autoscaler.simulation.hpa_manifests import REQUEST_RATE
from autoscaler.simulation.policies import Policy, PolicySettings, compare_policies, policy_table
from autoscaler.simulation.policy_plots import plot_policies
from autoscaler.simulation.prometheus_history import HistoryGrid
from metrics_adapter.catalogue import Catalogue
from metrics_adapter.promql import Duration
from servescale.commands.conventions import fail

__all__ = [
    "DemandHistory",
    "backtest_policies",
    "parse_policies",
    "recorded_demand",
    "run_policy_comparison",
    "with_load",
]


class DemandHistory(Protocol):
    """Where recorded series come from (``PrometheusHistory``)."""

    def series(self, query: HistoryQuery, grid: HistoryGrid) -> npt.NDArray[np.float64]: ...


def parse_policies(text: str) -> tuple[Policy, ...]:
    """``reactive,predictive,fixed`` (any of them, ``scale-to-zero`` too); exits 2 on an unknown name."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    known = {str(policy): policy for policy in Policy}
    unknown = [name for name in names if name not in known]
    if not names or unknown:
        fail(f"--policies: {', '.join(unknown) or 'none given'}: choose from {', '.join(known)}")
    return tuple(known[name] for name in dict.fromkeys(names))


def run_policy_comparison(
    scenario: Scenario,
    hpas: tuple[HorizontalPodAutoscaler, ...],
    *,
    policies: tuple[Policy, ...],
    settings: SimulationSettings,
    latency_objective_ms: float,
    out: Path,
    console: Console,
) -> None:
    """Compare ``policies`` for the one HPA of ``hpas``; print the table, write CSV and PNG to ``out``."""
    if len(hpas) != 1:
        fail(f"--policies compares policies for one HPA; --hpa holds {len(hpas)}")
    horizon = default_horizon(
        startup_seconds=scenario.startup_delay_seconds, sync_period_seconds=settings.sync_period_seconds
    )
    simulation = replace(settings, fleet_step_seconds=settings.sample_interval_seconds)
    policy_settings = PolicySettings(
        latency_objective_ms=latency_objective_ms,
        forecast=ForecastOptions(horizon_seconds=horizon),
        policies=policies,
    )
    try:
        outcomes = compare_policies(scenario, hpas[0], simulation=simulation, settings=policy_settings)
    except ValueError as exc:
        fail(f"--hpa: {exc}")
    frame = policy_table(outcomes)
    table = Table(title=f"policies, p95 SLO {latency_objective_ms:g} ms, forecast horizon {horizon:g} s")
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*(str(value) for value in row))
    console.print(table)
    for outcome in outcomes:
        for note in outcome.notes:
            console.print(f"{outcome.policy}: {note}")
    try:
        frame.to_csv(out / "policies.csv", index=False)
        plot_policies(
            outcomes, out / "policies.png", latency_objective_ms=latency_objective_ms, title="policies"
        )
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    console.print(f"wrote {out / 'policies.csv'}, {out / 'policies.png'}")
    by = {outcome.policy: outcome for outcome in outcomes}
    reactive, predictive = by.get(Policy.REACTIVE), by.get(Policy.PREDICTIVE)
    if reactive is not None and predictive is not None and reactive.slo_violating_minutes > 0:
        fewer = 100.0 * (1.0 - predictive.slo_violating_minutes / reactive.slo_violating_minutes)
        more = 100.0 * (predictive.gpu_hours / reactive.gpu_hours - 1.0)
        console.print(
            f"predictive vs reactive: {fewer:.0f} % fewer SLO-violating minutes, {more:.1f} % more GPU-hours"
        )


def recorded_demand(
    history: DemandHistory,
    query: HistoryQuery,
    *,
    start: datetime,
    end: datetime,
    history_seconds: float,
    step_seconds: float = 60.0,
    history_step_seconds: float = 300.0,
) -> ReplayLoad:
    """The recorded request rate as a load profile, ``t = 0`` at ``start``.

    The window replayed is read every ``step_seconds``; the ``history_seconds`` before it (the
    forecaster's) every ``history_step_seconds``, so both stay under Prometheus's points per query.
    Raises ``ValueError`` on any missing point: a gap would have to be filled with made-up load.
    """
    before = HistoryGrid(
        start - timedelta(seconds=history_seconds), start, timedelta(seconds=history_step_seconds)
    )
    window = HistoryGrid(start, end, timedelta(seconds=step_seconds))
    parts = []
    for grid in (before, window):
        values = history.series(query, grid)
        missing = int(np.isnan(values).sum())
        if missing:
            raise ValueError(
                f"{missing} of {len(values)} points between {grid.start:%Y-%m-%d %H:%M} and "
                f"{grid.end:%Y-%m-%d %H:%M} have no request rate; the replay needs a complete history"
            )
        offset = (grid.start - start).total_seconds()
        parts.append((grid.seconds + offset, values))
    times = np.concatenate([parts[0][0][:-1], parts[1][0]])
    rates = np.concatenate([parts[0][1][:-1], parts[1][1]])
    return ReplayLoad(times=tuple(times.tolist()), rates=tuple(np.maximum(rates, 0.0).tolist()))


def with_load(scenario: Scenario, hpa: HorizontalPodAutoscaler, load: ReplayLoad) -> Scenario:
    """``scenario`` with the HPA's Deployment offered ``load``; ``ValueError`` if it has no such model."""
    key = (hpa.namespace, hpa.scale_target_ref.name)
    if not any(d.key == key for d in scenario.deployments):
        raise ValueError(
            f"the scenario has no model {key[1]!r} in namespace {key[0]!r} to replay the load on"
        )
    return replace(
        scenario,
        deployments=tuple(replace(d, load=load) if d.key == key else d for d in scenario.deployments),
    )


def backtest_policies(
    history: DemandHistory,
    *,
    catalogue: Catalogue,
    scenario: Scenario,
    hpas: tuple[HorizontalPodAutoscaler, ...],
    grid: HistoryGrid,
    policies: tuple[Policy, ...],
    latency_objective_ms: float,
    out: Path,
    console: Console,
) -> None:
    """``backtest --policies``: the recorded demand of ``[grid.start, grid.end]`` through each policy."""
    if len(hpas) != 1:
        fail(f"--policies compares policies for one HPA; --hpa holds {len(hpas)}")
    hpa = hpas[0]
    query = deployment_history_query(
        catalogue,
        REQUEST_RATE,
        namespace=hpa.namespace,
        deployment=hpa.scale_target_ref.name,
        rate_window=Duration(60.0),
    )
    try:
        load = recorded_demand(
            history,
            query,
            start=grid.start,
            end=grid.end,
            history_seconds=ForecastOptions(horizon_seconds=0.0).history_seconds,
        )
        replayed = with_load(scenario, hpa, load)
    except ValueError as exc:
        fail(f"--from/--to: {exc}")
    step = grid.step.total_seconds()
    settings = SimulationSettings(
        duration_seconds=(grid.end - grid.start).total_seconds(),
        sync_period_seconds=step,
        sample_interval_seconds=step,
    )
    console.print(f"demand: {query.promql}")
    run_policy_comparison(
        replayed,
        hpas,
        policies=policies,
        settings=settings,
        latency_objective_ms=latency_objective_ms,
        out=out,
        console=console,
    )
