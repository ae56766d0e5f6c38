"""Queue metrics: what Triton and vLLM expose per pod, and RabbitMQ per queue.

Triton: ``nv_inference_pending_request_count`` (gauge) and ``nv_inference_request_success``
(``model``, ``version``). Triton writes the latter as a counter without a ``_total`` suffix,
which prometheus_client cannot express as a counter, so it is exposed untyped under its real name.
vLLM: ``vllm:num_requests_waiting`` and ``vllm:num_requests_running`` (``model_name``,
``engine``). Both gain ``pod``/``namespace`` from the scrape. RabbitMQ (per-object endpoint):
``rabbitmq_queue_messages_ready`` and ``rabbitmq_queue_consumers`` by ``vhost`` and ``queue``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from autoscaler.sandbox.brokers import BrokerState
from autoscaler.sandbox.dcgm_series import PodSamples
from autoscaler.sandbox.spec import DeploymentSpec, ServerKind

TRITON_PENDING = "nv_inference_pending_request_count"
TRITON_SUCCESS = "nv_inference_request_success"
VLLM_WAITING = "vllm:num_requests_waiting"
VLLM_RUNNING = "vllm:num_requests_running"
TRITON_MODEL_VERSION = "1"
VLLM_ENGINE = "0"


class ServerFamilies:
    """Collects the Triton and vLLM series over many Deployments, then yields them."""

    def __init__(self) -> None:
        self.triton_pending = GaugeMetricFamily(
            TRITON_PENDING,
            "Instantaneous number of pending requests awaiting execution per-model.",
            labels=("model", "version", "pod", "namespace"),
        )
        self.triton_success = Metric(
            TRITON_SUCCESS, "Number of successful inference requests, all batch sizes", "unknown"
        )
        self.vllm_waiting = GaugeMetricFamily(
            VLLM_WAITING,
            "Number of requests waiting to be processed.",
            labels=("model_name", "engine", "pod", "namespace"),
        )
        self.vllm_running = GaugeMetricFamily(
            VLLM_RUNNING,
            "Number of requests in model execution batches.",
            labels=("model_name", "engine", "pod", "namespace"),
        )

    def add(self, spec: DeploymentSpec, samples: PodSamples) -> None:
        model = spec.served_model
        for pod, gauges, timestamp in samples:
            if spec.server is ServerKind.TRITON:
                labels = [model, TRITON_MODEL_VERSION, pod.name, pod.namespace]
                self.triton_pending.add_metric(labels, gauges.queue_depth, timestamp)
                self.triton_success.add_sample(
                    TRITON_SUCCESS,
                    {
                        "model": model,
                        "version": TRITON_MODEL_VERSION,
                        "pod": pod.name,
                        "namespace": pod.namespace,
                    },
                    gauges.success_total,
                    timestamp,
                )
            else:
                labels = [model, VLLM_ENGINE, pod.name, pod.namespace]
                self.vllm_waiting.add_metric(labels, gauges.queue_depth, timestamp)
                self.vllm_running.add_metric(labels, gauges.running, timestamp)

    def families(self) -> Iterator[Metric]:
        yield self.triton_pending
        yield self.triton_success
        yield self.vllm_waiting
        yield self.vllm_running


def broker_families(brokers: Iterable[BrokerState]) -> Iterator[Metric]:
    """RabbitMQ's per-queue ready messages and consumers."""
    ready = GaugeMetricFamily(
        "rabbitmq_queue_messages_ready",
        "Messages ready to be delivered to consumers",
        labels=("vhost", "queue"),
    )
    consumers = GaugeMetricFamily(
        "rabbitmq_queue_consumers", "Consumers on a queue", labels=("vhost", "queue")
    )
    for broker in brokers:
        labels = [broker.spec.vhost, broker.spec.queue]
        ready.add_metric(labels, broker.messages_ready)
        consumers.add_metric(labels, broker.consumers)
    yield ready
    yield consumers
