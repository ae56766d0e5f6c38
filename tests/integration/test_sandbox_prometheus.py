"""The sandbox scraped by a real Prometheus: figures read back through the query layer are plausible,
agree with the sandbox's ground truth and follow load steps, scaling and injected faults."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from metrics_adapter.pods.prometheus_source import PrometheusPodSource
from metrics_adapter.promql import (
    Duration,
    HttpPrometheusClient,
    InstantVector,
    PrometheusConfig,
    Selector,
    div,
    eq,
    rate,
    re,
    sum_by,
)
from servescale.demo.fleet_summary import ModelFigures, collect
from servescale.demo.stack import DemoStack

pytestmark = pytest.mark.integration


def truth(stack: DemoStack) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()
    return body


async def wait_for_elapsed(stack: DemoStack, seconds: float) -> None:
    while truth(stack)["elapsedSeconds"] < seconds:
        await asyncio.sleep(0.5)


async def figures(stack: DemoStack, window: int = 10) -> dict[str, ModelFigures]:
    async with HttpPrometheusClient(PrometheusConfig(base_url=stack.prometheus.url)) as client:
        index = await PrometheusPodSource(client).refresh()
        rows = await collect(client, index, window=Duration(window))
    return {row.deployment: row for row in rows}


async def test_figures_are_plausible_and_agree_with_ground_truth(stack: DemoStack) -> None:
    await wait_for_elapsed(stack, 14)
    rows = await figures(stack)
    ground = truth(stack)["namespaces"]["ml"]
    for model, offered in (("llama", 8.0), ("resnet", 30.0)):
        row = rows[model]
        assert row.requests_per_second is not None
        assert row.requests_per_second == pytest.approx(offered, rel=0.25)
        assert row.requests_per_second == pytest.approx(ground[model]["offeredRps"], rel=0.25)
        assert row.p95_latency_ms is not None
        assert 10 < row.p95_latency_ms < 5000
        assert row.gpu_utilization_percent is not None
        assert 0 < row.gpu_utilization_percent <= 100
        assert row.desired_replicas == ground[model]["specReplicas"]
        assert row.ready_replicas == ground[model]["readyReplicas"]
    assert rows["llama"].queue_depth is not None


async def test_figures_follow_the_load_step(stack: DemoStack) -> None:
    await wait_for_elapsed(stack, 14)
    before = (await figures(stack))["llama"]
    await wait_for_elapsed(stack, 34)
    after = (await figures(stack))["llama"]
    assert before.requests_per_second is not None
    assert after.requests_per_second is not None
    assert after.requests_per_second > 3 * before.requests_per_second
    assert after.queue_depth is not None
    assert after.queue_depth > 0, "2 pods of capacity 12 rps cannot absorb 40 rps without queueing"


async def test_scaling_through_the_replicas_endpoint_shows_in_kube_state_metrics(stack: DemoStack) -> None:
    response = httpx.put(f"{stack.sandbox.url}/replicas/ml/resnet", json={"replicas": 5}, timeout=5)
    assert response.status_code == 200
    for _ in range(40):
        rows = await figures(stack)
        if rows["resnet"].desired_replicas == 5 and rows["resnet"].ready_replicas == 5:
            break
        await asyncio.sleep(0.5)
    assert (rows["resnet"].desired_replicas, rows["resnet"].ready_replicas) == (5, 5)
    missing = httpx.put(f"{stack.sandbox.url}/replicas/ml/nope", json={"replicas": 1}, timeout=5)
    assert missing.status_code == 404


async def test_injected_error_rate_shows_as_5xx_share(stack: DemoStack) -> None:
    httpx.put(f"{stack.sandbox.url}/faults/ml/resnet", json={"errorRate": 0.4}, timeout=5).raise_for_status()
    try:
        await asyncio.sleep(8)
        workload = (eq("reporter", "destination"), eq("destination_workload", "resnet"))
        errors = sum_by(
            rate(
                Selector(
                    "istio_requests_total",
                    (*workload, re("response_code", "5..")),
                ),
                Duration(5),
            )
        )
        total = sum_by(rate(Selector("istio_requests_total", workload), Duration(5)))
        async with HttpPrometheusClient(PrometheusConfig(base_url=stack.prometheus.url)) as client:
            answer = await client.query(div(errors, total))
        assert isinstance(answer, InstantVector)
        assert len(answer) == 1
        assert answer.samples[0].value == pytest.approx(0.4, abs=0.1)
    finally:
        httpx.delete(f"{stack.sandbox.url}/faults/ml/resnet", timeout=5)
