"""The validated sandbox scenario as frozen values: what the fleet model is built from.

Produced by ``scenario`` from a YAML file; the model never sees YAML, pydantic or file paths
(a replay profile arrives with its samples already read). Units are in the field names.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from autoscaler.sandbox.profiles import LoadProfile


class ServerKind(StrEnum):
    """Inference server in the pods; decides which queue metrics they expose."""

    TRITON = "triton"
    VLLM = "vllm"


class DcgmPodLabels(StrEnum):
    """How dcgm-exporter's workload labels arrive in Prometheus.

    ``exported``: the ServiceMonitor's default ``honorLabels: false`` renames the workload's labels
    to ``exported_pod/exported_namespace/exported_container`` and ``pod/namespace`` name the
    exporter pod. ``pod``: the workload's ``pod/namespace/container`` arrive unchanged.
    """

    EXPORTED = "exported"
    POD = "pod"


class ExporterTimestamps(StrEnum):
    """When DCGM and inference-server samples carry an explicit timestamp.

    ``stall``: only while an exporter is stalled (frozen samples keep the moment they froze).
    Prometheus tracks staleness only for samples without a timestamp, so at the first frozen
    scrape it writes a staleness marker: instant queries then return nothing for those series,
    while ``last_over_time(...[5m])`` still shows the frozen value at its old timestamp.
    ``always``: every sample carries the model's time, so a frozen series keeps answering
    instant queries with its old timestamp until the lookback (5 min) runs out; the price is
    that series of deleted pods also linger that long, with no staleness marker.
    """

    STALL = "stall"
    ALWAYS = "always"


@dataclass(frozen=True)
class GpuSpec:
    """The GPU (or MIG instance) each pod holds. ``mig`` is a MIG profile such as ``3g.40gb``."""

    model: str
    memory_mib: float
    mig: str | None = None


HPA_METRICS = ("istio_requests_per_second", "gpu_utilization_percent", "inference_queue_depth")
"""Pods metrics a scenario's HPA may scale on: catalogue names whose value the sandbox knows per pod."""


@dataclass(frozen=True)
class HpaSpec:
    """The HorizontalPodAutoscaler kube-state-metrics reports for a Deployment: its bounds and the
    Pods metric (an ``AverageValue`` target) it scales on; ``None`` when the scenario gives no target."""

    min_replicas: int
    max_replicas: int
    metric: str = HPA_METRICS[0]
    target_average_value: float | None = None


@dataclass(frozen=True)
class DeploymentSpec:
    """One model served by one Deployment.

    ``capacity_rps`` is the per-pod request rate at which the pod is fully busy; beyond it requests
    queue. ``max_queue_per_pod`` bounds the queue: arrivals beyond it are answered 503.
    ``error_rate`` is the fraction of served requests answered 500 without any fault injected.
    ``latency_sigma`` is the shape of the lognormal latency distribution around its mean.
    """

    namespace: str
    name: str
    server: ServerKind
    replicas: int
    capacity_rps: float
    base_latency_ms: float
    gpu: GpuSpec
    load: LoadProfile
    served_model: str
    hpa: HpaSpec | None = None
    max_queue_per_pod: float = 50.0
    error_rate: float = 0.0
    latency_sigma: float = 0.4

    @property
    def key(self) -> tuple[str, str]:
        """``(namespace, name)``, the Deployment's identity."""
        return (self.namespace, self.name)


@dataclass(frozen=True)
class BrokerSpec:
    """A RabbitMQ queue fed at ``publish_rps`` from ``publish_from_seconds`` of scenario time on,
    and drained by the ready pods of one Deployment (an empty queue before: a workload at rest)."""

    vhost: str
    queue: str
    publish_rps: float
    consumer_namespace: str
    consumer_deployment: str
    per_pod_rps: float
    publish_from_seconds: float = 0.0


@dataclass(frozen=True)
class Scenario:
    """Everything the fleet needs: seed, start-up delay, exposition choices, Deployments, brokers."""

    seed: int
    startup_delay_seconds: float
    dcgm_pod_labels: DcgmPodLabels
    deployments: tuple[DeploymentSpec, ...]
    brokers: tuple[BrokerSpec, ...] = ()
    exporter_timestamps: ExporterTimestamps = ExporterTimestamps.STALL
