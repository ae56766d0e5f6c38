"""Faults injected into one Deployment on request, and the frozen view of a stalled exporter.

- ``error_rate``: that fraction of the requests the pods serve is answered 500, on top of the
  scenario's own error rate (combined as independent failures).
- ``latency_ms``: added to every served request's latency.
- ``stall_exporter``: the Deployment's DCGM and inference-server series stop updating. They keep
  showing the values of the moment they froze, with that moment as explicit sample timestamp, so
  Prometheus stores stale samples as it would from an exporter that hung. How Prometheus then
  answers instant queries depends on the scenario's ``exporterTimestamps`` (see
  ``spec.ExporterTimestamps``).
"""

from __future__ import annotations

from dataclasses import dataclass

from autoscaler.sandbox.pod import PodGauges, PodRecord


@dataclass(frozen=True)
class Faults:
    """Faults active on a Deployment; the default value means none."""

    error_rate: float | None = None
    latency_ms: float | None = None
    stall_exporter: bool = False

    def __post_init__(self) -> None:
        if self.error_rate is not None and not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"error_rate must be within [0, 1], got {self.error_rate}")
        if self.latency_ms is not None and self.latency_ms < 0:
            raise ValueError(f"latency_ms must be >= 0, got {self.latency_ms}")

    def combined_error_rate(self, baseline: float) -> float:
        """Share of served requests answered 500, given the scenario's ``baseline`` rate."""
        if self.error_rate is None:
            return baseline
        return 1.0 - (1.0 - baseline) * (1.0 - self.error_rate)

    @property
    def extra_latency_ms(self) -> float:
        return self.latency_ms or 0.0


@dataclass(frozen=True)
class StalledExporter:
    """Gauges frozen at ``at`` (fleet clock), for the pods that existed then."""

    at: float
    pods: tuple[tuple[PodRecord, PodGauges], ...]
