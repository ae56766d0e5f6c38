"""Predictive vs reactive vs fixed over-provisioning on the shipped week (examples/scenarios/gpu-week.yaml).

One closed-loop simulation per policy on the same load (daily and weekly seasonality, noise, two
unannounced spikes, 180 s pod start-up), the exact HPA every 15 s: the reactive HPA of
examples/hpa/gpu-week-hpa.yaml, the same HPA with the forecast metric beside it (horizon = start-up
+ sync period = 195 s, refitted every 5 minutes on the last two weeks), and a fixed fleet sized for the
history's peak. Prints the policy table, writes the PNG, and ends with the line
``predictive vs reactive: N % fewer SLO-violating minutes, M % more GPU-hours``.

    python bench/predictive.py [--days 7] [--out bench-out/predictive]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from autoscaler.forecast import default_horizon
from autoscaler.sandbox.scenario import load_scenario
from autoscaler.simulation.closed_loop import SimulationSettings
from autoscaler.simulation.forecast_reader import ForecastOptions
from autoscaler.simulation.hpa_file import load_hpa_file
from autoscaler.simulation.policies import Policy, PolicySettings, compare_policies, policy_table
from autoscaler.simulation.policy_plots import plot_policies

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "scenarios" / "gpu-week.yaml"
HPA = ROOT / "examples" / "hpa" / "gpu-week-hpa.yaml"
LATENCY_OBJECTIVE_MS = 2500.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out" / "predictive")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    hpa = load_hpa_file(HPA)[0]
    horizon = default_horizon(startup_seconds=scenario.startup_delay_seconds)
    simulation = SimulationSettings(
        duration_seconds=args.days * 86_400.0,
        sync_period_seconds=15.0,
        sample_interval_seconds=15.0,
        fleet_step_seconds=15.0,
    )
    settings = PolicySettings(
        latency_objective_ms=LATENCY_OBJECTIVE_MS, forecast=ForecastOptions(horizon_seconds=horizon)
    )
    started = time.perf_counter()
    outcomes = compare_policies(scenario, hpa, simulation=simulation, settings=settings)
    elapsed = time.perf_counter() - started
    print(
        f"scenario {SCENARIO.relative_to(ROOT)}: {args.days:g} days, pods ready after "
        f"{scenario.startup_delay_seconds:g} s, SLO p95 <= {LATENCY_OBJECTIVE_MS:g} ms, "
        f"forecast horizon {horizon:g} s; {elapsed:.0f} s of wall time"
    )
    print(policy_table(outcomes).to_string(index=False))
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"  {outcome.policy}: {note}")
    png = args.out / "policies.png"
    plot_policies(
        outcomes, png, latency_objective_ms=LATENCY_OBJECTIVE_MS, title=f"{SCENARIO.name}: policies"
    )
    print(f"wrote {png}")
    by = {outcome.policy: outcome for outcome in outcomes}
    reactive, predictive = by[Policy.REACTIVE], by[Policy.PREDICTIVE]
    fewer = 100.0 * (1.0 - predictive.slo_violating_minutes / reactive.slo_violating_minutes)
    more = 100.0 * (predictive.gpu_hours / reactive.gpu_hours - 1.0)
    print(f"predictive vs reactive: {fewer:.0f} % fewer SLO-violating minutes, {more:.1f} % more GPU-hours")


if __name__ == "__main__":
    main()
