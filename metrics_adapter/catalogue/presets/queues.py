"""The ``queues`` preset: inference-server queue depth (custom) and broker backlog (external).

================================  ========  ============================  ====================================
metric                            api       resources / selectable labels source
================================  ========  ============================  ====================================
``triton_queue_depth``            custom    pods, deployments.apps (sum)  Triton's pending request count
``vllm_queue_depth``              custom    pods, deployments.apps (sum)  ``vllm:num_requests_waiting``
``inference_queue_depth``         custom    pods, deployments.apps (sum)  Triton's, else vLLM's, per pod
``rabbitmq_queue_messages_ready`` external  ``vhost``, ``queue``          ``rabbitmq_queue_messages_ready``,
                                                                          else ``..._detailed_...``
``kafka_consumergroup_lag``       external  ``consumergroup``, ``topic``  ``kafka_consumergroup_lag``, summed
================================  ========  ============================  ====================================

Units: requests for the inference queues, messages for the brokers.

Per pod the queue is summed over models/engines; per Deployment it is the sum over its pods
(``fromPods: sum``). The inference metrics have ``zeroWhenAbsent`` on by default (option
``zero_when_absent``): a pod whose server exposes no pending-request series has an empty queue.
NaN or stale values are still "no value".

Broker metrics are external and not namespaced (the exporter usually runs in another
namespace than the HPA). RabbitMQ answers one item per ``vhost``/``queue`` (select with
``labelSelector: queue=orders``); Kafka answers one item, the lag summed over partitions of the
selected ``consumergroup``/``topic``. They have no ``zeroWhenAbsent``: a missing queue is more
often a typo or a broken exporter than an empty queue (kafka_exporter drops groups without
active consumers). Knows recipes and definitions only.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics_adapter.kube import GroupResource

from ..definition import AbsentPolicy, Api, Association, ExternalResult, ExternalSpec, MetricDefinition
from ..recipes import Aggregation, FirstOf, Gauge, Recipe, Series
from .options import PresetOptions, select_metrics

__all__ = ["QueuesOptions", "queue_metrics"]

_DEPLOYMENTS = GroupResource("deployments", "apps")


@dataclass(frozen=True)
class QueuesOptions(PresetOptions):
    """``zero_when_absent``: whether the inference queue metrics report 0 for pods without series."""

    zero_when_absent: bool = True


def _inference(options: QueuesOptions) -> list[MetricDefinition]:
    associations = (options.labels.pods(), Association(_DEPLOYMENTS, from_pods=Aggregation.SUM))
    policy = AbsentPolicy(
        zero_when_absent=options.zero_when_absent, max_staleness_seconds=options.max_staleness_seconds
    )
    triton = Gauge(Series("nv_inference_pending_request_count"))
    vllm = Gauge(Series("vllm:num_requests_waiting"))
    recipes: tuple[tuple[str, Recipe, str], ...] = (
        ("triton_queue_depth", triton, "Requests queued in Triton, all models."),
        ("vllm_queue_depth", vllm, "Requests waiting to be scheduled by vLLM."),
        ("inference_queue_depth", FirstOf((triton, vllm)), "Triton's queue, else vLLM's, per pod."),
    )
    return [
        MetricDefinition(
            name,
            recipe,
            description=description,
            unit="requests",
            associations=associations,
            policy=policy,
            origin="preset queues",
        )
        for name, recipe, description in recipes
    ]


def _brokers(options: QueuesOptions) -> list[MetricDefinition]:
    policy = AbsentPolicy(max_staleness_seconds=options.max_staleness_seconds)
    rabbitmq = FirstOf(
        (
            Gauge(Series("rabbitmq_queue_messages_ready")),
            Gauge(Series("rabbitmq_detailed_queue_messages_ready")),
        )
    )
    return [
        MetricDefinition(
            "rabbitmq_queue_messages_ready",
            rabbitmq,
            api=Api.EXTERNAL,
            description="Messages ready for delivery, per vhost and queue.",
            unit="messages",
            external=ExternalSpec(("vhost", "queue"), result=ExternalResult.PER_SERIES),
            policy=policy,
            origin="preset queues",
        ),
        MetricDefinition(
            "kafka_consumergroup_lag",
            Gauge(Series("kafka_consumergroup_lag")),
            api=Api.EXTERNAL,
            description="Consumer-group lag summed over the partitions selected.",
            unit="messages",
            external=ExternalSpec(("consumergroup", "topic"), result=ExternalResult.SUM),
            policy=policy,
            origin="preset queues",
        ),
    ]


def queue_metrics(options: QueuesOptions | None = None) -> tuple[MetricDefinition, ...]:
    """The preset's definitions, without ``options.exclude``."""
    options = options or QueuesOptions()
    return select_metrics("queues", [*_inference(options), *_brokers(options)], options.exclude)
