"""``explain``: prints exactly the PromQL a request runs, with association and policy."""

from __future__ import annotations

import pytest

from metrics_adapter.catalogue import (
    UnknownMetricError,
    UnsupportedResourceError,
    default_catalogue,
    explain,
    plan_custom_query,
    plan_external_query,
)
from metrics_adapter.kube import parse_group_resource, parse_selector

CATALOGUE = default_catalogue()


@pytest.mark.parametrize(
    ("metric", "resource", "name", "selector"),
    [
        pytest.param("istio_requests_per_second", "deployments.apps", "llama", "", id="deployment"),
        pytest.param(
            "istio_request_duration_p99_ms", "pods", None, "request_protocol=grpc", id="pods-selector"
        ),
        pytest.param("gpu_utilization_percent", "deployments.apps", "llama", "", id="from-pods"),
        pytest.param("inference_queue_depth", "pods", None, "", id="zero-when-absent"),
    ],
)
def test_explain_prints_the_query_the_request_runs(
    metric: str, resource: str, name: str | None, selector: str
) -> None:
    text = explain(
        CATALOGUE, metric, namespace="ml", selector=selector or None, resource=resource, object_name=name
    )
    plan = plan_custom_query(
        CATALOGUE.get(metric),
        resource=parse_group_resource(resource),
        namespace="ml",
        metric_selector=parse_selector(selector),
        object_name=name,
    )
    lines = text.splitlines()
    assert lines[-1] == plan.promql
    assert lines[-2] == "PromQL"
    assert lines[0].startswith(f"metric      {metric} (custom metric")


def test_explain_describes_association_and_policy() -> None:
    from_pods = explain(CATALOGUE, "gpu_utilization_percent", namespace="ml", resource="deployments.apps")
    assert "the avg of the values of the pods it owns" in from_pods
    assert 'pods by label "exported_pod"' in from_pods
    assert "stale after 120 s" in from_pods
    queue = explain(CATALOGUE, "triton_queue_depth", namespace="ml")
    assert "expected but absent -> 0 (zeroWhenAbsent)" in queue
    rps = explain(CATALOGUE, "istio_requests_per_second", namespace="ml", resource="deployments.apps")
    assert 'object label "destination_workload", namespace label "destination_workload_namespace"' in rps
    assert "window      1m (windowSeconds 60)" in rps
    assert "absent -> no item" in rps


def test_explain_namespace_metric_uses_the_namespace_as_the_object() -> None:
    text = explain(CATALOGUE, "istio_requests_per_second", namespace="ml", resource="namespaces")
    assert text.splitlines()[-1] == (
        'sum by (namespace) (rate(istio_requests_total{reporter="destination", namespace="ml"}[1m]))'
    )


def test_explain_external() -> None:
    text = explain(CATALOGUE, "kafka_consumergroup_lag", namespace="workers", selector="topic=jobs")
    plan = plan_external_query(
        CATALOGUE.get("kafka_consumergroup_lag"), namespace="workers", selector=parse_selector("topic=jobs")
    )
    assert text.splitlines()[-1] == plan.promql
    assert "not namespaced" in text
    assert "selectable  consumergroup, topic" in text
    assert "one item: the sum of every matching series" in text


def test_explain_fails_like_a_request() -> None:
    with pytest.raises(UnknownMetricError):
        explain(CATALOGUE, "nope")
    with pytest.raises(UnsupportedResourceError):
        explain(CATALOGUE, "gpu_memory_used_mib", namespace="ml", resource="services")
