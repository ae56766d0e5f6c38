"""The closed loop: the sandbox fleet in virtual time, scaled by HPAs running the exact algorithm.

Every ``sample_interval`` the fleet advances and its truth document is kept (a scrape); every
``sync_period`` each HPA runs one ``reconcile`` on the fleet's scale, pods and a
``FleetMetricsReader``, its state carried from cycle to cycle, and a written count is applied with
``Fleet.set_replicas`` (new pods start unready for the scenario's start-up delay). The first cycle
runs one sync period after the start, once a window of samples exists. One ``TimelineRow`` per HPA
per sample records what happened. Pure: virtual time only, no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from autoscaler.hpa import ControllerConfig, HorizontalPodAutoscaler, HPAState, ReconcileResult, reconcile
from autoscaler.sandbox import Fleet, Scenario
from autoscaler.sandbox.truth import truth_document
from autoscaler.simulation.fleet_reader import FleetMetricsReader, fleet_pods, fleet_scale, virtual_time
from autoscaler.simulation.timeline import TimelineRow, deployment_p95_ms, metric_target, reported_value
from autoscaler.simulation.truth_window import TruthWindow

__all__ = ["ReaderFactory", "SampleObserver", "SimulationSettings", "simulate"]


@dataclass(frozen=True)
class SimulationSettings:
    """Seconds of virtual time; ``config`` is the controller's (its sync period is not used here)."""

    duration_seconds: float
    sync_period_seconds: float = 15.0
    sample_interval_seconds: float = 5.0
    rate_window_seconds: float = 60.0
    config: ControllerConfig = field(default_factory=ControllerConfig)
    fleet_step_seconds: float = 1.0

    def __post_init__(self) -> None:
        for name in (
            "duration_seconds",
            "sync_period_seconds",
            "sample_interval_seconds",
            "rate_window_seconds",
            "fleet_step_seconds",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        ratio = self.sync_period_seconds / self.sample_interval_seconds
        if abs(ratio - round(ratio)) > 1e-9:
            raise ValueError("the sync period must be a whole number of sample intervals")


@dataclass
class _Managed:
    hpa: HorizontalPodAutoscaler
    state: HPAState | None = None
    last: ReconcileResult | None = None
    scaled_at_sample: bool = False


def _ground_truth_reader(fleet: Fleet, window: TruthWindow, rate_window_seconds: float) -> FleetMetricsReader:
    return FleetMetricsReader(fleet, window, rate_window_seconds=rate_window_seconds)


def _check_targets(fleet: Fleet, hpas: Sequence[HorizontalPodAutoscaler]) -> None:
    for hpa in hpas:
        if hpa.scale_target_ref.kind != "Deployment":
            raise ValueError(f"HPA {hpa.namespace}/{hpa.name}: the sandbox only scales Deployments")
        fleet.deployment(hpa.namespace, hpa.scale_target_ref.name)  # raises UnknownDeploymentError


def _cycle(
    fleet: Fleet, reader: FleetMetricsReader, managed: _Managed, now: float, config: ControllerConfig
) -> None:
    hpa = managed.hpa
    target = hpa.scale_target_ref.name
    reader.now = virtual_time(now)
    result = reconcile(
        hpa,
        scale=fleet_scale(fleet, hpa.namespace, target),
        pods=fleet_pods(fleet, hpa.namespace, target),
        reader=reader,
        state=managed.state,
        now=reader.now,
        config=config,
    )
    managed.state, managed.last = result.state, result
    # The controller writes the HPA's status; the next cycle reads its conditions (ScaledToZero).
    managed.hpa = replace(hpa, status=replace(hpa.status, conditions=result.conditions))
    if result.scale_updated and result.desired_replicas is not None:
        fleet.set_replicas(hpa.namespace, target, result.desired_replicas, now)
        managed.scaled_at_sample = True


def _row(fleet: Fleet, window: TruthWindow, managed: _Managed, now: float) -> TimelineRow:
    hpa = managed.hpa
    target = hpa.scale_target_ref.name
    entry = window.deployment(hpa.namespace, target) or {}
    status = fleet.replica_status(hpa.namespace, target)
    last = managed.last
    row = TimelineRow(
        time_seconds=now,
        namespace=hpa.namespace,
        deployment=target,
        hpa=hpa.name,
        offered_rps=float(entry.get("offeredRps", 0.0)),
        desired_replicas=status.spec_replicas,
        pods=status.replicas,
        ready_replicas=status.ready_replicas,
        metric_value=reported_value(last),
        metric_target=metric_target(hpa),
        p95_latency_ms=deployment_p95_ms(entry),
        scaled=managed.scaled_at_sample,
    )
    managed.scaled_at_sample = False
    return row


ReaderFactory = Callable[[Fleet, TruthWindow, float], FleetMetricsReader]
"""Builds the controller's metrics reader from the fleet, its truth window and the rate window."""
SampleObserver = Callable[[float, dict[str, Any]], None]
"""Called with each sample's time and truth document, after the cycles of that sample."""


def simulate(
    scenario: Scenario,
    hpas: Sequence[HorizontalPodAutoscaler],
    *,
    settings: SimulationSettings,
    progress: Callable[[float], None] | None = None,
    reader_factory: ReaderFactory | None = None,
    observe: SampleObserver | None = None,
) -> list[TimelineRow]:
    """Run the loop for ``settings.duration_seconds``; ``progress`` gets the virtual time reached.

    ``reader_factory`` replaces the ground-truth reader (e.g. to add a forecast metric);
    ``observe`` sees every sample's truth document (e.g. to count requests served late).
    """
    fleet = Fleet(scenario, start=0.0, max_step_seconds=settings.fleet_step_seconds)
    _check_targets(fleet, hpas)
    window = TruthWindow(max(settings.rate_window_seconds, settings.sample_interval_seconds) * 2)
    factory = reader_factory or _ground_truth_reader
    reader = factory(fleet, window, settings.rate_window_seconds)
    managed = [_Managed(hpa) for hpa in hpas]
    rows: list[TimelineRow] = []
    sample, interval = 0, settings.sample_interval_seconds
    next_sync = settings.sync_period_seconds
    while True:
        now = sample * interval
        if now > settings.duration_seconds + 1e-9:
            break
        fleet.advance(now)
        document = truth_document(fleet)
        window.add(now, document)
        while next_sync <= now + 1e-9:
            for item in managed:
                _cycle(fleet, reader, item, now, settings.config)
            next_sync += settings.sync_period_seconds
        rows.extend(_row(fleet, window, item, now) for item in managed)
        if observe is not None:
            observe(now, document)
        if progress is not None:
            progress(now)
        sample += 1
    return rows
