"""Pods (core/v1) as the HPA reads them: ``kubectl get pods -o json``.

Only what the controller looks at: name, namespace, labels and deletion timestamp; phase, start
time and conditions (``Ready``); container, restartable init container and pod-level resource
requests as checked ``QuantityText``. A ``PodList`` or a plain ``List`` of pods reads the same.
Unknown fields are ignored. This module knows nothing of the HPA algorithm.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from metrics_adapter.kube.autoscaling.fields import QuantityText
from metrics_adapter.kube.wire import WireModel

__all__ = [
    "ContainerWire",
    "PodConditionWire",
    "PodListWire",
    "PodMetaWire",
    "PodSpecWire",
    "PodStatusWire",
    "PodWire",
    "ResourcesWire",
]


class PodMetaWire(WireModel):
    name: str
    namespace: str | None = None
    labels: dict[str, str] | None = None
    deletion_timestamp: AwareDatetime | None = None


class ResourcesWire(WireModel):
    requests: dict[str, QuantityText] | None = None


class ContainerWire(WireModel):
    name: str
    resources: ResourcesWire | None = None
    restart_policy: str | None = None


class PodSpecWire(WireModel):
    containers: list[ContainerWire] = Field(default_factory=list)
    init_containers: list[ContainerWire] | None = None
    resources: ResourcesWire | None = None


class PodConditionWire(WireModel):
    type: str
    status: str
    last_transition_time: AwareDatetime | None = None


class PodStatusWire(WireModel):
    phase: str | None = None
    start_time: AwareDatetime | None = None
    conditions: list[PodConditionWire] | None = None


class PodWire(WireModel):
    metadata: PodMetaWire
    spec: PodSpecWire = Field(default_factory=PodSpecWire)
    status: PodStatusWire = Field(default_factory=PodStatusWire)


class PodListWire(WireModel):
    items: list[PodWire] = Field(default_factory=list)
