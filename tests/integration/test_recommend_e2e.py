"""``servescale recommend`` end to end: the sandbox's load sweeps past capacity, a real Prometheus
scrapes it, and the command's target, replicas, plot and HPA manifest are checked against the
sandbox's own latency model.

The load is a 40 s "day" (diurnal profile) over two pods of 10 rps capacity each: per pod from
1 rps to 11 rps, so every sweep goes from idle to overloaded (a queue builds) and back. Prometheus
scrapes every second; the command reads the history at a 1 s step over a 5 s rate window.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import kubernetes_validate
import numpy as np
import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from autoscaler.sandbox import Scenario, parse_scenario
from autoscaler.sandbox.latency import ENVOY_BUCKETS_MS, p95_ms, service_stretch
from autoscaler.sandbox.profiles import DiurnalLoad
from autoscaler.sandbox.spec import DeploymentSpec
from metrics_adapter.catalogue import default_catalogue
from metrics_adapter.kube.quantity import parse_quantity
from servescale.commands import simulate
from servescale.demo.stack import DemoStack, running_stack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(150), pytest.mark.long(seconds=70)]

SWEEP_SCENARIO = """
seed: 11
startupDelaySeconds: 3
exporterTimestamps: always
namespaces:
  - name: ml
    models:
      - name: llama
        server: vllm
        replicas: 2
        capacityRps: 10
        baseLatencyMs: 150
        maxQueuePerPod: 200
        gpu: {model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}
        load: {type: diurnal, meanRps: 12, amplitudeRps: 10, periodSeconds: 40}
"""
METRIC = "istio_requests_per_second"
THRESHOLD_MS = 500.0
HEADROOM = 0.2
RATE_WINDOW_SECONDS = 5
HISTORY_SECONDS = 55.0
"""One sweep up, past capacity, down to the trough and back up past the mean."""


def sweep_scenario() -> Scenario:
    return parse_scenario(SWEEP_SCENARIO, source="<recommend sweep scenario>")


def llama(scenario: Scenario) -> DeploymentSpec:
    return next(spec for spec in scenario.deployments if spec.name == "llama")


def steady_p95_ms(spec: DeploymentSpec, per_pod_rps: float) -> float:
    """The sandbox's p95 at a steady per-pod load below capacity (no queue)."""
    mean = spec.base_latency_ms * service_stretch(np.array([per_pod_rps / spec.capacity_rps]))
    return float(p95_ms(mean, spec.latency_sigma)[0])


def true_load_at_threshold(spec: DeploymentSpec, threshold_ms: float) -> float:
    """Per-pod load at which the sandbox's p95 reaches the threshold, by bisection on its model."""
    low, high = 0.0, spec.capacity_rps
    assert steady_p95_ms(spec, low) < threshold_ms < steady_p95_ms(spec, high)
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if steady_p95_ms(spec, middle) < threshold_ms else (low, middle)
    return low


@pytest.fixture(scope="module")
def sweep_stack() -> Iterator[DemoStack]:
    with running_stack(sweep_scenario(), scrape_interval="1s") as running:
        yield running


@pytest.fixture(scope="module")
def sandbox_start(sweep_stack: DemoStack) -> float:
    """Unix time the sandbox fleet started, once it has run ``HISTORY_SECONDS``."""
    while True:
        truth = httpx.get(f"{sweep_stack.sandbox.url}/truth", timeout=5).json()
        if truth["elapsedSeconds"] >= HISTORY_SECONDS:
            return float(truth["time"] - truth["elapsedSeconds"])
        time.sleep(0.5)


