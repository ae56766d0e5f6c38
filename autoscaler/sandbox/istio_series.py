"""Istio's standard HTTP metrics for the sandbox pods, as the destination sidecars report them.

``istio_requests_total`` and ``istio_request_duration_milliseconds`` (Envoy's default buckets, in
ms) with the standard label set, ``reporter="destination"``, traffic from the ingress gateway,
plus the ``pod``/``namespace`` labels the scrape job adds by target relabeling. Every series
carries ``response_code``, buckets included. A code's series appears once a pod has answered one
request with it, as Envoy creates stats lazily.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric

from autoscaler.sandbox.deployment import DeploymentState
from autoscaler.sandbox.latency import ENVOY_BUCKETS_MS
from autoscaler.sandbox.pod import RESPONSE_CODES, PodRecord
from autoscaler.sandbox.spec import DeploymentSpec

SOURCE_WORKLOAD = "istio-ingressgateway"
SOURCE_NAMESPACE = "istio-system"
VERSION = "v1"
RESPONSE_FLAGS = {"200": "-", "500": "-", "503": "UO"}

ISTIO_LABELS = (
    "reporter",
    "source_workload",
    "source_workload_namespace",
    "destination_workload",
    "destination_workload_namespace",
    "destination_service",
    "destination_service_name",
    "destination_service_namespace",
    "destination_app",
    "destination_version",
    "destination_canonical_service",
    "destination_canonical_revision",
    "request_protocol",
    "connection_security_policy",
    "response_code",
    "response_flags",
    "pod",
    "namespace",
)
"""The labels dashboards and adapters use. Istio also sets principals, ``*_cluster`` and the
source's app/version/canonical labels; they are left out to keep 1000-pod scrapes affordable."""
LE_VALUES = (*(format(bound, "g") for bound in ENVOY_BUCKETS_MS), "+Inf")
"""``le`` as Envoy prints it: ``0.5``, ``1``, ``300000``, ``3.6e+06``; consumers must parse it as a float."""


def destination_labels(spec: DeploymentSpec) -> tuple[str, ...]:
    """Values of the labels before ``response_code``, shared by all pods of a Deployment."""
    ns, name = spec.namespace, spec.name
    return (
        "destination",
        SOURCE_WORKLOAD,
        SOURCE_NAMESPACE,
        name,
        ns,
        f"{name}.{ns}.svc.cluster.local",
        name,
        ns,
        name,
        VERSION,
        name,
        VERSION,
        "http",
        "mutual_tls",
    )


def _series_labels(shared: tuple[str, ...], pod: PodRecord, code: str) -> list[str]:
    return [*shared, code, RESPONSE_FLAGS[code], pod.name, pod.namespace]


def istio_families(deployments: list[DeploymentState]) -> Iterator[Metric]:
    """The request counter and the duration histogram over every pod of ``deployments``."""
    requests = CounterMetricFamily(
        "istio_requests_total", "Counter of requests to the destination.", labels=ISTIO_LABELS
    )
    durations = HistogramMetricFamily(
        "istio_request_duration_milliseconds",
        "Histogram of request durations in milliseconds.",
        labels=ISTIO_LABELS,
    )
    for state in deployments:
        shared = destination_labels(state.spec)
        counts = state.counts.tolist()
        buckets = state.buckets.tolist()
        sums = state.sums.tolist()
        for i, pod in enumerate(state.pods):
            for c, code in enumerate(RESPONSE_CODES):
                count = counts[i][c]
                if count <= 0:
                    continue
                labels = _series_labels(shared, pod, code)
                requests.add_metric(labels, count)
                durations.add_metric(labels, list(zip(LE_VALUES, buckets[i][c], strict=True)), sums[i][c])
    yield requests
    yield durations
