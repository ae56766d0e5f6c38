"""Autoscaling policies side by side on the same load: reactive, predictive, fixed over-provisioned.

Each policy is one closed-loop run (``closed_loop.simulate``) of the same scenario:

* ``reactive``: the HPA as given (e.g. per-pod request rate);
* ``predictive``: the same HPA plus the External metric ``servescale_forecast_requests_per_second``
  for the Deployment at the forecast horizon, with the reactive metric's per-pod target. The HPA
  takes the larger proposal, so the forecast can only add capacity early. Without a forecast the
  HPA scales up as the reactive one does, but, as the controller does while any metric is
  invalid, it does not scale down (a forecast the service cannot give holds capacity);
* ``fixed``: no scaling, the replicas that carry the peak of the demand history before the run
  at the reactive per-pod target (the over-provisioned baseline);
* ``scale-to-zero``: the predictive HPA with ``minReplicas: 0`` under the ``HPAScaleToZero`` gate
  (allowed: the forecast is an External metric). At zero replicas the Pods metric has no pods and
  fails, the forecast alone brings the first pods back; requests that arrive before they are
  ready (the cold start) are offered to no pod and count as served late.

Per policy: minutes during which the SLO is violated (the Deployment's p95 above the latency
threshold, or requests offered while no pod is ready), requests served late (answered slower than
the threshold -- the lognormal tail of each pod's latency -- plus requests rejected or offered to
no ready pod), GPU-hours (pods that exist, ready or not, hold their GPUs) and scale events.
Each truth sample describes the fleet step that ended at it, and is counted for one sample interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import pandas as pd

from autoscaler.forecast import FORECAST_METRIC, horizon_label
from autoscaler.hpa import HorizontalPodAutoscaler
from autoscaler.hpa.spec.horizontal_pod_autoscaler import MetricSourceType, MetricSpec, MetricTarget
from autoscaler.sandbox import Fleet, Scenario
from autoscaler.simulation.closed_loop import SimulationSettings, simulate
from autoscaler.simulation.fleet_reader import FleetMetricsReader
from autoscaler.simulation.forecast_reader import ForecastingReader, ForecastOptions
from autoscaler.simulation.timeline import timeline_frame
from autoscaler.simulation.truth_window import TruthWindow
from metrics_adapter.kube import LabelSelector

__all__ = [
    "Policy",
    "PolicyOutcome",
    "PolicySettings",
    "compare_policies",
    "fixed_replicas",
    "per_pod_target",
    "policy_table",
    "predictive_hpa",
]


class Policy(StrEnum):
    REACTIVE = "reactive"
    PREDICTIVE = "predictive"
    FIXED = "fixed"
    SCALE_TO_ZERO = "scale-to-zero"


@dataclass(frozen=True)
class PolicySettings:
    latency_objective_ms: float
    forecast: ForecastOptions
    gpus_per_pod: float = 1.0
    latency_sigma: float | None = None
    policies: tuple[Policy, ...] = (Policy.REACTIVE, Policy.PREDICTIVE, Policy.FIXED)


@dataclass(frozen=True)
class PolicyOutcome:
    policy: Policy
    slo_violating_minutes: float
    requests_served_late: float
    requests_offered: float
    gpu_hours: float
    scale_events: int
    max_replicas: int
    min_replicas: int
    frame: pd.DataFrame = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()


def per_pod_target(hpa: HorizontalPodAutoscaler) -> float:
    """The first metric's per-pod target (AverageValue), in the metric's unit."""
    for metric in hpa.metrics:
        if metric.target is not None and metric.target.average_value_milli is not None:
            return metric.target.average_value_milli / 1000.0
    raise ValueError(f"HPA {hpa.namespace}/{hpa.name}: no AverageValue target to size pods by")


def predictive_hpa(hpa: HorizontalPodAutoscaler, *, horizon_seconds: float) -> HorizontalPodAutoscaler:
    """``hpa`` plus the forecast metric of its Deployment at the reactive per-pod target."""
    target = MetricTarget(type="AverageValue", average_value_milli=round(per_pod_target(hpa) * 1000))
    forecast = MetricSpec(
        type=MetricSourceType.EXTERNAL,
        name=FORECAST_METRIC,
        target=target,
        metric_selector=LabelSelector.from_labels(
            {"deployment": hpa.scale_target_ref.name, "horizon": horizon_label(horizon_seconds)}
        ),
    )
    return replace(hpa, metrics=(*hpa.metrics, forecast))


def fixed_replicas(scenario: Scenario, hpa: HorizontalPodAutoscaler, *, history_seconds: float) -> int:
    """Replicas that carry the peak demand of the ``history_seconds`` before ``t = 0`` at the target."""
    spec = next(d for d in scenario.deployments if d.key == (hpa.namespace, hpa.scale_target_ref.name))
    step = 60.0
    count = int(history_seconds // step)
    peak = max(spec.load.rate_at(-k * step) for k in range(count + 1))
    return max(1, math.ceil(peak / per_pod_target(hpa) - 1e-9))


def _late_share(mean_ms: float | None, sigma: float, threshold_ms: float) -> float:
    """Share of a lognormal latency (mean ``mean_ms``, shape ``sigma``) above ``threshold_ms``."""
    if mean_ms is None or mean_ms <= 0:
        return 0.0
    mu = math.log(mean_ms) - sigma * sigma / 2.0
    return 0.5 * math.erfc((math.log(threshold_ms) - mu) / (sigma * math.sqrt(2.0)))


@dataclass
class _Tally:
    namespace: str
    deployment: str
    threshold_ms: float
    sigma: float
    interval: float
    late: float = 0.0
    offered: float = 0.0
    violating_seconds: float = 0.0

    def observe(self, now: float, document: dict[str, Any]) -> None:
        if now <= 0:
            return
        entry = document["namespaces"].get(self.namespace, {}).get(self.deployment)
        if entry is None:
            return
        late_rps = float(entry["unservedRps"])
        weighted = weight = 0.0
        for pod in entry["pods"].values():
            answered = float(pod["successRps"]) + float(pod["errorRps"])
            late_rps += float(pod["rejectedRps"])
            late_rps += answered * _late_share(pod["meanLatencyMs"], self.sigma, self.threshold_ms)
            if pod["p95LatencyMs"] is not None and answered > 0:
                weighted += float(pod["p95LatencyMs"]) * answered
                weight += answered
        p95 = weighted / weight if weight > 0 else None
        self.late += late_rps * self.interval
        self.offered += float(entry["offeredRps"]) * self.interval
        if (p95 is not None and p95 > self.threshold_ms) or float(entry["unservedRps"]) > 0:
            self.violating_seconds += self.interval


def _run(
    policy: Policy,
    scenario: Scenario,
    hpa: HorizontalPodAutoscaler,
    *,
    simulation: SimulationSettings,
    settings: PolicySettings,
    progress: Callable[[Policy, float], None] | None,
) -> PolicyOutcome:
    spec = next(d for d in scenario.deployments if d.key == (hpa.namespace, hpa.scale_target_ref.name))
    options = settings.forecast
    notes: list[str] = []
    run_scenario, run_hpa = scenario, hpa
    readers: list[ForecastingReader] = []

    def factory(fleet: Fleet, window: TruthWindow, rate_window: float) -> FleetMetricsReader:
        reader = ForecastingReader(fleet, window, rate_window_seconds=rate_window, options=options)
        readers.append(reader)
        return reader

    run_simulation = simulation
    if policy in (Policy.PREDICTIVE, Policy.SCALE_TO_ZERO):
        run_hpa = predictive_hpa(hpa, horizon_seconds=options.horizon_seconds)
    if policy is Policy.SCALE_TO_ZERO:
        run_hpa = replace(run_hpa, min_replicas=0)
        gates = replace(simulation.config.feature_gates, hpa_scale_to_zero=True)
        run_simulation = replace(simulation, config=replace(simulation.config, feature_gates=gates))
    elif policy is Policy.FIXED:
        count = fixed_replicas(scenario, hpa, history_seconds=options.history_seconds)
        run_hpa = replace(hpa, min_replicas=count, max_replicas=count)
        fixed = replace(spec, replicas=count)
        run_scenario = replace(
            scenario, deployments=tuple(fixed if d.key == spec.key else d for d in scenario.deployments)
        )
        notes.append(f"{count} replicas (peak of the history at the per-pod target)")
    tally = _Tally(
        hpa.namespace,
        spec.name,
        settings.latency_objective_ms,
        settings.latency_sigma if settings.latency_sigma is not None else spec.latency_sigma,
        simulation.sample_interval_seconds,
    )
    rows = simulate(
        run_scenario,
        [run_hpa],
        settings=run_simulation,
        progress=None if progress is None else lambda t: progress(policy, t),
        reader_factory=factory if policy in (Policy.PREDICTIVE, Policy.SCALE_TO_ZERO) else None,
        observe=tally.observe,
    )
    frame = timeline_frame(rows)
    for reader in readers:
        if reader.refusals:
            notes.append(f"{len(reader.refusals)} of {reader.fit_count} fits gave no forecast")
    dt = frame["t_seconds"].shift(-1).sub(frame["t_seconds"]).fillna(0.0)
    return PolicyOutcome(
        policy=policy,
        slo_violating_minutes=tally.violating_seconds / 60.0,
        requests_served_late=tally.late,
        requests_offered=tally.offered,
        gpu_hours=float((frame["pods"] * settings.gpus_per_pod * dt).sum() / 3600.0),
        scale_events=int(frame["scaled"].sum()),
        max_replicas=int(frame["desired_replicas"].max()),
        min_replicas=int(frame["desired_replicas"].min()),
        frame=frame,
        notes=tuple(notes),
    )


def compare_policies(
    scenario: Scenario,
    hpa: HorizontalPodAutoscaler,
    *,
    simulation: SimulationSettings,
    settings: PolicySettings,
    progress: Callable[[Policy, float], None] | None = None,
) -> list[PolicyOutcome]:
    """One outcome per policy of ``settings.policies``, in that order, on the same scenario."""
    return [
        _run(policy, scenario, hpa, simulation=simulation, settings=settings, progress=progress)
        for policy in settings.policies
    ]


def policy_table(outcomes: list[PolicyOutcome]) -> pd.DataFrame:
    """One row per policy: the figures the comparison is about."""
    return pd.DataFrame(
        [
            {
                "policy": str(outcome.policy),
                "slo_violating_minutes": round(outcome.slo_violating_minutes, 1),
                "requests_served_late": round(outcome.requests_served_late),
                "late_percent": round(100.0 * outcome.requests_served_late / outcome.requests_offered, 3)
                if outcome.requests_offered > 0
                else None,
                "gpu_hours": round(outcome.gpu_hours, 1),
                "scale_events": outcome.scale_events,
                "min_replicas": outcome.min_replicas,
                "max_replicas": outcome.max_replicas,
            }
            for outcome in outcomes
        ]
    )
