"""Our rendered SLO rules, evaluated by a real Prometheus on a live scraped stream: quiet at a low burn,
paging within the detection time at a high one, for every SLI kind at once.

The sandbox serves one model (`shop/checkout`, three pods) whose Istio series are split the way Envoy
splits them: one ``istio_requests_total`` series per pod and response code (200, 500, and 503 once
requests are shed), histogram buckets per code, one DCGM series per GPU. Six SLOs read it:

* the OpenSLO ratio of plain counter selectors from the outside world (``response_code!~"5.."`` over
  all requests, ``counter: true``), the case that paged on a healthy service when error ratios were
  taken per series;
* our Istio availability and classic-latency SLIs;
* a Sloth events SLI (``sum(rate(...[{{.window}}]))``) and a Sloth raw error-ratio SLI;
* a GPU-utilisation threshold over DCGM gauges (timeslices).

Phase 1, four minutes: 0.1 % of requests fail (burn 0.2x of a 99.5 % objective), latency and GPUs
are well within their thresholds: no burn-rate alert may be pending or firing at any poll.
Phase 2: every request fails and takes 5 s more, and the model is scaled to one pod, which
saturates its GPU: every SLO's page tier (1h/5m at 14.4x, the Workbook's) must fire, each within
the Workbook detection time ``factor * long window / burn``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from alerts.config import AlertsConfig
from alerts.render import render
from autoscaler.sandbox import parse_scenario
from autoscaler.sandbox.runner import SandboxServer
from metrics_adapter.promql import HttpPrometheusClient, PrometheusConfig
from servescale.demo.stack import SANDBOX_JOB
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget
from slo.evaluation import SLOEvaluator
from slo.spec import SLO, load_slos

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600), pytest.mark.long(seconds=320)]

QUIET_SECONDS = 240
PAGE_DEADLINE_SECONDS = 240
POLL_SECONDS = 2.0

SCENARIO = """
seed: 3
startupDelaySeconds: 1
namespaces:
  - name: shop
    models:
      - name: checkout
        server: triton
        replicas: 3
        capacityRps: 40
        baseLatencyMs: 50
        gpu: {model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}
        load: {type: constant, rps: 60}
"""

ALL = 'reporter="destination",destination_workload_namespace="shop",destination_workload="checkout"'

OPENSLO_PLAIN_SELECTORS = f"""
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-openslo
spec:
  service: checkout
  indicator:
    metadata:
      name: checkout-good-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: istio_requests_total{{{ALL},response_code!~"5.."}}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: istio_requests_total{{{ALL}}}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.995
  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: checkout-fast-burn
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata:
              name: fast-burn
            spec:
              severity: page
              condition:
                kind: burnrate
                op: gt
                threshold: 14.4
                lookbackWindow: 1h
"""

NATIVE = """
apiVersion: servescale/v1
slos:
  - name: checkout-availability
    service: checkout
    sli: {kind: availability, namespace: shop, workload: checkout}
    objective: 99.5
    window: {rolling: 30d}
  - name: checkout-latency
    service: checkout
    sli: {kind: latency, namespace: shop, workload: checkout, thresholdMs: 1000, histogram: classic}
    objective: 99
    window: {rolling: 30d}
  - name: checkout-gpu
    service: checkout
    sli:
      kind: threshold
      metric: DCGM_FI_DEV_GPU_UTIL
      matchers: {exported_namespace: shop}
      comparison: lt
      threshold: 80
    objective: 99
    window: {rolling: 30d}
"""

SLOTH = f"""
version: prometheus/v1
service: checkout
slos:
  - name: sloth-events
    objective: 99.5
    sli:
      events:
        error_query: sum(rate(istio_requests_total{{{ALL},response_code=~"5.."}}[{{{{.window}}}}]))
        total_query: sum(rate(istio_requests_total{{{ALL}}}[{{{{.window}}}}]))
    alerting:
      name: SlothEventsBurn
      page_alert: {{}}
      ticket_alert: {{}}
  - name: sloth-raw
    objective: 99.5
    sli:
      raw:
        error_ratio_query: >-
          sum(rate(istio_requests_total{{{ALL},response_code=~"5.."}}[{{{{.window}}}}]))
          / sum(rate(istio_requests_total{{{ALL}}}[{{{{.window}}}}]))
    alerting:
      name: SlothRawBurn
      page_alert: {{}}
      ticket_alert: {{}}
