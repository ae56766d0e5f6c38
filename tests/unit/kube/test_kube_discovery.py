"""Discovery documents as the note shows them, and the aggregated-discovery Accept check."""

from __future__ import annotations

import pytest

from metrics_adapter.kube import (
    MetricResource,
    accepts_only_aggregated_discovery,
    build_api_group,
    build_api_group_list,
    build_custom_metrics_resource_list,
    build_external_metrics_resource_list,
)
from metrics_adapter.kube.resources import GroupResource


def _custom_entry(name: str, *, namespaced: bool) -> dict[str, object]:
    return {
        "name": name,
        "singularName": "",
        "namespaced": namespaced,
        "kind": "MetricValueList",
        "verbs": ["get"],
    }


def test_custom_metrics_api_group_prefers_v1beta2() -> None:
    assert build_api_group("custom.metrics.k8s.io").to_wire() == {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": "custom.metrics.k8s.io",
        "versions": [
            {"groupVersion": "custom.metrics.k8s.io/v1beta2", "version": "v1beta2"},
            {"groupVersion": "custom.metrics.k8s.io/v1beta1", "version": "v1beta1"},
        ],
        "preferredVersion": {"groupVersion": "custom.metrics.k8s.io/v1beta2", "version": "v1beta2"},
    }


def test_api_group_list_has_both_groups_without_inner_type_meta() -> None:
    document = build_api_group_list().to_wire()
    assert document["kind"] == "APIGroupList"
    assert document["apiVersion"] == "v1"
    assert [group["name"] for group in document["groups"]] == [
        "custom.metrics.k8s.io",
        "external.metrics.k8s.io",
    ]
    external = document["groups"][1]
    assert external == {
        "name": "external.metrics.k8s.io",
        "versions": [{"groupVersion": "external.metrics.k8s.io/v1beta1", "version": "v1beta1"}],
        "preferredVersion": {"groupVersion": "external.metrics.k8s.io/v1beta1", "version": "v1beta1"},
    }


def test_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="not served"):
        build_api_group("metrics.k8s.io")


@pytest.mark.parametrize("version", ["v1beta2", "v1beta1"])
def test_custom_metrics_resource_list_matches_the_note(version: str) -> None:
    metrics = [
        MetricResource("pods", "istio_requests_per_second", True),
        ("deployments.apps", "istio_requests_per_second", True),
        MetricResource(GroupResource("namespaces"), "istio_requests_per_second", False),
        ("pods", "istio_requests_per_second", True),
    ]
    assert build_custom_metrics_resource_list(version, metrics).to_wire() == {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"custom.metrics.k8s.io/{version}",
        "resources": [
            _custom_entry("deployments.apps/istio_requests_per_second", namespaced=True),
            _custom_entry("namespaces/istio_requests_per_second", namespaced=False),
            _custom_entry("pods/istio_requests_per_second", namespaced=True),
        ],
    }


def test_custom_metrics_resource_list_refuses_mixed_scope() -> None:
    with pytest.raises(ValueError, match="both as namespaced and as cluster-scoped"):
        build_custom_metrics_resource_list("v1beta2", [("pods", "a", True), ("pods", "b", False)])


def test_custom_metrics_resource_list_refuses_unknown_version() -> None:
    with pytest.raises(ValueError, match="does not serve"):
        build_custom_metrics_resource_list("v1", [])


def test_empty_resource_list_is_still_a_valid_document() -> None:
    document = build_custom_metrics_resource_list("v1beta1", []).to_wire()
    assert document["resources"] == []


def test_external_metrics_resource_list_matches_the_note() -> None:
    assert build_external_metrics_resource_list(["queue_depth", "queue_depth"]).to_wire() == {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "external.metrics.k8s.io/v1beta1",
        "resources": [
            {
                "name": "queue_depth",
                "singularName": "",
                "namespaced": True,
                "kind": "ExternalMetricValueList",
                "verbs": ["get"],
            }
        ],
    }


_AGGREGATOR = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param(_AGGREGATOR, True, id="kube-aggregator"),
        pytest.param(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", True, id="v2-only"
        ),
        pytest.param(
            "application/json; g=apidiscovery.k8s.io; v=v2beta1; as=APIGroupDiscoveryList", True, id="spaces"
        ),
        pytest.param(
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            True,
            id="protobuf-aggregated",
        ),
        pytest.param(_AGGREGATOR + ",application/json", False, id="plain-json-fallback"),
        pytest.param(_AGGREGATOR + ",*/*", False, id="wildcard-fallback"),
        pytest.param(_AGGREGATOR + ",application/json;q=0", True, id="refused-json-ignored"),
        pytest.param("application/json", False, id="kubectl"),
        pytest.param("application/vnd.kubernetes.protobuf, */*", False, id="client-go"),
        pytest.param("application/json;g=apidiscovery.k8s.io;v=v2", False, id="missing-as"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="absent"),
    ],
)
def test_accepts_only_aggregated_discovery(accept: str | None, expected: bool) -> None:
    assert accepts_only_aggregated_discovery(accept) is expected
