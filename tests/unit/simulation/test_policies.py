"""Policies side by side: the predictive HPA scales out before the reactive one on a seasonal ramp,
falls back to the reactive one without a forecast, and the fixed fleet never scales."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from autoscaler.forecast import FORECAST_METRIC, ForecastSettings
from autoscaler.hpa.spec.horizontal_pod_autoscaler import MetricSourceType
from autoscaler.sandbox.profiles import ReplayLoad
from autoscaler.sandbox.spec import DcgmPodLabels, DeploymentSpec, GpuSpec, HpaSpec, Scenario, ServerKind
from autoscaler.simulation.closed_loop import SimulationSettings
from autoscaler.simulation.forecast_reader import ForecastOptions
from autoscaler.simulation.hpa_file import parse_hpa_documents
from autoscaler.simulation.policies import (
    Policy,
    PolicySettings,
    compare_policies,
    fixed_replicas,
    policy_table,
    predictive_hpa,
)

SEASON = 1800.0  # a "day" compressed to 30 minutes

HPA = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: llama, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llama}
  minReplicas: 2
  maxReplicas: 40
  metrics:
    - type: Pods
      pods:
        metric: {name: istio_requests_per_second}
        target: {type: AverageValue, averageValue: "3.4"}
"""


def _day(t: np.ndarray) -> np.ndarray:
    """8 rps at night, a steep 5-minute ramp to 60 rps at 10 minutes into each season, back at 22."""
    phase = np.mod(t, SEASON)
    up = np.clip((phase - 600.0) / 300.0, 0.0, 1.0)
    down = np.clip((phase - 1320.0) / 300.0, 0.0, 1.0)
    return 8.0 + 52.0 * (0.5 - 0.5 * np.cos(np.pi * np.clip(up - down, 0.0, 1.0)))


def _scenario(history_seasons: float) -> Scenario:
    times = np.arange(-history_seasons * SEASON, 2 * SEASON + 1.0, 30.0)
    load = ReplayLoad(times=tuple(times.tolist()), rates=tuple(_day(times).tolist()))
    spec = DeploymentSpec(
        namespace="ml",
        name="llama",
        server=ServerKind.VLLM,
        replicas=3,
        capacity_rps=4.0,
        base_latency_ms=600.0,
        gpu=GpuSpec(model="NVIDIA H100 80GB HBM3", memory_mib=81559),
        load=load,
        served_model="llama",
        hpa=HpaSpec(2, 40),
    )
    return Scenario(
        seed=3, startup_delay_seconds=180.0, dcgm_pod_labels=DcgmPodLabels.POD, deployments=(spec,)
    )


def _settings(history_seasons: float) -> PolicySettings:
    forecast = ForecastOptions(
        horizon_seconds=195.0,
        refit_seconds=300.0,
        search_seconds=SEASON,
        history_seconds=history_seasons * SEASON,
        sample_seconds=30.0,
        settings=ForecastSettings(step=60.0, seasons=(SEASON,), max_age=120.0, evaluation=SEASON),
    )
    return PolicySettings(latency_objective_ms=2500.0, forecast=forecast)


SIMULATION = SimulationSettings(
    duration_seconds=SEASON, sync_period_seconds=15.0, sample_interval_seconds=15.0, fleet_step_seconds=15.0
)


def _first_time_ready(frame: object, count: int) -> float:
    ready = frame[frame["ready_replicas"] >= count]  # type: ignore[index]
    return float(ready["t_seconds"].min())


def test_predictive_scales_out_before_reactive_and_violates_less() -> None:
    hpa = parse_hpa_documents(HPA)[0]
    outcomes = compare_policies(_scenario(3), hpa, simulation=SIMULATION, settings=_settings(3))
    reactive, predictive, fixed = outcomes
    assert [o.policy for o in outcomes] == [Policy.REACTIVE, Policy.PREDICTIVE, Policy.FIXED]
    assert _first_time_ready(predictive.frame, 12) < _first_time_ready(reactive.frame, 12) - 60.0
    assert reactive.slo_violating_minutes > 2.0
    assert predictive.slo_violating_minutes <= 0.5 * reactive.slo_violating_minutes
    assert predictive.requests_served_late < reactive.requests_served_late
    assert predictive.gpu_hours <= 1.10 * reactive.gpu_hours
    assert fixed.scale_events == 0
    assert fixed.gpu_hours > predictive.gpu_hours
    assert fixed.max_replicas == fixed_replicas(_scenario(3), hpa, history_seconds=3 * SEASON) == 18
    table = policy_table(outcomes)
    assert list(table["policy"]) == ["reactive", "predictive", "fixed"]


