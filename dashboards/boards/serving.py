"""Model serving: one row per model (Deployment) of a namespace, from the catalogue's own queries.

Request rate, error ratio and latency quantiles are the catalogue's Deployment-level metrics (the
``istio`` preset), queue depth and GPU utilisation its per-pod metrics (``queues``, ``dcgm``) kept to
the model's pods; replicas come from kube-state-metrics. A panel whose preset is off is left out.
Links lead to the same model's HPA on the autoscaling board and to its SLOs.

Knows the panel factory and the shared queries.
"""

from __future__ import annotations

from metrics_adapter.catalogue.definition import PODS
from metrics_adapter.promql import Expr, Selector, eq

from ..assemble import BoardSpec, Row, Variable
from ..inputs import BoardInputs
from ..panels import PanelSpec, Query
from ..queries import DEPLOYMENTS, NAMESPACE, WORKLOAD, catalogue_value, of_workload, pod_label

__all__ = ["UID", "serving_board"]

UID = "servescale-serving"
_TO_AUTOSCALING = (
    "/d/servescale-autoscaling?var-namespace=${namespace}&var-hpa=${workload}&${__url_time_range}"
)
_TO_SLOS = "/d/servescale-slos?var-service=${workload}&${__url_time_range}"
_LINKS = (("Autoscaling of this model", _TO_AUTOSCALING), ("SLOs of this model", _TO_SLOS))


def _deployment(inputs: BoardInputs, name: str) -> Expr | None:
    return catalogue_value(inputs.catalogue, name, resource=DEPLOYMENTS, object_name=WORKLOAD)


def _pods_of_model(inputs: BoardInputs, name: str) -> Expr | None:
    per_pod = catalogue_value(inputs.catalogue, name, resource=PODS)
    if per_pod is None:
        return None
    return of_workload(per_pod, pod=pod_label(inputs.catalogue, name)[0])


def _replicas() -> PanelSpec:
    where = (eq("namespace", NAMESPACE), eq("deployment", WORKLOAD))
    return PanelSpec(
        "Ready / desired replicas",
        "Pods of the Deployment that are ready, against the replicas its spec (set by the HPA) asks for.",
        "short",
        [
            Query(Selector("kube_deployment_status_replicas_available", where), "ready"),
            Query(Selector("kube_deployment_spec_replicas", where), "desired"),
        ],
        links=_LINKS,
    )


def _request_rate(inputs: BoardInputs) -> PanelSpec | None:
    rate = _deployment(inputs, "istio_requests_per_second")
    if rate is None:
        return None
    return PanelSpec(
        "Request rate",
        "Requests per second the model's pods received (Istio, reporter=destination): "
        "the Deployment value of istio_requests_per_second.",
        "reqps",
        [Query(rate, "requests/s")],
        links=_LINKS,
    )


def _error_ratio(inputs: BoardInputs) -> PanelSpec | None:
    errors = _deployment(inputs, "istio_request_error_ratio")
    if errors is None:
        return None
    return PanelSpec(
        "Error ratio",
        "Share of requests answered 5xx (istio_request_error_ratio of the Deployment).",
        "percentunit",
        [Query(errors, "5xx ratio")],
        min=0,
        links=_LINKS,
    )


def _latency(inputs: BoardInputs) -> PanelSpec | None:
    quantiles = [
        Query(expr, f"p{q}")
        for q in ("50", "95", "99")
        if (expr := _deployment(inputs, f"istio_request_duration_p{q}_ms")) is not None
    ]
    if not quantiles:
        return None
    return PanelSpec(
        "Latency p50 / p95 / p99",
        "Request duration quantiles from Envoy's histogram, as the HPA metrics "
        "istio_request_duration_p*_ms compute them.",
        "ms",
        quantiles,
        links=_LINKS,
    )


def _queue(inputs: BoardInputs) -> PanelSpec | None:
    queue = _pods_of_model(inputs, "inference_queue_depth")
    if queue is None:
        return None
    return PanelSpec(
        "Queue depth per pod",
        "Requests waiting in each pod's inference server (Triton pending requests, else vLLM "
        "waiting requests): inference_queue_depth, per pod of the model.",
        "short",
        [Query(queue, "{{pod}}")],
        min=0,
    )


def _gpu(inputs: BoardInputs) -> PanelSpec | None:
    gpu = _pods_of_model(inputs, "gpu_utilization_percent")
    if gpu is None:
        return None
    return PanelSpec(
        "GPU utilisation per pod",
        "GPU utilisation of each pod's GPU (DCGM_FI_DEV_GPU_UTIL, or engine activity on MIG): "
        "gpu_utilization_percent.",
        "percent",
        [Query(gpu, "{{pod}}")],
        min=0,
        max=100,
    )


def _panels(inputs: BoardInputs) -> list[PanelSpec]:
    """The model's panels in board order; a panel whose preset is off is left out."""
    panels = (
        _request_rate(inputs),
        _error_ratio(inputs),
        _latency(inputs),
        _queue(inputs),
        _replicas(),
        _gpu(inputs),
    )
    return [panel for panel in panels if panel is not None]


def serving_board(inputs: BoardInputs) -> BoardSpec:
    return BoardSpec(
        uid=UID,
        title="ServeScale / Model serving",
        description="Per model: traffic, errors, latency, queue, replicas and GPUs, from the queries "
        "the metrics API serves to HPAs.",
        variables=[
            Variable("namespace", "namespace", "kube_deployment_spec_replicas", description="Namespace"),
            Variable(
                "workload",
                "deployment",
                'kube_deployment_spec_replicas{namespace="$namespace"}',
                all_values=True,
                description="Model Deployments (one row each)",
            ),
        ],
        rows=[Row("$workload", _panels(inputs), repeat="workload")],
    )
