"""Integration fixtures: the sandbox fleet scraped by a real Prometheus on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autoscaler.sandbox import Scenario, parse_scenario
from servescale.demo.stack import DemoStack, running_stack

# Two models, load steps up 4x at 20 s; short start-up so scaling is visible in a test.
FAST_SCENARIO = """
seed: 7
startupDelaySeconds: 3
dcgmPodLabels: exported
exporterTimestamps: always
namespaces:
  - name: ml
    models:
      - name: llama
        server: vllm
        replicas: 2
        capacityRps: 12
        baseLatencyMs: 150
        gpu: {model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}
        hpa: {minReplicas: 2, maxReplicas: 8}
        load: {type: step, baseRps: 8, stepRps: 32, atSeconds: 20}
      - name: resnet
        server: triton
        replicas: 3
        capacityRps: 25
        baseLatencyMs: 30
        gpu: {model: NVIDIA A100-SXM4-80GB, memoryMiB: 40192, mig: 3g.40gb}
        load: {type: constant, rps: 30}
brokers:
  - vhost: /
    queue: inference-jobs
    publishRps: 5
    consumer: {namespace: ml, model: resnet, perPodRps: 1}
"""

# The resnet availability SLO with second-scale burn-rate tiers: page 30s/5s at burn rate 10 (error
# ratio above 0.1), ticket 2m/10s at 5 (above 0.05). Rendered rules alert within seconds of a burst,
# and their generated promtool tests sample every second.
SHORT_TIERS_SLO = """
slos:
  - name: resnet-availability
    service: resnet
    objective: 99
    window: {rolling: 1h}
    sli: {kind: availability, namespace: ml, workload: resnet}
    alerting:
      windows:
        - {severity: page, longWindow: 30s, shortWindow: 5s, burnRate: 10}
        - {severity: ticket, longWindow: 2m, shortWindow: 10s, burnRate: 5}
"""


def fast_scenario() -> Scenario:
    return parse_scenario(FAST_SCENARIO, source="<integration scenario>")


@pytest.fixture(scope="module")
def stack() -> Iterator[DemoStack]:
    with running_stack(fast_scenario()) as running:
        yield running
