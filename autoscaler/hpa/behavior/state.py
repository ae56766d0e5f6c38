"""The controller's in-memory state for one HPA: recommendation history and scale events.

``recommendations`` is ``None`` until the first reconcile seeds it with the current replica count;
lists are never pruned, old slots are reused (see ``stabilization`` and ``scale_events``). The state
is a value: every reconcile returns a new one.

This module knows nothing of pods or metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["HPAState", "Recommendation", "ScaleEvent"]


@dataclass(frozen=True, slots=True)
class Recommendation:
    replicas: int
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class ScaleEvent:
    replica_change: int
    timestamp: datetime
    outdated: bool = False


@dataclass(frozen=True, slots=True)
class HPAState:
    recommendations: tuple[Recommendation, ...] | None = None
    scale_up_events: tuple[ScaleEvent, ...] = ()
    scale_down_events: tuple[ScaleEvent, ...] = ()
