"""The shipped idle-nights scenario shows what scale to zero buys: the policy table of its first two
days has GPU-hours saved by the scale-to-zero policy against requests served late, beside predictive.

The first night (00:00 is the start of the simulation, with 4 pods) ends at one pod; from the second
night on the model runs no pod while nobody calls it."""

from __future__ import annotations

from pathlib import Path

from autoscaler.forecast import default_horizon
from autoscaler.sandbox.scenario import load_scenario
from autoscaler.simulation.closed_loop import SimulationSettings
from autoscaler.simulation.forecast_reader import ForecastOptions
from autoscaler.simulation.hpa_file import load_hpa_file
from autoscaler.simulation.policies import Policy, PolicySettings, compare_policies, policy_table

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "examples" / "scenarios" / "gpu-nights.yaml"
HPA = ROOT / "examples" / "hpa" / "gpu-week-hpa.yaml"
DAY = 86_400.0


def test_idle_nights_save_gpu_hours_without_more_late_requests() -> None:
    scenario = load_scenario(SCENARIO)
    hpa = load_hpa_file(HPA)[0]
    simulation = SimulationSettings(
        duration_seconds=2 * DAY,
        sync_period_seconds=15.0,
        sample_interval_seconds=15.0,
        fleet_step_seconds=15.0,
    )
    settings = PolicySettings(
        latency_objective_ms=2500.0,
        forecast=ForecastOptions(
            horizon_seconds=default_horizon(startup_seconds=scenario.startup_delay_seconds)
        ),
        policies=(Policy.PREDICTIVE, Policy.SCALE_TO_ZERO),
    )
    predictive, zero = compare_policies(scenario, hpa, simulation=simulation, settings=settings)
    table = policy_table([predictive, zero])
    assert list(table["policy"]) == ["predictive", "scale-to-zero"]
    assert predictive.min_replicas == 3
    assert zero.min_replicas == 0, "an idle night (01:00-06:00) runs no pod"
    assert zero.gpu_hours < predictive.gpu_hours - 5.0, "at least 5 GPU-hours saved in a night"
    # The forecast wakes the model ahead of the morning, so the cold start costs (almost) no request.
    assert zero.requests_served_late <= predictive.requests_served_late + 0.001 * zero.requests_offered
    night = zero.frame[
        (zero.frame["t_seconds"] > DAY + 2 * 3600) & (zero.frame["t_seconds"] < DAY + 5 * 3600)
    ]
    assert (night["pods"] == 0).all()