def test_without_enough_history_predictive_is_exactly_reactive() -> None:
    hpa = parse_hpa_documents(HPA)[0]
    settings = replace(_settings(1.5), policies=(Policy.REACTIVE, Policy.PREDICTIVE))
    reactive, predictive = compare_policies(_scenario(1.5), hpa, simulation=SIMULATION, settings=settings)
    assert any("gave no forecast" in note for note in predictive.notes)
    ours = predictive.frame["desired_replicas"].to_numpy()
    theirs = reactive.frame["desired_replicas"].to_numpy()
    # Scale-ups follow the reactive metric exactly; the metric without a value blocks scale-downs
    # (the controller does not scale down while any metric is invalid), so the fleet only holds more.
    first_down = int(np.argmax(np.diff(theirs) < 0)) + 1
    assert first_down > 1
    assert ours[:first_down].tolist() == theirs[:first_down].tolist()
    assert (ours >= theirs).all()
    assert ours.max() == theirs.max()


def test_predictive_hpa_adds_the_forecast_beside_the_reactive_metric() -> None:
    hpa = parse_hpa_documents(HPA)[0]
    result = predictive_hpa(hpa, horizon_seconds=195.0)
    assert result.metrics[0] == hpa.metrics[0]
    added = result.metrics[1]
    assert added.type == MetricSourceType.EXTERNAL
    assert added.name == FORECAST_METRIC
    assert added.target is not None
    assert added.target.average_value_milli == 3400
    assert added.metric_selector is not None
    assert dict(added.metric_selector.match_labels) == {"deployment": "llama", "horizon": "195s"}


def _idle_day(t: np.ndarray) -> np.ndarray:
    """No traffic for the first 10 minutes of each season, 30 rps from 12 to 25 minutes."""
    phase = np.mod(t, SEASON)
    up = np.clip((phase - 720.0) / 120.0, 0.0, 1.0)
    down = np.clip((phase - 1500.0) / 120.0, 0.0, 1.0)
    return 30.0 * np.clip(up - down, 0.0, 1.0)


def test_scale_to_zero_saves_gpu_hours_and_wakes_up_ahead_of_the_load() -> None:
    base = _scenario(3)
    times = np.arange(-3 * SEASON, 2 * SEASON + 1.0, 30.0)
    load = ReplayLoad(times=tuple(times.tolist()), rates=tuple(_idle_day(times).tolist()))
    scenario = replace(base, deployments=(replace(base.deployments[0], load=load, replicas=2),))
    hpa = parse_hpa_documents(HPA)[0]
    settings = replace(_settings(3), policies=(Policy.PREDICTIVE, Policy.SCALE_TO_ZERO))
    predictive, zero = compare_policies(scenario, hpa, simulation=SIMULATION, settings=settings)
    assert predictive.min_replicas == 2
    assert zero.min_replicas == 0
    # Idle from the start: down to zero once the 300 s scale-down window has passed.
    assert zero.gpu_hours < predictive.gpu_hours
    frame = zero.frame
    idle = frame[(frame["t_seconds"] > 360) & (frame["t_seconds"] < 500)]
    assert (idle["pods"] == 0).all(), "nothing runs while nothing is offered"
    # The forecast alone wakes it (the Pods metric has no pods): the cold start is over before
    # the ramp at 720 s, so no request waits for it.
    woken = frame[(frame["t_seconds"] > 500) & (frame["pods"] > 0)]["t_seconds"].min()
    assert woken <= 720.0 - 180.0
    assert frame[frame["t_seconds"] == 720.0]["ready_replicas"].item() >= 1
    assert zero.requests_served_late == pytest.approx(predictive.requests_served_late, rel=0.01)
