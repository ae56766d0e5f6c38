"""The ``Scale`` subresource (autoscaling/v1) that the HPA reads and writes.

``spec.replicas`` is omitted by the API when 0; ``status.selector`` is the label selector string
of the scaled pods (``labels.Parse`` syntax), absent when the target has none. Unknown fields are
ignored. This module knows nothing of the HPA algorithm.
"""

from __future__ import annotations

from pydantic import Field

from metrics_adapter.kube.wire import WireModel

__all__ = ["ScaleSpecWire", "ScaleStatusWire", "ScaleWire"]


class ScaleSpecWire(WireModel):
    replicas: int = 0


class ScaleStatusWire(WireModel):
    replicas: int = 0
    selector: str | None = None


class ScaleWire(WireModel):
    spec: ScaleSpecWire = Field(default_factory=ScaleSpecWire)
    status: ScaleStatusWire = Field(default_factory=ScaleStatusWire)
