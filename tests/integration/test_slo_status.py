"""``slo status`` against the sandbox scraped by a real Prometheus: injected errors show up as the
error ratio and budget consumption the sandbox's ground truth implies, reproducibly at a fixed ``at``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from metrics_adapter.promql import HttpPrometheusClient, PrometheusConfig
from servescale.commands import slo as slo_command
from servescale.demo.stack import DemoStack, running_stack
from slo.evaluation import Evaluation, SLOEvaluator
from slo.spec import load_slos
from tests.integration.conftest import fast_scenario

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90), pytest.mark.long(seconds=60)]

FAULT = 0.3
OBJECTIVE = 0.99


def spec(window_seconds: int) -> str:
    return f"""
slos:
  - name: resnet-availability
    service: resnet
    objective: 99
    window: {{rolling: {window_seconds}s}}
    sli: {{kind: availability, namespace: ml, workload: resnet}}
"""


@pytest.fixture(scope="module")
def stack() -> Iterator[DemoStack]:
    with running_stack(fast_scenario()) as running:
        yield running


def truth(stack: DemoStack) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()
    return body


class TruthCounts:
    """Integrates the sandbox's true response rates of one Deployment over time (bad = 5xx)."""

    def __init__(self) -> None:
        self.bad = self.total = 0.0
        self.last: float | None = None

    def add(self, document: dict[str, Any]) -> None:
        pods = document["namespaces"]["ml"]["resnet"]["pods"].values()
        bad = sum(pod["errorRps"] + pod["rejectedRps"] for pod in pods)
        total = bad + sum(pod["successRps"] for pod in pods)
        now = document["time"]
        if self.last is not None:
            self.bad += bad * (now - self.last)
            self.total += total * (now - self.last)
        self.last = now


async def observe(stack: DemoStack, counts: TruthCounts, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        counts.add(truth(stack))
        await asyncio.sleep(0.25)


async def evaluate(stack: DemoStack, window: int, at: datetime) -> Evaluation:
    async with HttpPrometheusClient(PrometheusConfig(base_url=stack.prometheus.url)) as client:
        return await SLOEvaluator(load_slos(spec(window)), client).evaluate(at)


async def test_injected_errors_consume_the_budget_as_the_truth_says(stack: DemoStack, tmp_path: Path) -> None:
    while truth(stack)["elapsedSeconds"] < 5:
        await asyncio.sleep(0.5)
    counts = TruthCounts()
    counts.add(truth(stack))
    start = counts.last
    assert start is not None
    await observe(stack, counts, 4)
    fault = {"errorRate": FAULT}
    httpx.put(f"{stack.sandbox.url}/faults/ml/resnet", json=fault, timeout=5).raise_for_status()
    try:
        await observe(stack, counts, 20)
        assert counts.last is not None
        at = datetime.fromtimestamp(int(counts.last), tz=UTC)
        await asyncio.sleep(2.5)  # let Prometheus scrape past ``at``
    finally:
        httpx.delete(f"{stack.sandbox.url}/faults/ml/resnet", timeout=5)

    window = int(at.timestamp() - start)
    expected = counts.bad / counts.total
    assert 0.15 < expected < FAULT

    (status,) = (await evaluate(stack, window, at)).statuses
    assert status.error is None
    overall = status.overall
    assert overall is not None
    assert overall.total is not None
    assert overall.total == pytest.approx(counts.total, rel=0.15)
    assert overall.sli is not None
    error_ratio = 1 - overall.sli
    assert error_ratio == pytest.approx(expected, abs=0.05)
    assert overall.budget.consumed == pytest.approx(error_ratio / (1 - OBJECTIVE))
    assert overall.status.state.value == "exhausted"

    (fault_only,) = (await evaluate(stack, 12, at)).statuses
    assert fault_only.overall is not None
    assert fault_only.overall.sli is not None
    assert 1 - fault_only.overall.sli == pytest.approx(FAULT, abs=0.1)

    app = typer.Typer()
    slo_command.register(app)
    spec_file = tmp_path / "slos.yaml"
    spec_file.write_text(spec(window))
    args = ["slo", "status", "--slos", str(spec_file), "--prometheus-url", stack.prometheus.url]
    result = await asyncio.to_thread(
        CliRunner().invoke, app, [*args, "--at", at.isoformat(), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    measurement = json.loads(result.output)["slos"][0]["measurement"]
    assert measurement["sli"] == pytest.approx(overall.sli), "same at, same answer"
    assert measurement["errorBudget"]["consumed"] == pytest.approx(overall.budget.consumed)


LATENCY_SPEC = """
slos:
  - name: resnet-latency
    service: resnet
    objective: 99
    window: {rolling: %ds}
    sli: {kind: latency, namespace: ml, workload: resnet, thresholdMs: 250}
"""


async def latency_error_ratio(stack: DemoStack, window: int, at: datetime) -> float:
    async with HttpPrometheusClient(PrometheusConfig(base_url=stack.prometheus.url)) as client:
        (status,) = (await SLOEvaluator(load_slos(LATENCY_SPEC % window), client).evaluate(at)).statuses
    assert status.error is None, status.error
    assert status.overall is not None
    assert status.overall.sli is not None
    return 1 - status.overall.sli


async def test_injected_latency_spike_shows_as_slow_requests(stack: DemoStack) -> None:
    while truth(stack)["elapsedSeconds"] < 5:
        await asyncio.sleep(0.5)
    await asyncio.sleep(10)
    before = datetime.fromtimestamp(int(truth(stack)["time"]), tz=UTC)
    spike = {"latencyMs": 800}
    httpx.put(f"{stack.sandbox.url}/faults/ml/resnet", json=spike, timeout=5).raise_for_status()
    try:
        await asyncio.sleep(14)
        during = datetime.fromtimestamp(int(truth(stack)["time"]), tz=UTC)
        await asyncio.sleep(2.5)  # let Prometheus scrape past ``during``
    finally:
        httpx.delete(f"{stack.sandbox.url}/faults/ml/resnet", timeout=5)
    slow_before = await latency_error_ratio(stack, 8, before)
    slow_during = await latency_error_ratio(stack, 10, during)
    assert slow_before < 0.05, "30 ms model: almost nothing above 250 ms without the spike"
    assert slow_during > 0.9, "+800 ms: almost every request above 250 ms"
