"""What one per-metric replica calculation produces, and how it fails.

``Calculation`` carries the proposal and what explains it: the reported value (as the controller
writes it into ``status.currentMetrics``), the usage ratio before and after the missing/unready
rebalancing, how pods were grouped and, when the current count was kept, why.

This module knows nothing of metric sources or of how values are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Calculation", "CalculationError", "PodGroups"]


class CalculationError(Exception):
    """A replica count could not be computed; ``str(error)`` is the controller's message."""


@dataclass(frozen=True, slots=True)
class PodGroups:
    """Pod names per group (sorted) and, for every pod not counted as ready, why."""

    ready: tuple[str, ...] = ()
    unready: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()

    @property
    def ready_count(self) -> int:
        return len(self.ready)


@dataclass(frozen=True, slots=True)
class Calculation:
    """A proposal; ``usage`` is in milli-units, ``utilization`` in percent (Utilization targets)."""

    replicas: int
    usage: int
    usage_ratio: float
    utilization: int | None = None
    rebalanced_ratio: float | None = None
    pods: PodGroups | None = None
    ready_pod_count: int | None = None
    assumption: str | None = None
    held: str | None = None
