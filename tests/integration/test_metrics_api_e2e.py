"""The metrics API end to end: sandbox -> real Prometheus, and real VictoriaMetrics -> ``servescale
serve`` -> kubectl and the kubernetes Python client, with values checked against the sandbox's ground
truth, and the backend killed and restarted under it. Every test runs against both backends."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes import client as k8s_client
from kubernetes import dynamic

from autoscaler.sandbox.runner import SandboxServer
from metrics_adapter.kube import parse_quantity
from servescale.stack.adapter import AdapterProcess, running_adapter
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget
from servescale.stack.victoriametrics import VictoriaMetricsServer
from tests.integration.conftest import fast_scenario

pytestmark = [pytest.mark.integration, pytest.mark.long(seconds=110)]

CUSTOM = "/apis/custom.metrics.k8s.io"
SLOS = Path(__file__).resolve().parents[2] / "examples" / "slos" / "llama.yaml"
EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1"


Backend = PrometheusServer | VictoriaMetricsServer
BACKENDS = ("prometheus", "victoriametrics")


class Stack:
    def __init__(self, sandbox: SandboxServer, backend: Backend, adapter: AdapterProcess) -> None:
        self.sandbox, self.backend, self.adapter = sandbox, backend, adapter

    def truth(self) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(f"{self.sandbox.url}/truth", timeout=5).json()
        return body

    def wait_elapsed(self, seconds: float) -> None:
        while self.truth()["elapsedSeconds"] < seconds:
            time.sleep(0.5)


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Stack]]:
    """One sandbox scraped by both backends, each with its own adapter, so the sandbox's clock
    (and the waits for a full rate window) is shared by the two backends' runs of each test."""
    targets = lambda sandbox: [ScrapeTarget("sandbox", sandbox.address)]  # noqa: E731
    extra = ["--cache-ttl=2", f"--slos={SLOS}", "--slo-interval=2"]
    with SandboxServer(fast_scenario()) as sandbox, contextlib.ExitStack() as stack:
        backends: dict[str, Backend] = {
            "prometheus": PrometheusServer(
                targets=targets(sandbox), workdir=tmp_path_factory.mktemp("prometheus")
            ),
            "victoriametrics": VictoriaMetricsServer(
                targets=targets(sandbox), workdir=tmp_path_factory.mktemp("victoriametrics")
            ),
        }
        running: dict[str, Stack] = {}
        for backend in backends.values():
            backend.start()
            stack.callback(backend.stop)
        for name, backend in backends.items():
            backend.wait_for_targets_up()
            adapter = stack.enter_context(running_adapter(backend.url, extra=extra))
            running[name] = Stack(sandbox, backend, adapter)
        yield running


@pytest.fixture(params=BACKENDS)
def stack(request: pytest.FixtureRequest, stacks: dict[str, Stack]) -> Stack:
    return stacks[request.param]


def kubectl_raw(stack: Stack, path: str) -> dict[str, Any]:
    kubectl = shutil.which("kubectl")
    assert kubectl is not None, "kubectl is part of the machine image and of CI"
    result = subprocess.run(
        [kubectl, f"--server={stack.adapter.url}", "get", "--raw", path],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "KUBECONFIG": os.devnull},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_discovery_through_kubectl(stack: Stack) -> None:
    groups = kubectl_raw(stack, "/apis")
    assert [g["name"] for g in groups["groups"]] == ["custom.metrics.k8s.io", "external.metrics.k8s.io"]
    for version in ("v1beta1", "v1beta2"):
        resources = {r["name"] for r in kubectl_raw(stack, f"{CUSTOM}/{version}")["resources"]}
        for expected in (
            "pods/istio_requests_per_second",
            "deployments.apps/istio_requests_per_second",
            "namespaces/istio_requests_per_second",
            "pods/gpu_utilization_percent",
            "pods/inference_queue_depth",
            "deployments.apps/inference_queue_depth",
        ):
            assert expected in resources
    external = {r["name"] for r in kubectl_raw(stack, EXTERNAL)["resources"]}
    assert {"rabbitmq_queue_messages_ready", "kafka_consumergroup_lag"} <= external


def test_kubernetes_dynamic_client_discovers_the_groups(stack: Stack) -> None:
    api = k8s_client.ApiClient(k8s_client.Configuration(host=stack.adapter.url))
    discovered = dynamic.DynamicClient(api).resources
    groups = discovered.parse_api_groups(request_resources=True)["apis"]
    assert list(groups["custom.metrics.k8s.io"]) == ["v1beta2", "v1beta1"], "preferred version first"
    assert list(groups["external.metrics.k8s.io"]) == ["v1beta1"]
    external = discovered.search(
        api_version="external.metrics.k8s.io/v1beta1", kind="ExternalMetricValueList"
    )
    assert {r.name for r in external} == {"kafka_consumergroup_lag", "rabbitmq_queue_messages_ready"}
    assert "custom.metrics.k8s.io" in discovered.api_groups


