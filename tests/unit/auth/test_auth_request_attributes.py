"""SubjectAccessReview attributes derived from request paths, per path form of the metrics APIs."""

from __future__ import annotations

import pytest

from metrics_adapter.auth.request_attributes import (
    NonResourceAttributes,
    RequestAttributes,
    ResourceAttributes,
    derive_request_attributes,
)

CM = "/apis/custom.metrics.k8s.io/v1beta2"
CM1 = "custom.metrics.k8s.io"
EM = "/apis/external.metrics.k8s.io/v1beta1"
EM1 = "external.metrics.k8s.io"


@pytest.mark.parametrize(
    ("method", "path", "query", "expected"),
    [
        pytest.param(
            "GET",
            f"{CM}/namespaces/shop/pods/*/rps",
            "labelSelector=app%3Dcheckout",
            ResourceAttributes("get", CM1, "v1beta2", "pods", namespace="shop", name="*", subresource="rps"),
            id="custom-namespaced-wildcard",
        ),
        pytest.param(
            "GET",
            f"{CM}/namespaces/shop/deployments.apps/checkout/rps",
            "",
            ResourceAttributes(
                "get",
                CM1,
                "v1beta2",
                "deployments.apps",
                namespace="shop",
                name="checkout",
                subresource="rps",
            ),
            id="custom-namespaced-named-object",
        ),
        pytest.param(
            "GET",
            f"{CM}/namespaces/shop/metrics/queue_age",
            "",
            ResourceAttributes("get", CM1, "v1beta2", "metrics", namespace="shop", name="queue_age"),
            id="custom-namespace-metric",
        ),
        pytest.param(
            "GET",
            f"{CM}/nodes/node-1/gpu_util",
            "",
            ResourceAttributes("get", CM1, "v1beta2", "nodes", name="node-1", subresource="gpu_util"),
            id="custom-root-scoped-named",
        ),
        pytest.param(
            "GET",
            f"{CM}/nodes/*/gpu_util",
            "",
            ResourceAttributes("get", CM1, "v1beta2", "nodes", name="*", subresource="gpu_util"),
            id="custom-root-scoped-wildcard",
        ),
        pytest.param(
            "GET",
            f"{EM}/namespaces/workers/queue_depth",
            "labelSelector=queue%3Dorders",
            ResourceAttributes("list", EM1, "v1beta1", "queue_depth", namespace="workers"),
            id="external-metric-is-a-list",
        ),
        pytest.param(
            "GET",
            f"{EM}/namespaces/workers/queue_depth",
            "fieldSelector=metadata.name%3Dorders",
            ResourceAttributes("list", EM1, "v1beta1", "queue_depth", namespace="workers", name="orders"),
            id="list-narrowed-by-field-selector",
        ),
        pytest.param(
            "GET",
            f"{EM}/namespaces/workers/queue_depth",
            "fieldSelector=metadata.name%21%3Dorders",
            ResourceAttributes("list", EM1, "v1beta1", "queue_depth", namespace="workers"),
            id="negative-field-selector-names-nothing",
        ),
        pytest.param(
            "GET",
            f"{EM}/namespaces/workers/queue_depth",
            "watch=true",
            ResourceAttributes("watch", EM1, "v1beta1", "queue_depth", namespace="workers"),
            id="watch-query",
        ),
        pytest.param(
            "GET",
            f"{CM}/namespaces/shop",
            "",
            ResourceAttributes("get", CM1, "v1beta2", "namespaces", namespace="shop", name="shop"),
            id="namespace-object-itself",
        ),
        pytest.param(
            "GET",
            f"{CM}/namespaces",
            "",
            ResourceAttributes("list", CM1, "v1beta2", "namespaces"),
            id="namespaces-list",
        ),
        pytest.param(
            "GET",
            f"{CM}/pods/a/b/c/d",
            "",
            ResourceAttributes("get", CM1, "v1beta2", "pods", name="a", subresource="b"),
            id="parts-after-subresource-ignored",
        ),
        pytest.param(
            "HEAD",
            f"{CM}/namespaces/shop/pods/p/rps",
            "",
            ResourceAttributes("get", CM1, "v1beta2", "pods", namespace="shop", name="p", subresource="rps"),
            id="head-reads-like-get",
        ),
        pytest.param(
            "POST",
            f"{CM}/namespaces/shop/pods",
            "",
            ResourceAttributes("create", CM1, "v1beta2", "pods", namespace="shop"),
            id="post-is-create",
        ),
        pytest.param(
            "DELETE",
            f"{CM}/namespaces/shop/pods",
            "",
            ResourceAttributes("deletecollection", CM1, "v1beta2", "pods", namespace="shop"),
            id="delete-without-name-is-deletecollection",
        ),
        pytest.param(
            "GET",
            "/api/v1/namespaces/default/pods/p",
            "",
            ResourceAttributes("get", "", "v1", "pods", namespace="default", name="p"),
            id="core-group",
        ),
        pytest.param("GET", "/apis", "", NonResourceAttributes("/apis", "get"), id="apis-root"),
        pytest.param(
            "GET",
            "/apis/custom.metrics.k8s.io",
            "",
            NonResourceAttributes("/apis/custom.metrics.k8s.io", "get"),
            id="api-group",
        ),
        pytest.param("GET", CM, "", NonResourceAttributes(CM, "get"), id="group-version-discovery"),
        pytest.param("GET", "/api/v1", "", NonResourceAttributes("/api/v1", "get"), id="core-discovery"),
        pytest.param("GET", "/openapi/v2", "", NonResourceAttributes("/openapi/v2", "get"), id="openapi"),
        pytest.param("GET", "/metrics", "", NonResourceAttributes("/metrics", "get"), id="metrics"),
        pytest.param("POST", "/", "", NonResourceAttributes("/", "post"), id="root-post"),
    ],
)
def test_attributes_follow_kubernetes_request_info(
    method: str, path: str, query: str, expected: RequestAttributes
) -> None:
    assert derive_request_attributes(method, path, query_string=query) == expected


def test_resource_attributes_wire_leaves_out_empty_fields() -> None:
    attributes = derive_request_attributes("GET", f"{EM}/namespaces/w/queue_depth")
    assert attributes.to_wire() == {
        "namespace": "w",
        "verb": "list",
        "group": EM1,
        "version": "v1beta1",
        "resource": "queue_depth",
    }


def test_custom_metric_wire_carries_name_and_subresource() -> None:
    attributes = derive_request_attributes("GET", f"{CM}/namespaces/shop/pods/*/rps")
    assert attributes.to_wire() == {
        "namespace": "shop",
        "verb": "get",
        "group": CM1,
        "version": "v1beta2",
        "resource": "pods",
        "subresource": "rps",
        "name": "*",
    }
