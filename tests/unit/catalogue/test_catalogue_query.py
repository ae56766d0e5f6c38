"""Query building: exact PromQL for a few preset requests, and properties of every preset query."""

from __future__ import annotations

import inspect

import pytest

from metrics_adapter.catalogue import (
    Api,
    Association,
    DcgmOptions,
    ExternalSpec,
    Gauge,
    IstioOptions,
    MetricDefinition,
    QueuesOptions,
    RecipeError,
    Series,
    UnsupportedResourceError,
    build_query,
    dcgm_metrics,
    default_catalogue,
    istio_metrics,
    plan_custom_query,
    plan_external_query,
    queue_metrics,
)
from metrics_adapter.kube import GroupResource, parse_group_resource, parse_selector

DEPLOYMENTS = GroupResource("deployments", "apps")
PODS = GroupResource("pods")
CATALOGUE = default_catalogue()


def _custom(metric: str, resource: str, *, name: str | None = None, selector: str = "") -> str:
    definition = CATALOGUE.get(metric)
    group_resource = parse_group_resource(resource)
    namespaced = group_resource != GroupResource("namespaces")
    return plan_custom_query(
        definition,
        resource=group_resource,
        namespace="ml" if namespaced else None,
        metric_selector=parse_selector(selector),
        object_name=name,
    ).promql


@pytest.mark.parametrize(
    ("metric", "resource", "name", "selector", "expected"),
    [
        pytest.param(
            "istio_requests_per_second",
            "pods",
            None,
            "",
            'sum by (pod) (rate(istio_requests_total{reporter="destination", namespace="ml", pod!=""}[1m]))',
            id="istio-rps-pods",
        ),
        pytest.param(
            "istio_requests_per_second",
            "deployments.apps",
            "llama",
            "",
            'sum by (destination_workload) (rate(istio_requests_total{reporter="destination", '
            'destination_workload_namespace="ml", destination_workload="llama"}[1m]))',
            id="istio-rps-deployment",
        ),
        pytest.param(
            "istio_requests_per_second",
            "namespaces",
            "ml",
            "",
            'sum by (namespace) (rate(istio_requests_total{reporter="destination", namespace="ml"}[1m]))',
            id="istio-rps-namespace",
        ),
        pytest.param(
            "istio_request_error_ratio",
            "services",
            "llama",
            "",
            'sum by (destination_service_name) (rate(istio_requests_total{reporter="destination", '
            'response_code=~"5..", destination_service_namespace="ml", '
            'destination_service_name="llama"}[1m]))'
            ' / sum by (destination_service_name) (rate(istio_requests_total{reporter="destination", '
            'destination_service_namespace="ml", destination_service_name="llama"}[1m]))',
            id="istio-error-ratio-service",
        ),
        pytest.param(
            "istio_request_duration_p95_ms",
            "pods",
            None,
            "request_protocol=http",
            "histogram_quantile(0.95, sum by (le, pod) (rate(istio_request_duration_milliseconds_bucket{"
            'reporter="destination", namespace="ml", pod!="", request_protocol="http"}[1m]))) or '
            "(histogram_quantile(0.95, sum by (le, pod) (rate(istio_request_duration_seconds_bucket{"
            'reporter="destination", namespace="ml", pod!="", request_protocol="http"}[1m]))) * 1000)',
            id="istio-p95-pods-selector",
        ),
        pytest.param(
            "gpu_memory_used_mib",
            "pods",
            "triton-0",
            "",
            'sum by (exported_pod) (DCGM_FI_DEV_FB_USED{exported_namespace="ml", exported_pod="triton-0"}) '
            "or label_replace(max by (exported_pod) (timestamp(DCGM_FI_DEV_FB_USED{"
            'exported_namespace="ml", exported_pod="triton-0"})), "servescale_part", "sample_time", "", "")',
            id="dcgm-used-one-pod",
        ),
        pytest.param(
            "vllm_queue_depth",
            "deployments.apps",
            "llama",
            "",
            'sum by (pod) (vllm:num_requests_waiting{namespace="ml", pod!=""}) or label_replace(max by (pod) '
            '(timestamp(vllm:num_requests_waiting{namespace="ml", pod!=""})), "servescale_part", '
            '"sample_time", "", "")',
            id="vllm-queue-deployment-from-pods",
        ),
    ],
)
def test_exact_promql(metric: str, resource: str, name: str | None, selector: str, expected: str) -> None:
    assert _custom(metric, resource, name=name, selector=selector) == expected


@pytest.mark.parametrize(
    ("metric", "selector", "expected"),
    [
        pytest.param(
            "kafka_consumergroup_lag",
            "consumergroup=embed,topic=requests",
            'sum(kafka_consumergroup_lag{consumergroup="embed", topic="requests"}) or label_replace(max('
            'timestamp(kafka_consumergroup_lag{consumergroup="embed", topic="requests"})), '
            '"servescale_part", "sample_time", "", "")',
            id="kafka-sum",
        ),
        pytest.param(
            "rabbitmq_queue_messages_ready",
            "queue in (orders,jobs.v2)",
            '(sum by (vhost, queue) (rabbitmq_queue_messages_ready{queue=~"jobs\\\\.v2|orders"}) or '
            'sum by (vhost, queue) (rabbitmq_detailed_queue_messages_ready{queue=~"jobs\\\\.v2|orders"})) or '
            "label_replace(max by (vhost, queue) (timestamp(rabbitmq_queue_messages_ready{"
            'queue=~"jobs\\\\.v2|orders"})) or max by (vhost, queue) '
            "(timestamp(rabbitmq_detailed_queue_messages_ready{"
            'queue=~"jobs\\\\.v2|orders"})), "servescale_part", "sample_time", "", "")',
            id="rabbitmq-per-series-in",
        ),
    ],
)
def test_exact_external_promql(metric: str, selector: str, expected: str) -> None:
    plan = plan_external_query(CATALOGUE.get(metric), namespace="workers", selector=parse_selector(selector))
    assert plan.promql == expected
    assert "workers" not in plan.promql, "not namespaced: the request's namespace must not scope the query"


