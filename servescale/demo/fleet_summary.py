"""Per-model figures read back from Prometheus: requests/s, p95 latency, GPU use, queue, replicas.

One instant query per figure, each grouped by workload (or by pod, folded into workloads through
the pod cache for series that carry no workload label: DCGM and the inference servers' queues).
A figure Prometheus has no value for stays ``None`` and is shown as such, never as 0.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from metrics_adapter.pods import PodIndex
from metrics_adapter.promql import (
    Duration,
    Expr,
    InstantVector,
    PrometheusClient,
    Selector,
    avg_by,
    eq,
    histogram_quantile,
    mul,
    or_,
    rate,
    sum_by,
)

WorkloadKey = tuple[str, str]

_ISTIO = Selector("istio_requests_total", (eq("reporter", "destination"),))
_ISTIO_BUCKETS = Selector("istio_request_duration_milliseconds_bucket", (eq("reporter", "destination"),))
_WORKLOAD = ("destination_workload_namespace", "destination_workload")


@dataclass(frozen=True)
class ModelFigures:
    """What the demo table shows for one model (Deployment)."""

    namespace: str
    deployment: str
    requests_per_second: float | None = None
    p95_latency_ms: float | None = None
    gpu_utilization_percent: float | None = None
    queue_depth: float | None = None
    ready_replicas: float | None = None
    desired_replicas: float | None = None


def summary_queries(*, window: Duration, dcgm_pod_label: str = "exported_pod") -> dict[str, Expr]:
    """The PromQL behind each column, built from typed expressions."""
    namespace_label = "exported_namespace" if dcgm_pod_label == "exported_pod" else "namespace"
    gpu = or_(
        Selector("DCGM_FI_DEV_GPU_UTIL"),
        mul(Selector("DCGM_FI_PROF_GR_ENGINE_ACTIVE"), 100),
    )
    queue = or_(
        sum_by(Selector("vllm:num_requests_waiting"), "namespace", "pod"),
        sum_by(Selector("nv_inference_pending_request_count"), "namespace", "pod"),
    )
    return {
        "rps": sum_by(rate(_ISTIO, window), *_WORKLOAD),
        "p95": histogram_quantile(0.95, sum_by(rate(_ISTIO_BUCKETS, window), *_WORKLOAD, "le")),
        "gpu": avg_by(gpu, namespace_label, dcgm_pod_label),
        "queue": queue,
        "ready": sum_by(Selector("kube_deployment_status_replicas_ready"), "namespace", "deployment"),
        "desired": sum_by(Selector("kube_deployment_spec_replicas"), "namespace", "deployment"),
    }


def _by_workload(vector: InstantVector, namespace_label: str, name_label: str) -> dict[WorkloadKey, float]:
    return {
        (s.labels.get(namespace_label, ""), s.labels.get(name_label, "")): s.value
        for s in vector
        if s.is_finite
    }


def _fold_pods(
    vector: InstantVector, pods: PodIndex, *, namespace_label: str, pod_label: str, mean: bool
) -> dict[WorkloadKey, float]:
    owners = {
        (p.namespace, p.name): p.workload
        for ns in {s.labels.get(namespace_label, "") for s in vector}
        for p in pods.pods(ns)
    }
    values: dict[WorkloadKey, list[float]] = defaultdict(list)
    for sample in vector:
        namespace = sample.labels.get(namespace_label, "")
        workload = owners.get((namespace, sample.labels.get(pod_label, "")))
        if workload is not None and sample.is_finite:
            values[(namespace, workload)].append(sample.value)
    return {k: (sum(v) / len(v) if mean else sum(v)) for k, v in values.items()}


async def collect(
    client: PrometheusClient, pods: PodIndex, *, window: Duration, dcgm_pod_label: str = "exported_pod"
) -> list[ModelFigures]:
    """Run every summary query once and join the answers per (namespace, deployment)."""
    queries = summary_queries(window=window, dcgm_pod_label=dcgm_pod_label)
    answers = await asyncio.gather(*(client.query(q) for q in queries.values()))
    vectors: Mapping[str, InstantVector] = {
        name: answer if isinstance(answer, InstantVector) else InstantVector()
        for name, answer in zip(queries, answers, strict=True)
    }
    gpu_namespace = "exported_namespace" if dcgm_pod_label == "exported_pod" else "namespace"
    columns = {
        "rps": _by_workload(vectors["rps"], *_WORKLOAD),
        "p95": _by_workload(vectors["p95"], *_WORKLOAD),
        "gpu": _fold_pods(
            vectors["gpu"], pods, namespace_label=gpu_namespace, pod_label=dcgm_pod_label, mean=True
        ),
        "queue": _fold_pods(vectors["queue"], pods, namespace_label="namespace", pod_label="pod", mean=False),
        "ready": _by_workload(vectors["ready"], "namespace", "deployment"),
        "desired": _by_workload(vectors["desired"], "namespace", "deployment"),
    }
    keys = sorted(set(columns["desired"]) | set(columns["rps"]))
    return [
        ModelFigures(
            namespace=ns,
            deployment=name,
            requests_per_second=columns["rps"].get((ns, name)),
            p95_latency_ms=columns["p95"].get((ns, name)),
            gpu_utilization_percent=columns["gpu"].get((ns, name)),
            queue_depth=columns["queue"].get((ns, name)),
            ready_replicas=columns["ready"].get((ns, name)),
            desired_replicas=columns["desired"].get((ns, name)),
        )
        for ns, name in keys
    ]