"""


def all_slos() -> list[SLO]:
    return [*load_slos(OPENSLO_PLAIN_SELECTORS), *load_slos(NATIVE), *load_slos(SLOTH)]


@dataclass(frozen=True)
class PageTier:
    slo: str
    alert: str
    detection_seconds: float
    """The Workbook detection time at the phase-2 burn: factor * long window / burn."""


@dataclass
class LiveStack:
    sandbox: SandboxServer
    prometheus: PrometheusServer
    pages: list[PageTier]


PHASE1_ERROR_RATIO = 0.001
PHASE2_ERROR_RATIO = 1.0


def page_tiers(slos: list[SLO]) -> list[PageTier]:
    tiers: list[PageTier] = []
    for slo in slos:
        page = [tier for tier in slo.burn_rate_windows() if str(tier.severity) == "page"]
        shortest = min(page, key=lambda tier: tier.long_window)
        burn = PHASE2_ERROR_RATIO / float(slo.objective.error_budget)
        alert = slo.alerting.name or "SLOErrorBudgetBurn"
        tiers.append(PageTier(slo.name, alert, float(shortest.factor) * shortest.long_window / burn))
    return tiers


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    out: Path = tmp_path_factory.mktemp("live-rules")
    slos = all_slos()
    config = AlertsConfig.model_validate({"autoscaling": {"enabled": False}})
    written = render(slos, out_dir=out, config=config, tests=False)
    rule_files = [path for path in written if path.name.endswith(".rules.yaml")]
    assert len(rule_files) == len(slos)
    scenario = parse_scenario(SCENARIO, source="<live SLO scenario>")
    with (
        SandboxServer(scenario) as sandbox,
        PrometheusServer(targets=[ScrapeTarget(SANDBOX_JOB, sandbox.address)], rule_files=rule_files) as prom,
    ):
        httpx.put(
            f"{sandbox.url}/faults/shop/checkout", json={"errorRate": 0.001}, timeout=5
        ).raise_for_status()
        prom.wait_for_targets_up(timeout=30)
        yield LiveStack(sandbox, prom, page_tiers(slos))


def burn_alerts(stack: LiveStack) -> list[dict[str, Any]]:
    body = httpx.get(f"{stack.prometheus.url}/api/v1/alerts", timeout=5).json()
    return [alert for alert in body["data"]["alerts"] if "burn_rate" in alert["labels"]]


def instant(stack: LiveStack, query: str) -> list[dict[str, Any]]:
    body = httpx.get(f"{stack.prometheus.url}/api/v1/query", params={"query": query}, timeout=5).json()
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


async def evaluate(stack: LiveStack, name: str, *, seconds: int) -> float | None:
    """The error ratio ``slo status`` computes for SLO ``name`` over its last ``seconds``."""
    slos = [slo for slo in all_slos() if slo.name == name]
    async with HttpPrometheusClient(PrometheusConfig(stack.prometheus.url)) as client:
        evaluation = await SLOEvaluator(slos, client).evaluate(datetime.now(UTC))
    status = evaluation.find(name)
    assert status is not None
    assert status.overall is not None, status.error
    burn = next(b for b in status.overall.burn_rates if b.seconds == seconds)
    return burn.error_ratio


def test_quiet_at_low_burn_then_every_sli_kind_pages_within_its_detection_time(live: LiveStack) -> None:
    started = time.monotonic()
    while time.monotonic() - started < QUIET_SECONDS:
        noisy = burn_alerts(live)
        assert not noisy, (
            f"burn-rate alerts at 0.1 % errors after {time.monotonic() - started:.0f} s: "
            f"{[(a['labels']['slo'], a['labels']['severity'], a['state']) for a in noisy]}"
        )
        time.sleep(POLL_SECONDS)
    # The quiet phase really was the low burn: the separate 5xx series exist and the SLI reads ~0.001.
    fives = instant(live, f'istio_requests_total{{{ALL},response_code="500"}}')
    assert len(fives) == 3, "one 500 series per pod"
    recorded = instant(live, 'slo:sli_error:ratio_rate5m{slo="checkout-openslo"}')
    assert len(recorded) == 1, "one error ratio for the SLO, not one per series"
    recorded_ratio = float(recorded[0]["value"][1])
    assert 0.0005 < recorded_ratio < 0.002
    # The evaluator (slo status, reports) aggregates the same SLI the same way.
    evaluated = asyncio.run(evaluate(live, "checkout-openslo", seconds=300))
    assert evaluated is not None
    assert abs(evaluated - recorded_ratio) <= 0.2 * recorded_ratio, (evaluated, recorded_ratio)

    sandbox = live.sandbox.url
    httpx.put(
        f"{sandbox}/faults/shop/checkout",
        json={"errorRate": PHASE2_ERROR_RATIO, "latencyMs": 5000},
        timeout=5,
    ).raise_for_status()
    httpx.put(f"{sandbox}/replicas/shop/checkout", json={"replicas": 1}, timeout=5).raise_for_status()
    burst = time.monotonic()
    paged_after: dict[str, float] = {}
    while len(paged_after) < len(live.pages) and time.monotonic() - burst < PAGE_DEADLINE_SECONDS:
        for alert in burn_alerts(live):
            labels = alert["labels"]
            if alert["state"] == "firing" and labels["severity"] == "page" and labels["long_window"] == "1h":
                paged_after.setdefault(labels["slo"], time.monotonic() - burst)
        time.sleep(POLL_SECONDS / 2)
    print({slo: round(seconds, 1) for slo, seconds in sorted(paged_after.items())})
    for tier in live.pages:
        assert tier.slo in paged_after, f"{tier.slo} did not page within {PAGE_DEADLINE_SECONDS} s"
        assert paged_after[tier.slo] <= tier.detection_seconds, (
            f"{tier.slo} paged after {paged_after[tier.slo]:.0f} s, beyond the detection time "
            f"{tier.detection_seconds:.0f} s"
        )