def _every_custom_request() -> list[object]:
    cases = []
    for definition in CATALOGUE:
        if definition.api is Api.CUSTOM:
            for association in definition.associations:
                cases.append(
                    pytest.param(definition, association, id=f"{definition.name}-{association.resource}")
                )
    return cases


@pytest.mark.parametrize(("definition", "association"), _every_custom_request())
def test_every_preset_query_is_scoped_and_grouped(
    definition: MetricDefinition, association: Association
) -> None:
    pods = definition.association(PODS)
    via = pods if association.from_pods is not None else association
    assert via is not None
    assert via.object_label is not None
    namespace = "shop" if association.namespaced else None
    wildcard = plan_custom_query(definition, resource=association.resource, namespace=namespace)
    named = plan_custom_query(
        definition, resource=association.resource, namespace=namespace, object_name="x-1"
    )
    assert wildcard.group_labels == (via.object_label,)
    assert f"by ({via.object_label})" in wildcard.promql or f"by (le, {via.object_label})" in wildcard.promql
    if namespace is not None:
        assert wildcard.promql.count(f'{via.namespace_label}="shop"') >= 1
    assert f'{via.object_label}!=""' in wildcard.promql
    assert "=~" not in wildcard.promql.replace('response_code=~"5.."', ""), "never a regex of object names"
    if association.from_pods is not None:
        assert named.promql == wildcard.promql, "objects without a label are computed from all pods"
        assert wildcard.from_pods is association.from_pods
    else:
        assert f'{via.object_label}="x-1"' in named.promql
    assert wildcard.tracks_sample_age == definition.checks_staleness
    assert ("sample_time" in wildcard.promql) == definition.checks_staleness


def test_query_cannot_grow_with_the_number_of_pods() -> None:
    """No parameter takes pod names, and a fromPods query is the same whatever the object asked."""
    parameters = set(inspect.signature(plan_custom_query).parameters)
    assert parameters == {"definition", "resource", "namespace", "metric_selector", "object_name"}
    definition = CATALOGUE.get("gpu_utilization_percent")
    queries = {
        plan_custom_query(definition, resource=DEPLOYMENTS, namespace="ml", object_name=name).promql
        for name in ("a", "llama-" + "x" * 200, None)
    }
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("pod_labels", "pod_label", "namespace_label"),
    [
        pytest.param("exported", "exported_pod", "exported_namespace", id="exported"),
        pytest.param("pod", "pod", "namespace", id="honor-labels"),
    ],
)
def test_dcgm_pod_labels_option(pod_labels: str, pod_label: str, namespace_label: str) -> None:
    options = DcgmOptions(pod_labels="pod" if pod_labels == "pod" else "exported")
    for definition in dcgm_metrics(options):
        promql = plan_custom_query(definition, resource=PODS, namespace="ml").promql
        assert f'{namespace_label}="ml"' in promql
        assert f"by ({pod_label})" in promql


def test_gpu_utilization_falls_back_to_mig_engine_activity() -> None:
    promql = _custom("gpu_utilization_percent", "pods")
    direct = promql.index("DCGM_FI_DEV_GPU_UTIL")
    mig = promql.index("DCGM_FI_PROF_GR_ENGINE_ACTIVE")
    assert direct < promql.index(" or ") < mig
    assert "* 100" in promql


def test_unsupported_resource_names_served_ones() -> None:
    with pytest.raises(UnsupportedResourceError, match=r"served for: pods, deployments\.apps"):
        plan_custom_query(
            CATALOGUE.get("gpu_memory_used_mib"), resource=GroupResource("services"), namespace="ml"
        )


def test_external_metric_is_not_a_custom_resource() -> None:
    with pytest.raises(UnsupportedResourceError):
        plan_custom_query(CATALOGUE.get("kafka_consumergroup_lag"), resource=PODS, namespace="ml")


@pytest.mark.parametrize(
    ("resource", "namespace"),
    [
        pytest.param(PODS, None, id="namespaced-without-namespace"),
        pytest.param(GroupResource("namespaces"), "ml", id="cluster-scoped-with-namespace"),
    ],
)
def test_scope_mismatch_is_a_programming_error(resource: GroupResource, namespace: str | None) -> None:
    with pytest.raises(ValueError, match="namespace"):
        plan_custom_query(CATALOGUE.get("istio_requests_per_second"), resource=resource, namespace=namespace)


def test_namespaced_external_metric_scopes_by_namespace() -> None:
    definition = MetricDefinition(
        "jobs",
        Gauge(Series("queue_jobs")),
        api=Api.EXTERNAL,
        external=ExternalSpec(("queue",), namespaced=True, namespace_label="kubernetes_namespace"),
    )
    expr = build_query(definition, namespace="workers", metric_selector=parse_selector("queue=a"))
    assert 'queue_jobs{kubernetes_namespace="workers", queue="a"}' in expr.render()
    with pytest.raises(ValueError, match="namespace is required"):
        plan_external_query(definition, namespace=None)


def test_preset_exclude_and_unknown_exclude() -> None:
    names = {
        d.name for d in istio_metrics(IstioOptions(exclude=frozenset({"istio_request_duration_p50_ms"})))
    }
    assert "istio_request_duration_p50_ms" not in names
    assert "istio_request_duration_p99_ms" in names
    with pytest.raises(RecipeError, match="no metric nope"):
        queue_metrics(QueuesOptions(exclude=frozenset({"nope"})))