@pytest.mark.parametrize("version", ["v1beta1", "v1beta2"])
def test_every_preset_answers_both_versions(stack: Stack, version: str) -> None:
    stack.wait_elapsed(15)
    base = f"{CUSTOM}/{version}/namespaces/ml"
    for path in (
        "pods/*/istio_requests_per_second?labelSelector=app%3Dresnet",
        "pods/*/istio_request_duration_p95_ms?labelSelector=app%3Dresnet",
        "pods/*/gpu_utilization_percent?labelSelector=app%3Dresnet",
        "pods/*/inference_queue_depth?labelSelector=app%3Dllama",
        "deployments.apps/llama/istio_requests_per_second",
        "deployments.apps/llama/gpu_utilization_percent",
    ):
        body = kubectl_raw(stack, f"{base}/{path}")
        assert (body["kind"], body["apiVersion"]) == ("MetricValueList", f"custom.metrics.k8s.io/{version}")
        assert body["items"], path
        name_key = "metricName" if version == "v1beta1" else "metric"
        assert all(name_key in item for item in body["items"])
    namespace = kubectl_raw(stack, f"{CUSTOM}/{version}/namespaces/ml/metrics/istio_requests_per_second")
    assert namespace["items"][0]["describedObject"] == {"kind": "Namespace", "name": "ml", "apiVersion": "v1"}
    queue = kubectl_raw(
        stack, f"{EXTERNAL}/namespaces/ml/rabbitmq_queue_messages_ready?labelSelector=queue%3Dinference-jobs"
    )
    assert queue["kind"] == "ExternalMetricValueList"
    assert len(queue["items"]) == 1


def quantity(text: str) -> float:
    return float(parse_quantity(text))


def test_per_pod_values_agree_with_ground_truth(stack: Stack) -> None:
    stack.wait_elapsed(70)  # one full 1m rate window of constant load
    body = kubectl_raw(
        stack, f"{CUSTOM}/v1beta2/namespaces/ml/pods/*/istio_requests_per_second?labelSelector=app%3Dresnet"
    )
    served = {item["describedObject"]["name"]: quantity(item["value"]) for item in body["items"]}
    truth = stack.truth()["namespaces"]["ml"]["resnet"]["pods"]
    assert set(served) == set(truth)
    for pod, value in served.items():
        assert value == pytest.approx(truth[pod]["arrivalRps"], rel=0.15), pod
    gpu = kubectl_raw(
        stack, f"{CUSTOM}/v1beta2/namespaces/ml/pods/*/gpu_utilization_percent?labelSelector=app%3Dresnet"
    )
    for item in gpu["items"]:
        expected = truth[item["describedObject"]["name"]]["gpuUtilPercent"]
        assert quantity(item["value"]) == pytest.approx(expected, abs=10)


def test_backends_agree_on_per_pod_rates(stacks: dict[str, Stack]) -> None:
    """MetricsQL's ``rate`` does not extrapolate to the window's edges and Prometheus's does, and the
    two adapters ask a second or two apart: over a full 1m window of steady load their answers for
    the Deployment's pods differ by a few per cent in total, and per pod by sampling noise only.
    Runs before the backends are restarted, so neither window holds a gap."""
    stacks["prometheus"].wait_elapsed(70)
    path = f"{CUSTOM}/v1beta2/namespaces/ml/pods/*/istio_requests_per_second?labelSelector=app%3Dresnet"
    answers = {}
    for name, stack in stacks.items():
        body = kubectl_raw(stack, path)
        answers[name] = {item["describedObject"]["name"]: quantity(item["value"]) for item in body["items"]}
    assert set(answers["prometheus"]) == set(answers["victoriametrics"])
    total = {name: sum(values.values()) for name, values in answers.items()}
    assert total["victoriametrics"] == pytest.approx(total["prometheus"], rel=0.1)
    for pod, value in answers["prometheus"].items():
        assert answers["victoriametrics"][pod] == pytest.approx(value, rel=0.25), pod


def test_backend_down_gives_503_then_answers_within_one_ttl_after_restart(stack: Stack) -> None:
    path = f"{CUSTOM}/v1beta2/namespaces/ml/pods/%2A/istio_requests_per_second"
    url = f"{stack.adapter.url}{path}?labelSelector=app%3Dresnet"
    assert httpx.get(url, timeout=10).status_code == 200
    stack.backend.stop()
    time.sleep(2.5)  # the cache TTL: a cached answer may still be served until then
    down = httpx.get(url, timeout=20)
    assert down.status_code == 503
    body = down.json()
    assert (body["kind"], body["code"], body["reason"]) == ("Status", 503, "ServiceUnavailable")
    stack.backend.start()
    back = time.monotonic()
    while httpx.get(url, timeout=20).status_code != 200:
        assert time.monotonic() - back < 30, "no answer after the backend came back"
        time.sleep(0.2)
    answer = httpx.get(url, timeout=20).json()
    assert all(quantity(item["value"]) > 0 for item in answer["items"]), "never a made-up zero"


def test_own_metrics_count_requests_and_cache(stack: Stack) -> None:
    text = httpx.get(f"{stack.adapter.health_url}/metrics", timeout=5).text
    assert (
        'servescale_adapter_requests_total{code="200",metric="istio_requests_per_second",route="custom"}'
        in text
    )
    assert "servescale_adapter_cache_results_total" in text


def test_data_dir_survives_restart(stack: Stack) -> None:
    assert stack.backend.workdir is not None
    assert Path(stack.backend.workdir, "data").is_dir()


def test_service_evaluates_slos_and_exports_gauges(stack: Stack) -> None:
    stack.wait_elapsed(20)
    deadline = time.monotonic() + 30
    while True:
        response = httpx.get(f"{stack.adapter.url}/slo/v1/status", timeout=20)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert response.status_code == 200, response.text
    names = {slo["name"] for slo in response.json()["slos"]}
    assert {"llama-availability", "llama-latency"} <= names
    one = httpx.get(f"{stack.adapter.url}/slo/v1/status/llama-availability", timeout=20)
    assert one.status_code == 200
    assert one.json().get("error") is None, one.json()
    assert httpx.get(f"{stack.adapter.url}/slo/v1/status/nope", timeout=20).status_code == 404
    metrics = httpx.get(f"{stack.adapter.health_url}/metrics", timeout=5).text
    # The SLI itself is only exported once Prometheus holds events for the window: never a made-up value.
    assert 'slo_error_budget_remaining_ratio{service="llama",slo="llama-availability"}' in metrics
