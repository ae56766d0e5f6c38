"""Values describing one sandbox pod: its identity, its exporter gauges and its true figures.

All frozen; the mutable per-pod state (queues and counters) lives in ``deployment`` as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

from autoscaler.sandbox.gpus import GpuSlot
from autoscaler.sandbox.naming import pod_ip

RESPONSE_CODES = ("200", "500", "503")
"""Columns of the per-pod counters: served, served with an error, rejected on overflow."""


@dataclass(frozen=True)
class PodRecord:
    """A pod of a Deployment's ReplicaSet, placed on a GPU slot.

    Times are on the fleet's clock; the pod is ready from ``ready_at`` on.
    """

    namespace: str
    deployment: str
    name: str
    uid: str
    template_hash: str
    created_at: float
    ready_at: float
    slot: GpuSlot

    @property
    def replicaset(self) -> str:
        return f"{self.deployment}-{self.template_hash}"

    @property
    def ip(self) -> str:
        return pod_ip(self.slot.node_index, self.slot.slot_index)

    def is_ready(self, t: float) -> bool:
        """Whether the pod passes its readiness probe at ``t``."""
        return t >= self.ready_at


@dataclass(frozen=True)
class PodGauges:
    """What the pod's inference server and its GPU's dcgm-exporter report right now.

    ``queue_depth`` is Triton's pending requests or vLLM's waiting requests; ``running`` the
    requests being executed; ``success_total`` Triton's cumulative successful requests.
    """

    queue_depth: float
    running: float
    success_total: float
    gpu_util_percent: float
    fb_used_mib: float
    fb_free_mib: float
    gr_engine_active: float


@dataclass(frozen=True)
class PodFigures:
    """The truth about a pod over the last step: rates in requests/s, latencies in ms.

    Latencies cover requests the application answered (200 and 500), not 503 overflow
    rejections; they are None when the pod served nothing in the last step.
    """

    ready: bool
    node: str
    arrival_rps: float
    response_rps: float
    success_rps: float
    error_rps: float
    rejected_rps: float
    mean_latency_ms: float | None
    p95_latency_ms: float | None
    queue_depth: float
    gpu_util_percent: float
