"""The scenario YAML's schema: pydantic models with camelCase keys that reject unknown fields.

Shape checks only (types, ranges, closed sets). Checks across fields (unique names, a broker's
consumer exists) and reading replay CSVs live in ``scenario``, which also turns these models into
the frozen ``spec`` values the fleet uses. Nothing here knows about the fleet model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
# Kubernetes object names (RFC 1123 labels) and MIG profiles such as "3g.40gb" or "1g.10gb".
K8sName = Annotated[str, Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63)]
MigProfile = Annotated[str, Field(pattern=r"^[1-7]g\.[0-9]+gb$")]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class ConstantLoadFile(_Model):
    type: Literal["constant"]
    rps: NonNegative


class DiurnalLoadFile(_Model):
    type: Literal["diurnal"]
    mean_rps: NonNegative
    amplitude_rps: NonNegative
    period_seconds: Positive


class StepLoadFile(_Model):
    type: Literal["step"]
    base_rps: NonNegative
    step_rps: NonNegative
    at_seconds: NonNegative


class SpikeLoadFile(_Model):
    type: Literal["spike"]
    base_rps: NonNegative
    spike_rps: NonNegative
    at_seconds: NonNegative
    duration_seconds: Positive


class ReplayLoadFile(_Model):
    """``csv`` is relative to the scenario file's directory unless absolute."""

    type: Literal["replay"]
    csv: str = Field(min_length=1)
    column: str = "rps"
    time_column: str = "t_seconds"


LoadFile = Annotated[
    ConstantLoadFile | DiurnalLoadFile | StepLoadFile | SpikeLoadFile | ReplayLoadFile,
    Field(discriminator="type"),
]
LOAD_TYPES = frozenset({"constant", "diurnal", "step", "spike", "replay"})


class GpuFile(_Model):
    model: str = Field(min_length=1)
    memory_mib: Positive = Field(alias="memoryMiB")
    mig: MigProfile | None = None


class HpaFile(_Model):
    """``metric``/``targetAverageValue``: the Pods metric and per-pod target the HPA scales on."""

    min_replicas: int = Field(ge=1)
    max_replicas: int = Field(ge=1)
    metric: Literal["istio_requests_per_second", "gpu_utilization_percent", "inference_queue_depth"] = (
        "istio_requests_per_second"
    )
    target_average_value: Positive | None = None


class ModelFile(_Model):
    """One model = one Deployment. ``servedModel`` is the name Triton/vLLM report (default: ``name``)."""

    name: K8sName
    server: Literal["triton", "vllm"]
    replicas: int = Field(ge=0)
    capacity_rps: Positive
    base_latency_ms: Positive
    gpu: GpuFile
    load: LoadFile
    hpa: HpaFile | None = None
    served_model: str | None = Field(default=None, min_length=1)
    max_queue_per_pod: NonNegative = 50.0
    error_rate: float = Field(default=0.0, ge=0, le=1)
    latency_sigma: float = Field(default=0.4, gt=0, le=2)


class NamespaceFile(_Model):
    name: K8sName
    models: list[ModelFile] = Field(min_length=1)


class ConsumerFile(_Model):
    namespace: K8sName
    model: K8sName
    per_pod_rps: Positive


class BrokerFile(_Model):
    vhost: str = Field(min_length=1)
    queue: str = Field(min_length=1)
    publish_rps: NonNegative
    publish_from_seconds: NonNegative = 0.0
    consumer: ConsumerFile


class ScenarioFile(_Model):
    seed: int = 0
    startup_delay_seconds: NonNegative = 20.0
    dcgm_pod_labels: Literal["exported", "pod"] = "exported"
    exporter_timestamps: Literal["stall", "always"] = "stall"
    namespaces: list[NamespaceFile] = Field(min_length=1)
    brokers: list[BrokerFile] = Field(default_factory=list)