def recommend(stack: DemoStack, start: float, out: Path, *extra: str) -> tuple[int, str]:
    app = typer.Typer()
    simulate.register(app)
    result = CliRunner().invoke(
        app,
        [
            "recommend",
            "--prometheus-url", stack.prometheus.url,
            "--namespace", "ml", "--deployment", "llama",
            "--metric", METRIC,
            "--latency-threshold-ms", f"{THRESHOLD_MS:g}",
            "--from", f"{start:.3f}", "--to", f"{start + HISTORY_SECONDS:.3f}", "--step", "1s",
            "--headroom", f"{HEADROOM:g}",
            "--out", str(out),
            *extra,
        ],
    )  # fmt: skip
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def test_recommendation_matches_the_sandbox_capacity_and_latency_model(
    sweep_stack: DemoStack, sandbox_start: float, tmp_path: Path
) -> None:
    spec = llama(sweep_scenario())
    assert THRESHOLD_MS in ENVOY_BUCKETS_MS  # at a bucket bound, histogram_quantile is exact
    truth_load = true_load_at_threshold(spec, THRESHOLD_MS)

    code, output = recommend(sweep_stack, sandbox_start, tmp_path, "--rate-window", f"{RATE_WINDOW_SECONDS}s")
    assert code == 0, output

    manifest_text = (tmp_path / "hpa.yaml").read_text()
    assert " ".join(manifest_text.split()) in output
    manifest = yaml.safe_load(manifest_text)
    kubernetes_validate.validate(manifest, "1.33", strict=True)
    assert (manifest["apiVersion"], manifest["kind"]) == ("autoscaling/v2", "HorizontalPodAutoscaler")
    assert manifest["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "llama",
    }
    (entry,) = manifest["spec"]["metrics"]
    assert entry["type"] == "Pods"
    assert entry["pods"]["metric"]["name"] == METRIC
    assert METRIC in default_catalogue()
    target = float(parse_quantity(entry["pods"]["target"]["averageValue"]))
    low, high = manifest["spec"]["minReplicas"], manifest["spec"]["maxReplicas"]
    assert 1 <= low <= high

    assert (tmp_path / "latency-fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The history swept the range: idle to saturated pods, and no point read a half-filled window.
    fit = pd.read_csv(tmp_path / "latency-fit.csv")
    used = fit[fit["used_in_fit"]]
    assert used["per_pod_load"].min() < 0.3 * spec.capacity_rps
    assert used["per_pod_load"].max() > 0.95 * spec.capacity_rps
    first_load = fit.loc[fit["per_pod_load"].notna(), "t_seconds"].min()
    assert used["t_seconds"].min() >= first_load + RATE_WINDOW_SECONDS
    assert "rate window not yet filled" in output

    # Against the sandbox: the load at which p95 reaches the threshold is below the capacity and
    # not far under the model's; the target keeps the headroom to the real capacity.
    load_at_threshold = target / (1 - HEADROOM)
    assert 0.75 * truth_load <= load_at_threshold <= spec.capacity_rps, (
        load_at_threshold,
        truth_load,
        output,
    )
    assert target <= (1 - HEADROOM) * spec.capacity_rps
    # Replicas: the trough fits in one pod; the largest fleet absorbs the peak offered load.
    load = spec.load
    assert isinstance(load, DiurnalLoad)
    trough, peak = load.mean_rps - load.amplitude_rps, load.mean_rps + load.amplitude_rps
    assert trough < target
    assert low == 1
    assert high * target >= peak
    assert high <= math.ceil(peak * (1 + HEADROOM) / target) + 1


def test_the_catalogue_rate_window_cannot_read_a_history_younger_than_it(
    sweep_stack: DemoStack, sandbox_start: float, tmp_path: Path
) -> None:
    # The preset's 1m window over under a minute of series: rate() would understate the load.
    code, output = recommend(sweep_stack, sandbox_start, tmp_path)
    assert code == 1
    assert "rate window not yet filled" in output
    assert not (tmp_path / "hpa.yaml").exists()


def test_a_deployment_without_history_is_a_clear_error(
    sweep_stack: DemoStack, sandbox_start: float, tmp_path: Path
) -> None:
    app = typer.Typer()
    simulate.register(app)
    result = CliRunner().invoke(
        app,
        [
            "recommend",
            "--prometheus-url", sweep_stack.prometheus.url,
            "--namespace", "ml", "--deployment", "mistral",
            "--metric", METRIC, "--latency-threshold-ms", "500",
            "--from", f"{sandbox_start:.3f}", "--step", "1s", "--rate-window", "5s",
            "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "0 usable observations" in result.output
    assert "no load value" in result.output
    assert not (tmp_path / "hpa.yaml").exists()
