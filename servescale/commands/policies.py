"""``servescale simulate --policies ...``: autoscaling policies side by side on the same load.

Runs ``autoscaler.simulation.policies.compare_policies`` on the scenario with the one HPA given
(the reactive policy), prints the policy table (SLO-violating minutes, requests served late,
GPU-hours, scale events) and writes ``policies.csv`` and ``policies.png``. The fluid fleet model
steps once per sample interval here, so a week runs in minutes. The forecast horizon is the
scenario's pod start-up plus the sync period; the forecaster's history is the scenario's load
before ``t = 0`` (a replay CSV that starts two weeks early).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autoscaler.forecast import default_horizon
from autoscaler.hpa import HorizontalPodAutoscaler
from autoscaler.sandbox import Scenario
from autoscaler.simulation.closed_loop import SimulationSettings
from autoscaler.simulation.forecast_reader import ForecastOptions
from autoscaler.simulation.policies import Policy, PolicySettings, compare_policies, policy_table
from autoscaler.simulation.policy_plots import plot_policies
from servescale.commands.cli_input import fail

__all__ = ["parse_policies", "run_policy_comparison"]


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
