"""Custom and external metrics request paths: the five custom routes, the external one, errors."""

from __future__ import annotations

import pytest

from metrics_adapter.kube import (
    CustomMetricRequest,
    ExternalMetricRequest,
    GroupResource,
    RequestPathError,
    SelectorError,
    parse_custom_metric_path,
    parse_external_metric_path,
)

_V2 = "/apis/custom.metrics.k8s.io/v1beta2"
_V1 = "/apis/custom.metrics.k8s.io/v1beta1"
_PODS = GroupResource("pods")
_DEPLOYMENTS = GroupResource("deployments", "apps")
_NAMESPACES = GroupResource("namespaces")
_NODES = GroupResource("nodes")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(
            f"{_V2}/namespaces/shop/pods/checkout-1/rps",
            CustomMetricRequest("v1beta2", _PODS, "shop", "checkout-1", "rps"),
            id="namespaced-object",
        ),
        pytest.param(
            f"{_V1}/namespaces/shop/pods/*/istio_requests_per_second",
            CustomMetricRequest("v1beta1", _PODS, "shop", "*", "istio_requests_per_second"),
            id="namespaced-wildcard",
        ),
        pytest.param(
            f"{_V1}/namespaces/demo/pods/%2A/http_requests_per_second",
            CustomMetricRequest("v1beta1", _PODS, "demo", "*", "http_requests_per_second"),
            id="percent-encoded-wildcard",
        ),
        pytest.param(
            f"{_V2}/namespaces/shop/deployments.apps/checkout/rps",
            CustomMetricRequest("v1beta2", _DEPLOYMENTS, "shop", "checkout", "rps"),
            id="grouped-resource",
        ),
        pytest.param(
            f"{_V2}/namespaces/shop/metrics/rps",
            CustomMetricRequest("v1beta2", _NAMESPACES, None, "shop", "rps"),
            id="namespace-metric",
        ),
        pytest.param(
            f"{_V2}/namespaces/*/metrics/rps",
            CustomMetricRequest("v1beta2", _NAMESPACES, None, "*", "rps"),
            id="namespace-metric-wildcard",
        ),
        pytest.param(
            f"{_V2}/nodes/node-1/gpu_util",
            CustomMetricRequest("v1beta2", _NODES, None, "node-1", "gpu_util"),
            id="root-scoped-object",
        ),
        pytest.param(
            f"{_V2}/nodes/*/gpu_util",
            CustomMetricRequest("v1beta2", _NODES, None, "*", "gpu_util"),
            id="root-scoped-wildcard",
        ),
        pytest.param(
            f"{_V2}/namespaces/shop/pods/p/namespace:http_requests:rate5m",
            CustomMetricRequest("v1beta2", _PODS, "shop", "p", "namespace:http_requests:rate5m"),
            id="recording-rule-name",
        ),
    ],
)
def test_custom_metric_paths(path: str, expected: CustomMetricRequest) -> None:
    assert parse_custom_metric_path(path) == expected


def test_selectors_are_validated_and_kept_canonical() -> None:
    request = parse_custom_metric_path(
        f"{_V2}/namespaces/shop/pods/*/rps",
        label_selector="tier in (web,api), app=checkout",
        metric_label_selector="",
    )
    assert request.is_wildcard
    assert request.label_selector == "app=checkout,tier in (api,web)"
    assert request.metric_label_selector is None
    assert request.object_selector.matches({"app": "checkout", "tier": "web"})
    assert request.metric_selector.is_empty


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"label_selector": 'app="x"'}, id="hostile-object-selector"),
        pytest.param({"metric_label_selector": "code=~5.."}, id="hostile-metric-selector"),
    ],
)
def test_bad_selectors_fail_the_request(kwargs: dict[str, str]) -> None:
    with pytest.raises(SelectorError):
        parse_custom_metric_path(f"{_V2}/namespaces/shop/pods/*/rps", **kwargs)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"{_V2}/namespaces/shop/rps", id="three-segment-namespace-metric"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p", id="missing-metric"),
        pytest.param(f"{_V2}/namespaces/shop/pods", id="resource-only"),
        pytest.param(f"{_V2}/namespaces/shop", id="namespace-only"),
        pytest.param(f"{_V2}/pods/rps", id="two-segments"),
        pytest.param(f"{_V2}", id="group-version-only"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p/rps/extra", id="six-segments"),
        pytest.param(f"{_V2}/namespaces/shop/metrics/x/rps", id="metrics-as-resource"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p/rps/", id="trailing-slash"),
        pytest.param(f"{_V2}/namespaces/shop//p/rps", id="empty-segment"),
        pytest.param(f"{_V2}/namespaces/Shop/pods/p/rps", id="uppercase-namespace"),
        pytest.param(f"{_V2}/namespaces/*/pods/p/rps", id="wildcard-namespace-for-objects"),
        pytest.param(f"{_V2}/namespaces/shop/Pods/p/rps", id="uppercase-resource"),
        pytest.param(f"{_V2}/namespaces/shop/deployments./p/rps", id="empty-group"),
        pytest.param(f'{_V2}/namespaces/shop/pods/p"}}/rps', id="quote-in-name"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p/rps%7Bx%3D%22y%22%7D", id="encoded-braces-in-metric"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p/..", id="dot-dot-metric"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p%2Fq/rps", id="encoded-slash"),
        pytest.param(f"{_V2}/namespaces/shop/pods/p/rps?labelSelector=a", id="query-in-path"),
        pytest.param("/apis/custom.metrics.k8s.io/v1/namespaces/shop/pods/p/rps", id="unknown-version"),
        pytest.param("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/rps", id="other-group"),
        pytest.param("apis/custom.metrics.k8s.io/v1beta2/nodes/n/m", id="relative-path"),
    ],
)
def test_invalid_custom_metric_paths(path: str) -> None:
    with pytest.raises(RequestPathError, match="invalid request path"):
        parse_custom_metric_path(path)


def test_external_metric_path() -> None:
    request = parse_external_metric_path(
        "/apis/external.metrics.k8s.io/v1beta1/namespaces/workers/queue_depth", label_selector="queue=orders"
    )
    assert request == ExternalMetricRequest("workers", "queue_depth", "queue=orders")
    assert request.metric_selector.matches({"queue": "orders"})


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/apis/external.metrics.k8s.io/v1beta1/namespaces/workers", id="no-metric"),
        pytest.param("/apis/external.metrics.k8s.io/v1beta1/queue_depth", id="no-namespace"),
        pytest.param("/apis/external.metrics.k8s.io/v1beta1/namespaces/w/queue_depth/x", id="extra-segment"),
        pytest.param("/apis/external.metrics.k8s.io/v1beta2/namespaces/w/queue_depth", id="unknown-version"),
        pytest.param("/apis/external.metrics.k8s.io/v1beta1/namespaces/W/queue_depth", id="bad-namespace"),
        pytest.param("/apis/external.metrics.k8s.io/v1beta1/namespaces/w/q%20d", id="space-in-metric"),
    ],
)
def test_invalid_external_metric_paths(path: str) -> None:
    with pytest.raises(RequestPathError):
        parse_external_metric_path(path)


def test_external_selector_is_validated() -> None:
    with pytest.raises(SelectorError):
        parse_external_metric_path(
            "/apis/external.metrics.k8s.io/v1beta1/namespaces/w/queue_depth",
            label_selector="queue=orders) or (1",
        )
