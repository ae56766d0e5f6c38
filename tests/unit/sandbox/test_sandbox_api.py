"""The sandbox HTTP app through ``httpx.ASGITransport``, on a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sandbox_documents import FakeClock, model, scenario

from autoscaler.sandbox.api import create_sandbox_app


@pytest.fixture
async def client(clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_sandbox_app(
        scenario(model("llama", load={"type": "constant", "rps": 10}), startupDelaySeconds=20), clock=clock
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        yield http


async def _codes(client: httpx.AsyncClient) -> dict[str, float]:
    response = await client.get("/metrics")
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "istio_requests_total":
                code = sample.labels["response_code"]
                totals[code] = totals.get(code, 0.0) + sample.value
    return totals


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_metrics_advance_with_the_clock(client: httpx.AsyncClient, clock: FakeClock) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    clock.tick(10)
    assert (await _codes(client)) == pytest.approx({"200": 100})


async def test_truth_reports_pods_by_namespace_and_deployment(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    clock.tick(5)
    truth = (await client.get("/truth")).json()
    assert truth["time"] == clock.now
    deployment = truth["namespaces"]["ml"]["llama"]
    assert deployment["specReplicas"] == 2
    assert len(deployment["pods"]) == 2
    for pod in deployment["pods"].values():
        assert pod["arrivalRps"] == pytest.approx(5)
        assert pod["ready"] is True
        assert pod["p95LatencyMs"] > pod["meanLatencyMs"] > 100


async def test_put_replicas_scales_and_new_pods_start_unready(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    response = await client.put("/replicas/ml/llama", json={"replicas": 4})
    assert response.status_code == 200
    assert response.json() == {
        "namespace": "ml",
        "deployment": "llama",
        "replicas": 4,
        "currentReplicas": 4,
        "readyReplicas": 2,
    }
    clock.tick(20)
    assert (await client.get("/replicas/ml/llama")).json()["readyReplicas"] == 4


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        pytest.param("PUT", "/replicas/ml/nope", {"replicas": 1}, 404, id="unknown-deployment"),
        pytest.param("GET", "/replicas/other/llama", None, 404, id="unknown-namespace"),
        pytest.param("PUT", "/replicas/ml/llama", {"replicas": -1}, 422, id="negative"),
        pytest.param("PUT", "/replicas/ml/llama", {"replicas": "many"}, 422, id="not-a-number"),
        pytest.param("PUT", "/replicas/ml/llama", {"count": 3}, 422, id="wrong-field"),
        pytest.param("PUT", "/faults/ml/nope", {"errorRate": 0.1}, 404, id="faults-unknown"),
        pytest.param("PUT", "/faults/ml/llama", {"errorRate": 2}, 422, id="faults-rate"),
        pytest.param("PUT", "/faults/ml/llama", {"latency": 5}, 422, id="faults-field"),
        pytest.param("DELETE", "/faults/ml/nope", None, 404, id="delete-unknown"),
    ],
)
async def test_bad_requests(
    client: httpx.AsyncClient, method: str, path: str, body: object, status: int
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == status
    assert "detail" in response.json()


async def test_error_rate_fault_shows_in_the_response_code_split(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    response = await client.put("/faults/ml/llama", json={"errorRate": 0.2})
    assert response.json() == {"errorRate": 0.2, "latencyMs": None, "stallExporter": False}
    clock.tick(10)
    codes = await _codes(client)
    assert codes["500"] / (codes["200"] + codes["500"]) == pytest.approx(0.2)
    assert (await client.delete("/faults/ml/llama")).json()["errorRate"] is None
    clock.tick(10)
    assert (await _codes(client))["500"] == pytest.approx(codes["500"])
    assert (await client.get("/faults/ml/llama")).json()["errorRate"] is None


async def test_stalled_exporter_is_exposed_with_the_freeze_timestamp(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    clock.tick(3)
    frozen_at = clock.now
    await client.put("/faults/ml/llama", json={"stallExporter": True})
    clock.tick(30)
    text = (await client.get("/metrics")).text
    stamped = [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name in {"DCGM_FI_DEV_GPU_UTIL", "vllm:num_requests_waiting"}
    ]
    assert len(stamped) == 4
    assert all(sample.timestamp == frozen_at for sample in stamped)
    truth = (await client.get("/truth")).json()
    assert truth["namespaces"]["ml"]["llama"]["faults"]["stallExporter"] is True
