"""Closed loop: the exact HPA reads our metrics API over HTTP and scales the sandbox out under load."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from autoscaler.closed_loop import HPAController, LoopDecision
from autoscaler.simulation.hpa_file import load_hpa_file
from servescale.demo.stack import DemoStack, running_stack
from servescale.stack.adapter import AdapterProcess, running_adapter
from tests.integration.conftest import fast_scenario

pytestmark = [pytest.mark.integration, pytest.mark.timeout(150), pytest.mark.long(seconds=55)]

HPA = Path(__file__).resolve().parents[2] / "examples" / "hpa" / "llama-hpa.yaml"


@pytest.fixture(scope="module")
def loop_stack() -> Iterator[tuple[DemoStack, AdapterProcess]]:
    with (
        running_stack(fast_scenario()) as stack,
        running_adapter(stack.prometheus.url, extra=["--cache-ttl=1"]) as api,
    ):
        yield stack, api


async def test_load_step_scales_the_fleet_out_through_the_metrics_api(
    loop_stack: tuple[DemoStack, AdapterProcess],
) -> None:
    stack, api = loop_stack
    decisions: list[LoopDecision] = []
    controller = HPAController(
        load_hpa_file(HPA),
        sandbox_url=stack.sandbox.url,
        metrics_api_url=api.url,
        on_decision=decisions.append,
    )
    deadline = time.monotonic() + 110
    replicas = 2
    while time.monotonic() < deadline:
        await controller.sync_once()
        replicas = httpx.get(f"{stack.sandbox.url}/replicas/ml/llama", timeout=5).json()["replicas"]
        if replicas > 2:
            break
        await asyncio.sleep(3)
    assert replicas > 2, decisions[-3:]
    scaled = [d for d in decisions if d.scaled]
    assert scaled, "the scale-out was written by the controller"
    assert scaled[0].error is None
    assert all(d.hpa == "ml/llama" for d in decisions)
    early = decisions[0]
    assert early.current_replicas == 2
    assert early.error is None, "the metrics API answered from the first cycle"
