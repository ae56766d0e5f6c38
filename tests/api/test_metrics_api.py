"""The metrics API's wire protocol through the ASGI app, with a static provider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry

from metrics_adapter.api import create_health_app, create_metrics_api
from metrics_adapter.kube import (
    CustomMetricRequest,
    ExternalMetricRequest,
    ExternalMetricValue,
    MetricResource,
    MetricValue,
    ObjectReference,
)
from metrics_adapter.provider import StaticProvider, UpstreamUnavailableError
from metrics_adapter.self_metrics import AdapterMetrics

T = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
CUSTOM = "/apis/custom.metrics.k8s.io"
EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1"
AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
)


def pod_value(name: str, value: str) -> MetricValue:
    return MetricValue(
        described=ObjectReference(kind="Pod", name=name, api_version="v1", namespace="shop"),
        metric_name="istio_requests_per_second",
        timestamp=T,
        value=Decimal(value),
        window_seconds=60,
    )


PROVIDER = StaticProvider(
    custom=[pod_value("checkout-7d9f8-x2k4p", "12.5"), pod_value("checkout-7d9f8-q8w2m", "9")],
    external=[
        ExternalMetricValue(
            metric_name="queue_depth", timestamp=T, value=Decimal(12000), metric_labels={"queue": "orders"}
        )
    ],
    resources=[
        MetricResource("pods", "istio_requests_per_second", True),
        MetricResource("namespaces", "istio_requests_per_second", False),
    ],
)


class FailingProvider(StaticProvider):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    async def get_custom(self, request: CustomMetricRequest) -> list[MetricValue]:
        raise self.exc

    async def get_external(self, request: ExternalMetricRequest) -> list[ExternalMetricValue]:
        raise self.exc


def make_client(provider: StaticProvider = PROVIDER) -> httpx.AsyncClient:
    app = create_metrics_api(provider, metrics=AdapterMetrics(CollectorRegistry()))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://adapter")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as c:
        yield c


async def test_api_group_list_and_406_for_aggregated_discovery(client: httpx.AsyncClient) -> None:
    plain = await client.get("/apis")
    assert plain.status_code == 200
    names = [g["name"] for g in plain.json()["groups"]]
    assert names == ["custom.metrics.k8s.io", "external.metrics.k8s.io"]
    aggregated = await client.get("/apis", headers={"Accept": AGGREGATED_ACCEPT})
    assert aggregated.status_code == 406
    assert aggregated.json()["kind"] == "Status"
    assert aggregated.json()["code"] == 406


async def test_group_prefers_v1beta2(client: httpx.AsyncClient) -> None:
    body = (await client.get(CUSTOM)).json()
    assert body["kind"] == "APIGroup"
    assert body["preferredVersion"] == {"groupVersion": "custom.metrics.k8s.io/v1beta2", "version": "v1beta2"}


@pytest.mark.parametrize("version", ["v1beta1", "v1beta2"])
async def test_resource_list_names_configured_metrics(client: httpx.AsyncClient, version: str) -> None:
    body = (await client.get(f"{CUSTOM}/{version}")).json()
    assert body["kind"] == "APIResourceList"
    assert body["groupVersion"] == f"custom.metrics.k8s.io/{version}"
    assert {(r["name"], r["namespaced"]) for r in body["resources"]} == {
        ("pods/istio_requests_per_second", True),
        ("namespaces/istio_requests_per_second", False),
    }


async def test_discovery_is_never_empty() -> None:
    async with make_client(StaticProvider()) as empty:
        for path in (f"{CUSTOM}/v1beta2", EXTERNAL):
            resources = (await empty.get(path)).json()["resources"]
            assert len(resources) == 1


async def test_v1beta2_pods_list_shape_and_json_despite_protobuf_accept(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"{CUSTOM}/v1beta2/namespaces/shop/pods/%2A/istio_requests_per_second",
        params={"labelSelector": "app=checkout"},
        headers={"Accept": "application/vnd.kubernetes.protobuf, */*"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert (body["kind"], body["apiVersion"]) == ("MetricValueList", "custom.metrics.k8s.io/v1beta2")
    item = body["items"][0]
    assert item["describedObject"] == {
        "kind": "Pod",
        "namespace": "shop",
        "name": "checkout-7d9f8-x2k4p",
        "apiVersion": "v1",
    }
    assert item["metric"]["name"] == "istio_requests_per_second"
    assert (item["timestamp"], item["windowSeconds"], item["value"]) == ("2026-05-01T10:00:00Z", 60, "12500m")


async def test_v1beta1_uses_metric_name_and_window(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"{CUSTOM}/v1beta1/namespaces/shop/pods/*/istio_requests_per_second")).json()
    assert body["apiVersion"] == "custom.metrics.k8s.io/v1beta1"
    item = body["items"][1]
    assert item["metricName"] == "istio_requests_per_second"
    assert item["window"] == 60
    assert item["value"] == "9"
    assert "selector" in item


async def test_external_list_shape(client: httpx.AsyncClient) -> None:
    body = (
        await client.get(
            f"{EXTERNAL}/namespaces/workers/queue_depth", params={"labelSelector": "queue=orders"}
        )
    ).json()
    assert (body["kind"], body["apiVersion"]) == (
        "ExternalMetricValueList",
        "external.metrics.k8s.io/v1beta1",
    )
    assert body["items"] == [
        {
            "metricName": "queue_depth",
            "metricLabels": {"queue": "orders"},
            "timestamp": "2026-05-01T10:00:00Z",
            "value": "12k",
        }
    ]


@pytest.mark.parametrize(
    ("path", "params", "code", "reason"),
    [
        pytest.param(
            f"{CUSTOM}/v1beta2/namespaces/shop/istio_requests_per_second",
            {},
            400,
            "BadRequest",
            id="3-segment",
        ),
        pytest.param(
            f"{CUSTOM}/v1beta2/namespaces/shop/pods/*/nope", {}, 404, "NotFound", id="unknown-metric"
        ),
        pytest.param(
            f"{CUSTOM}/v1beta2/namespaces/shop/pods/*/istio_requests_per_second",
            {"labelSelector": 'app="x" or vector(1)'},
            400,
            "BadRequest",
            id="hostile-selector",
        ),
        pytest.param(
            f"{CUSTOM}/v1beta2/namespaces/shop/pods/*/istio_requests_per_second",
            {"metricLabelSelector": "a in (b"},
            400,
            "BadRequest",
            id="unclosed-set",
        ),
        pytest.param(f"{CUSTOM}/v9/namespaces/shop/pods/*/m", {}, 404, "NotFound", id="unknown-version"),
        pytest.param(
            f"{EXTERNAL}/namespaces/w/queue_depth",
            {"labelSelector": "queue=other"},
            404,
            "NotFound",
            id="ext-none",
        ),
        pytest.param("/apis/metrics.k8s.io", {}, 404, "NotFound", id="other-group"),
        pytest.param("/nothing/here", {}, 404, "NotFound", id="unknown-path"),
    ],
)
async def test_errors_are_status_objects_with_matching_code(
    client: httpx.AsyncClient, path: str, params: dict[str, str], code: int, reason: str
) -> None:
    response = await client.get(path, params=params)
    body: dict[str, Any] = response.json()
    assert response.status_code == code
    assert (body["kind"], body["apiVersion"], body["status"]) == ("Status", "v1", "Failure")
    assert (body["code"], body["reason"]) == (code, reason)
    assert body["message"]


@pytest.mark.parametrize(
    ("exc", "code", "reason"),
    [
        pytest.param(
            UpstreamUnavailableError("connection refused"), 503, "ServiceUnavailable", id="upstream-down"
        ),
        pytest.param(RuntimeError("bug"), 500, "InternalError", id="unexpected"),
    ],
)
async def test_provider_failures_map_to_status(exc: Exception, code: int, reason: str) -> None:
    async with make_client(FailingProvider(exc)) as failing:
        for path in (f"{CUSTOM}/v1beta1/namespaces/a/pods/*/m", f"{EXTERNAL}/namespaces/a/m"):
            response = await failing.get(path)
            assert response.status_code == code
            assert response.json()["reason"] == reason
            assert "bug" not in response.json()["message"]


async def test_write_methods_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(f"{CUSTOM}/v1beta2/namespaces/shop/pods/*/istio_requests_per_second")
    assert response.status_code == 405
    assert response.json()["reason"] == "MethodNotAllowed"


async def test_health_app_probes_and_own_metrics() -> None:
    metrics = AdapterMetrics(CollectorRegistry())
    state = {"ready": (False, "pod cache not synced")}
    app = create_health_app(metrics=metrics, ready=lambda: state["ready"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://h") as h:
        assert (await h.get("/livez")).status_code == 200
        not_ready = await h.get("/readyz")
        assert (not_ready.status_code, not_ready.text) == (503, "pod cache not synced")
        state["ready"] = (True, "")
        assert (await h.get("/readyz")).status_code == 200
        assert "servescale_adapter_prometheus_query_duration_seconds" in (await h.get("/metrics")).text


async def test_requests_are_counted_by_route_and_metric() -> None:
    metrics = AdapterMetrics(CollectorRegistry())
    app = create_metrics_api(PROVIDER, metrics=metrics)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as c:
        await c.get(f"{CUSTOM}/v1beta2/namespaces/shop/pods/*/istio_requests_per_second")
        await c.get(f"{CUSTOM}/v1beta2/namespaces/shop/pods/*/nope")
    ok = metrics.registry.get_sample_value(
        "servescale_adapter_requests_total",
        {"route": "custom", "metric": "istio_requests_per_second", "code": "200"},
    )
    missing = metrics.registry.get_sample_value(
        "servescale_adapter_requests_total", {"route": "custom", "metric": "nope", "code": "404"}
    )
    assert (ok, missing) == (1.0, 1.0)
