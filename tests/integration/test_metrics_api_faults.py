"""Faults between the adapter and a real Prometheus, end to end through a fault-injecting proxy.

sandbox -> real Prometheus -> :class:`FaultProxy` -> ``servescale serve`` (cache TTL 2 s, query
timeout 1 s). For each fault: the documented answer (a ``Status`` 503 within the request deadline,
or the objects left out, 404 when none is left), no value that Prometheus did not give, the fault
in the adapter's own metrics and log, and answers again within one cache TTL once it ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from autoscaler.sandbox.runner import SandboxServer
from metrics_adapter.kube import parse_quantity
from servescale.stack.adapter import AdapterProcess, running_adapter
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget
from tests.fakes.fault_proxy import Fault, FaultProxy
from tests.integration.conftest import fast_scenario

pytestmark = pytest.mark.integration

TTL = 1.0
QUERY_TIMEOUT = 1.0
DEADLINE = QUERY_TIMEOUT + 1.0 + 1.0  # query timeout, the client's grace, slack for a loaded machine
METRIC = "istio_requests_per_second"
PODS_PATH = f"/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/pods/%2A/{METRIC}?labelSelector=app%3Dresnet"
MATCH = "istio_requests_total"  # in the metric's PromQL, not in the pod cache's queries


@dataclass
class Stack:
    sandbox: SandboxServer
    prometheus: PrometheusServer
    proxy: FaultProxy
    adapter: AdapterProcess
    log: Path

    def get(self, path: str = PODS_PATH) -> httpx.Response:
        return httpx.get(f"{self.adapter.url}{path}", timeout=20)

    def resnet_pods(self) -> set[str]:
        truth: dict[str, Any] = httpx.get(f"{self.sandbox.url}/truth", timeout=5).json()
        return set(truth["namespaces"]["ml"]["resnet"]["pods"])

    def own_metric(self, name: str, **labels: str) -> float:
        text = httpx.get(f"{self.adapter.health_url}/metrics", timeout=5).text
        total = 0.0
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                    total += sample.value
        return total

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def direct(self, promql: str) -> dict[str, float]:
        body = httpx.post(f"{self.prometheus.url}/api/v1/query", data={"query": promql}, timeout=10).json()
        return {r["metric"].get("pod", ""): float(r["value"][1]) for r in body["data"]["result"]}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    log = tmp_path_factory.mktemp("adapter") / "adapter.log"
    with SandboxServer(fast_scenario()) as sandbox:
        # No workdir: a restart starts Prometheus on the same port with an empty TSDB.
        prometheus = PrometheusServer(targets=[ScrapeTarget("sandbox", sandbox.address)])
        prometheus.start()
        try:
            prometheus.wait_for_targets_up()
            with FaultProxy(prometheus.url) as proxy:
                extra = [f"--cache-ttl={TTL}", f"--prometheus-timeout={QUERY_TIMEOUT}", "--log-level=info"]
                with running_adapter(proxy.url, extra=extra, log=log) as adapter:
                    running = Stack(sandbox, prometheus, proxy, adapter, log)
                    wait_for_answer(running, timeout=30)
                    yield running
        finally:
            prometheus.stop()


def wait_for_answer(stack: Stack, *, timeout: float) -> float:
    """Seconds until the adapter answers 200 for every resnet pod; fails after ``timeout``."""
    started = time.monotonic()
    while True:
        response = stack.get()
        if response.status_code == 200 and served(response).keys() == stack.resnet_pods():
            return time.monotonic() - started
        assert time.monotonic() - started < timeout, f"no full answer after {timeout}s: {response.text}"
        time.sleep(0.1)


def served(response: httpx.Response) -> dict[str, float]:
    return {
        item["describedObject"]["name"]: float(parse_quantity(item["value"]))
        for item in response.json()["items"]
    }


def assert_status(response: httpx.Response, code: int) -> dict[str, Any]:
    assert response.status_code == code, response.text
    body: dict[str, Any] = response.json()
    assert (body["kind"], body["code"]) == ("Status", code)
    assert "items" not in body
    return body


def assert_recovers_within_ttl(stack: Stack) -> None:
    took = wait_for_answer(stack, timeout=TTL + 2)
    assert took <= TTL + 0.5, f"recovered after {took:.1f}s"
    values = served(stack.get())
    assert all(v > 0 for v in values.values()), "never a made-up zero"


def expire_cache() -> None:
    time.sleep(TTL + 0.1)


def test_latency_above_the_query_timeout_is_503_within_the_deadline(stack: Stack) -> None:
    before = stack.own_metric("servescale_adapter_prometheus_query_errors_total", kind="timeout")
    expire_cache()
    with stack.proxy.injecting(Fault(match=MATCH, delay=QUERY_TIMEOUT + 3)):
        started = time.monotonic()
        response = stack.get()
        took = time.monotonic() - started
    body = assert_status(response, 503)
    assert body["reason"] == "ServiceUnavailable"
    assert took < DEADLINE, f"answered after {took:.1f}s"
    assert stack.own_metric("servescale_adapter_prometheus_query_errors_total", kind="timeout") == before + 1
    assert "timed out" in stack.log_text()
    assert_recovers_within_ttl(stack)


@pytest.mark.parametrize("code", [500, 503])
def test_5xx_is_503(stack: Stack, code: int) -> None:
    before = stack.own_metric("servescale_adapter_prometheus_query_errors_total", kind="unavailable")
    expire_cache()
    with stack.proxy.injecting(Fault(match=MATCH, status=code, status_body=b"upstream broke")):
        assert_status(stack.get(), 503)
    assert stack.own_metric("servescale_adapter_prometheus_query_errors_total", kind="unavailable") > before
    assert f"HTTP {code}" in stack.log_text()
    assert_recovers_within_ttl(stack)


def test_429_is_503_and_retry_after_is_honoured(stack: Stack) -> None:
    expire_cache()
    fault = Fault(match=MATCH, status=429, status_headers=(("Retry-After", "1"),), status_body=b"slow down")
    with stack.proxy.injecting(fault):
        assert_status(stack.get(), 503)
        _, faulted = stack.proxy.counts()
        for _ in range(5):
            assert_status(stack.get(), 503)
        assert stack.proxy.counts()[1] == faulted, "asked again before Retry-After"
    assert "rate-limited" in stack.get().text
    assert "HTTP 429" in stack.log_text()
    assert_recovers_within_ttl(stack)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(match=MATCH, reset=True), id="connection-reset-mid-body"),
        pytest.param(Fault(match=MATCH, truncate=True), id="truncated-body"),
        pytest.param(Fault(match=MATCH, garbage=True), id="non-json-body"),
    ],
)
def test_broken_answer_is_503(stack: Stack, fault: Fault) -> None:
    errors = "servescale_adapter_prometheus_query_errors_total"
    before = stack.own_metric(errors)
    expire_cache()
    with stack.proxy.injecting(fault):
        assert_status(stack.get(), 503)
    assert stack.own_metric(errors) == before + 1
    if fault.garbage:
        assert stack.own_metric(errors, kind="response") >= 1
        assert "unintelligible answer" in stack.log_text()
    assert_recovers_within_ttl(stack)


def test_warnings_only_answer_leaves_every_pod_out(stack: Stack) -> None:
    before = stack.own_metric("servescale_adapter_prometheus_query_warnings_total")
    expire_cache()
    with stack.proxy.injecting(Fault(match=MATCH, warnings_only=True)):
        body = assert_status(stack.get(), 404)
    assert "3 absent" in body["message"]
    assert stack.own_metric("servescale_adapter_prometheus_query_warnings_total") == before + 1
    assert "partial response" in stack.log_text()
    assert_recovers_within_ttl(stack)


def test_partial_result_serves_only_what_prometheus_gave(stack: Stack) -> None:
    pods = sorted(stack.resnet_pods())
    absent = stack.own_metric("servescale_adapter_values_left_out_total", metric=METRIC, reason="absent")
    expire_cache()
    with stack.proxy.injecting(Fault(match=MATCH, drop_pods=frozenset(pods[1:]))):
        response = stack.get()
    assert response.status_code == 200
    values = served(response)
    assert set(values) == {pods[0]}
    direct = stack.direct(f'sum by (pod) (rate(istio_requests_total{{namespace="ml",pod="{pods[0]}"}}[1m]))')
    assert values[pods[0]] == pytest.approx(direct[pods[0]], rel=0.2)
    after = stack.own_metric("servescale_adapter_values_left_out_total", metric=METRIC, reason="absent")
    assert after == absent + len(pods) - 1
    assert "2 absent" in stack.log_text()
    assert_recovers_within_ttl(stack)


@pytest.mark.parametrize("value", ["NaN", "+Inf"])
def test_nan_and_inf_are_left_out_never_served(stack: Stack, value: str) -> None:
    reason = ("servescale_adapter_values_left_out_total", {"metric": METRIC, "reason": "nan"})
    before = stack.own_metric(reason[0], **reason[1])
    expire_cache()
    with stack.proxy.injecting(Fault(match=MATCH, value=value)):
        body = assert_status(stack.get(), 404)
    assert "3 nan" in body["message"]
    assert stack.own_metric(reason[0], **reason[1]) == before + 3
    assert "3 nan" in stack.log_text()
    assert_recovers_within_ttl(stack)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(PODS_PATH, id="rate"),
        pytest.param(PODS_PATH.replace(METRIC, "gpu_utilization_percent"), id="gauge-with-sample-time"),
    ],
)
def test_samples_from_the_future_are_left_out(stack: Stack, path: str) -> None:
    metric = path.split("/")[-1].split("?")[0]
    before = stack.own_metric("servescale_adapter_values_left_out_total", metric=metric, reason="future")
    expire_cache()
    match = MATCH if metric == METRIC else "DCGM"
    with stack.proxy.injecting(Fault(match=match, shift_seconds=3600)):
        body = assert_status(stack.get(path), 404)
    assert "3 future" in body["message"]
    after = stack.own_metric("servescale_adapter_values_left_out_total", metric=metric, reason="future")
    assert after == before + 3
    assert f"{metric}: objects left out without a value: 3 future" in stack.log_text()
    assert_recovers_within_ttl(stack)


def test_prometheus_restarting_with_an_empty_tsdb(stack: Stack) -> None:
    """Down: 503. Back but empty: no value (404), never a zero. Data again: answers within a TTL."""
    assert stack.get().status_code == 200
    stack.prometheus.stop()
    expire_cache()
    assert_status(stack.get(), 503)
    stack.prometheus.start()
    codes = []
    promql = 'sum by (pod) (rate(istio_requests_total{namespace="ml"}[1m]))'
    deadline = time.monotonic() + 30
    while not stack.resnet_pods() <= set(stack.direct(promql)):
        response = stack.get()
        codes.append(response.status_code)
        if response.status_code == 200:
            # Only pods Prometheus holds rates for again, each value a real rate.
            assert set(served(response)) <= stack.resnet_pods()
            assert all(v > 0 for v in served(response).values())
        assert time.monotonic() < deadline, "Prometheus never held the rates again"
        time.sleep(0.2)
    assert 404 in codes or 503 in codes, f"the empty TSDB was never seen: {codes}"
    assert set(codes) <= {200, 404, 503}
    assert_recovers_within_ttl(stack)


def test_adapter_killed_and_restarted_under_load_never_answers_wrong(stack: Stack, tmp_path: Path) -> None:
    """Load runs across a kill -9 and a restart whose pod cache takes 1.5 s to sync: only 503s
    (pod cache not synced) or connection errors until it has, then full, real answers."""
    port, health = free_port(), free_port()
    expected = stack.resnet_pods()
    outcomes: list[tuple[int, set[str], str]] = []
    stop = threading.Event()
    url = f"http://127.0.0.1:{port}{PODS_PATH}"

    def load() -> None:
        """About 50 requests/s, at most 5,000: (code, pods served, what was wrong or the message)."""
        with httpx.Client(timeout=5) as client:
            while not stop.is_set() and len(outcomes) < 5000:
                time.sleep(0.02)
                try:
                    response = client.get(url)
                except httpx.HTTPError:
                    outcomes.append((0, set(), "connection"))
                    continue
                if response.status_code != 200:
                    outcomes.append((response.status_code, set(), response.json().get("message", "")))
                    continue
                values = served(response)
                wrong = "" if all(v > 0 for v in values.values()) else "a zero"
                outcomes.append((200, set(values), wrong))

    extra = [f"--cache-ttl={TTL}", f"--prometheus-timeout={QUERY_TIMEOUT}"]
    with running_adapter(stack.proxy.url, extra=extra, port=port, health_port=health) as first:
        worker = threading.Thread(target=load, daemon=True)
        worker.start()
        time.sleep(1)
        first.process.kill()
        first.process.wait(timeout=10)
        slow_pod_cache = stack.proxy.injecting(Fault(match="kube_pod_info", delay=1.5))
        with slow_pod_cache, running_adapter(stack.proxy.url, extra=extra, port=port, health_port=health):
            time.sleep(1.5)
            stop.set()
            worker.join(timeout=10)
    codes = {code for code, _, _ in outcomes}
    assert codes <= {0, 200, 503}, codes
    assert any(code == 0 for code, _, _ in outcomes), "the kill was never seen"
    unsynced = [why for code, _, why in outcomes if code == 503]
    assert unsynced, "the unsynced pod cache was never seen"
    assert all("pod cache has not synced" in why for why in unsynced)
    answers = [(names, why) for code, names, why in outcomes if code == 200]
    assert answers, "the restarted adapter never answered"
    assert all(names == expected and why == "" for names, why in answers)


def test_tenant_header_and_bearer_token_reach_a_multi_tenant_gateway(stack: Stack, tmp_path: Path) -> None:
    """The proxy plays a Mimir/Thanos gateway: 401 unless ``X-Scope-OrgID`` and the bearer token
    are on the request. ``--prometheus-tenant`` and ``--prometheus-token-file`` put them on every
    query, the pod cache's included; without them the gateway's 401 is a 500, never a value."""
    token = tmp_path / "token"
    token.write_text("s3cret\n")
    required = {"X-Scope-OrgID": "team-a", "Authorization": "Bearer s3cret"}
    stack.proxy.state.required_headers = required
    try:
        expire_cache()
        assert_status(stack.get(), 500)
        assert "no tenant" in stack.log_text(), "the gateway's refusal is logged in full"
        extra = [f"--prometheus-tenant={required['X-Scope-OrgID']}", f"--prometheus-token-file={token}"]
        with running_adapter(stack.proxy.url, extra=extra) as adapter:
            response = httpx.get(f"{adapter.url}{PODS_PATH}", timeout=20)
            assert response.status_code == 200, response.text
            assert set(served(response)) == stack.resnet_pods()
        with stack.proxy.state.lock:
            seen = list(stack.proxy.state.seen)
        with_tenant = [query for query, headers in seen if headers.get("x-scope-orgid") == "team-a"]
        assert any("kube_pod_info" in query for query in with_tenant), "the pod cache's queries"
        assert any(MATCH in query for query in with_tenant), "the metric's query"
        assert all(
            headers.get("authorization") == "Bearer s3cret"
            for _, headers in seen
            if headers.get("x-scope-orgid") == "team-a"
        )
    finally:
        stack.proxy.state.required_headers = {}
