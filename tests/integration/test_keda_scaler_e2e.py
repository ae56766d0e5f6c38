"""The KEDA external scaler end to end: sandbox -> real Prometheus -> ``servescale serve --keda-port``,
driven by a grpcio client speaking the externalscaler protocol. A worker Deployment at zero replicas
(beside a gateway that keeps one pod, as clusters do) drains a RabbitMQ queue nobody publishes to
until 20 s: inactive then, active once a message waits, and GetMetrics answers exactly what the
external metrics API answers for the same selector."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import httpx
import pytest

from autoscaler.sandbox import parse_scenario
from autoscaler.sandbox.runner import SandboxServer
from metrics_adapter.keda import SERVICE_NAME
from metrics_adapter.keda import externalscaler_pb2 as pb
from metrics_adapter.kube import parse_quantity
from servescale.stack.adapter import running_adapter
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget

pytestmark = pytest.mark.integration

PUBLISH_FROM = 20.0
SCENARIO = f"""
seed: 11
startupDelaySeconds: 3
dcgmPodLabels: pod
namespaces:
  - name: ml
    models:
      - name: worker
        server: triton
        replicas: 0
        capacityRps: 10
        baseLatencyMs: 40
        gpu: {{model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}}
        load: {{type: constant, rps: 0}}
      - name: gateway
        server: triton
        replicas: 1
        capacityRps: 50
        baseLatencyMs: 5
        gpu: {{model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}}
        load: {{type: constant, rps: 1}}
brokers:
  - vhost: /
    queue: jobs
    publishRps: 2
    publishFromSeconds: {PUBLISH_FROM}
    consumer: {{namespace: ml, model: worker, perPodRps: 1}}
"""
EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1/namespaces/ml/rabbitmq_queue_messages_ready"
METADATA = {
    "scalerAddress": "servescale:9443",
    "metric": "rabbitmq_queue_messages_ready",
    "selector": "queue=jobs",
    "target": "5",
    "activationThreshold": "0",
}


@dataclass
class Scaler:
    sandbox: SandboxServer
    adapter_url: str
    channel: grpc.Channel

    def call(self, method: str, request: object, response: type) -> object:
        rpc = self.channel.unary_unary(
            f"/{SERVICE_NAME}/{method}",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response.FromString,  # type: ignore[attr-defined]
        )
        return rpc(request, timeout=10)

    def elapsed(self) -> float:
        return float(httpx.get(f"{self.sandbox.url}/truth", timeout=5).json()["elapsedSeconds"])


def ref(**metadata: str) -> pb.ScaledObjectRef:
    return pb.ScaledObjectRef(name="worker", namespace="ml", scalerMetadata={**METADATA, **metadata})


@pytest.fixture(scope="module")
def scaler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaler]:
    scenario = parse_scenario(SCENARIO, source="<keda scenario>")
    keda_port = free_port()
    with SandboxServer(scenario) as sandbox:
        prometheus = PrometheusServer(
            targets=[ScrapeTarget("sandbox", sandbox.address)], workdir=tmp_path_factory.mktemp("prometheus")
        )
        prometheus.start()
        try:
            prometheus.wait_for_targets_up()
            extra = [f"--keda-port={keda_port}", "--cache-ttl=30"]
            with running_adapter(prometheus.url, extra=extra) as adapter:
                channel = grpc.insecure_channel(f"127.0.0.1:{keda_port}")
                grpc.channel_ready_future(channel).result(timeout=15)
                yield Scaler(sandbox, adapter.url, channel)
                channel.close()
        finally:
            prometheus.stop()


def wait_for_sample(scaler: Scaler) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            scaler.call(
                "GetMetrics",
                pb.GetMetricsRequest(scaledObjectRef=ref(), metricName="q"),
                pb.GetMetricsResponse,
            )
            return
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise
            time.sleep(1)
    pytest.fail("the queue never showed in Prometheus")


def test_inactive_at_zero_then_active_on_the_first_queued_message(scaler: Scaler) -> None:
    wait_for_sample(scaler)
    assert scaler.elapsed() < PUBLISH_FROM, "the stack took too long to start for the quiet phase"
    quiet = scaler.call("IsActive", ref(), pb.IsActiveResponse)
    assert quiet.result is False  # type: ignore[attr-defined]
    spec = scaler.call("GetMetricSpec", ref(), pb.GetMetricSpecResponse)
    (metric_spec,) = spec.metricSpecs  # type: ignore[attr-defined]
    assert metric_spec.metricName == "rabbitmq_queue_messages_ready"
    assert metric_spec.targetSizeFloat == 5.0
    stream = scaler.channel.unary_stream(
        f"/{SERVICE_NAME}/StreamIsActive",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=pb.IsActiveResponse.FromString,
    )(ref(), timeout=90)
    pushed = [next(stream).result]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if scaler.call("IsActive", ref(), pb.IsActiveResponse).result:  # type: ignore[attr-defined]
            break
        time.sleep(1)
    else:
        pytest.fail("never active after messages were published")
    assert scaler.elapsed() >= PUBLISH_FROM
    pushed.append(next(stream).result)
    stream.cancel()
    assert pushed == [False, True]


def test_metric_values_equal_the_metrics_api(scaler: Scaler) -> None:
    wait_for_sample(scaler)
    for _ in range(3):
        api = httpx.get(f"{scaler.adapter_url}{EXTERNAL}", params={"labelSelector": "queue=jobs"}, timeout=10)
        assert api.status_code == 200, api.text
        expected = sum(float(parse_quantity(item["value"])) for item in api.json()["items"])
        answer = scaler.call(
            "GetMetrics",
            pb.GetMetricsRequest(scaledObjectRef=ref(), metricName="s0-queue"),
            pb.GetMetricsResponse,
        )
        (value,) = answer.metricValues  # type: ignore[attr-defined]
        assert value.metricName == "s0-queue"
        assert value.metricValueFloat == pytest.approx(expected, abs=1e-9)
        time.sleep(2)


def test_no_value_is_an_error_never_zero(scaler: Scaler) -> None:
    with pytest.raises(grpc.RpcError) as missing:
        scaler.call(
            "GetMetrics",
            pb.GetMetricsRequest(scaledObjectRef=ref(selector="queue=nope")),
            pb.GetMetricsResponse,
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as bad:
        scaler.call("IsActive", ref(target="zero"), pb.IsActiveResponse)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
