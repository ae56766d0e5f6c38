"""Which catalogue metrics the sandbox's ground truth can answer, and how each is read.

Names are the catalogue's (``metrics_adapter.catalogue`` presets), so an HPA written for the real
metrics API runs unchanged in simulation:

==================================  ==========================================  ========  =========
metric                              truth figure per pod                        window    over pods
==================================  ==========================================  ========  =========
``istio_requests_per_second``       ``responseRps`` (what the sidecar counts)   rate      sum
``istio_request_error_ratio``       ``errorRps / (successRps + errorRps)``      rate      mean
``istio_request_duration_pNN_ms``   lognormal quantile around ``meanLatencyMs``  rate      mean
``inference_queue_depth``           ``queueDepth`` (``vllm_``/``triton_`` only   latest    sum
                                    for pods of that server)
``gpu_utilization_percent``         ``gpuUtilPercent``                          latest    mean
==================================  ==========================================  ========  =========

"over pods" is how a Deployment's (Object metric) value is formed, as the catalogue aggregates it;
a latency quantile is the pod mean, exact here because every ready pod gets the same traffic.
Knows the truth document's field names and the catalogue's metric names; nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from autoscaler.sandbox.spec import DeploymentSpec, ServerKind
from autoscaler.simulation.truth_window import JsonObject, PodFigure

__all__ = ["QUANTILE_Z", "SandboxMetric", "sandbox_metric"]

QUANTILE_Z = {50: 0.0, 90: 1.2815515655446004, 95: 1.6448536269514722, 99: 2.3263478740408408}
"""Standard normal quantiles of the latency percentiles the istio preset serves."""


@dataclass(frozen=True)
class SandboxMetric:
    """How to read one metric: the per-pod figure, its window (``None`` = latest) and pod aggregation."""

    figure: PodFigure
    rate_window: bool
    additive: bool


def _field(name: str) -> PodFigure:
    def read(figures: JsonObject) -> float | None:
        value: Any = figures.get(name)
        return None if value is None else float(value)

    return read


def _error_ratio(figures: JsonObject) -> float | None:
    answered = float(figures["successRps"]) + float(figures["errorRps"])
    return float(figures["errorRps"]) / answered if answered > 0 else None


def _quantile(z: float, sigma: float) -> PodFigure:
    def read(figures: JsonObject) -> float | None:
        mean = figures.get("meanLatencyMs")
        if mean is None or mean <= 0:
            return None
        return math.exp(math.log(float(mean)) - sigma * sigma / 2.0 + z * sigma)

    return read


_QUEUE_SERVERS = {
    "inference_queue_depth": (ServerKind.TRITON, ServerKind.VLLM),
    "triton_queue_depth": (ServerKind.TRITON,),
    "vllm_queue_depth": (ServerKind.VLLM,),
}


def sandbox_metric(name: str, spec: DeploymentSpec) -> SandboxMetric | None:
    """The reading of metric ``name`` for pods of ``spec``; ``None``: the sandbox has no such series."""
    if name == "istio_requests_per_second":
        return SandboxMetric(_field("responseRps"), rate_window=True, additive=True)
    if name == "istio_request_error_ratio":
        return SandboxMetric(_error_ratio, rate_window=True, additive=False)
    for percentile, z in QUANTILE_Z.items():
        if name == f"istio_request_duration_p{percentile}_ms":
            return SandboxMetric(_quantile(z, spec.latency_sigma), rate_window=True, additive=False)
    if name in _QUEUE_SERVERS:
        if spec.server not in _QUEUE_SERVERS[name]:
            return None
        return SandboxMetric(_field("queueDepth"), rate_window=False, additive=True)
    if name == "gpu_utilization_percent":
        return SandboxMetric(_field("gpuUtilPercent"), rate_window=False, additive=False)
    return None
