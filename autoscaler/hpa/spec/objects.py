"""The Kubernetes objects the HPA reads besides itself: the target's scale and the selected pods.

Only what the algorithm looks at is kept. Requests are in milli-units per resource name. A pod's
``Ready`` condition keeps its status string and transition time (``None`` when the API omitted it,
which Go reads as the zero time).

This module knows nothing of metric values or pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ContainerSpec", "Pod", "PodCondition", "Scale"]


@dataclass(frozen=True, slots=True)
class Scale:
    """The ``scale`` subresource: ``spec.replicas`` (C), ``status.replicas`` (S), the selector string."""

    spec_replicas: int
    status_replicas: int
    selector: str | None = None


@dataclass(frozen=True, slots=True)
class ContainerSpec:
    name: str
    requests: Mapping[str, int] = field(default_factory=dict)
    restart_policy: str | None = None


@dataclass(frozen=True, slots=True)
class PodCondition:
    status: str
    last_transition_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Pod:
    name: str
    namespace: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    phase: str | None = None
    deleting: bool = False
    start_time: datetime | None = None
    ready: PodCondition | None = None
    containers: tuple[ContainerSpec, ...] = ()
    init_containers: tuple[ContainerSpec, ...] = ()
    pod_requests: Mapping[str, int] | None = None

    @property
    def is_running_and_ready(self) -> bool:
        """``phase == Running`` and ``IsPodReady`` (the Ready condition is True)."""
        return self.phase == "Running" and self.ready is not None and self.ready.status == "True"
