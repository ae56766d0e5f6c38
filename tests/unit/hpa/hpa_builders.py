"""Builders for HPA algorithm tests, mirroring upstream's replica_calculator_test harness.

Upstream's harness: pods ``test-pod-<i>`` labelled ``name=test-pod``, two containers
(``container1``, ``container2``) each requesting ``requests[i]``; a Ready condition with the given
status and a zero transition time; a zero start time unless given; PodMetrics with one level per
container, a zero timestamp and a one-minute window. Controller settings are upstream's test values
(tolerance 0.1, CPU initialisation 2 min, readiness delay 10 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from autoscaler.hpa.behavior.state import HPAState, Recommendation
from autoscaler.hpa.metrics.pods import GO_ZERO_TIME
from autoscaler.hpa.metrics.reader import PodMetric
from autoscaler.hpa.metrics.static_reader import (
    ContainerUsage,
    CustomMetricValue,
    ExternalMetricValue,
    FailingMetric,
    PodMetricsItem,
    StaticMetricsReader,
)
from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.spec.config import ControllerConfig, FeatureGates
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Behavior,
    Condition,
    CrossVersionObjectReference,
    HorizontalPodAutoscaler,
    HPAStatus,
    MetricSpec,
    MetricTarget,
)
from autoscaler.hpa.spec.objects import ContainerSpec, Pod, PodCondition, Scale
from autoscaler.hpa.status.result import ReconcileResult
from metrics_adapter.kube import milli_value, parse_quantity, parse_selector

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
HOT = NOW - timedelta(minutes=1)  # inside upstream's 2-minute test CPU initialisation period
COOL = NOW - timedelta(minutes=3)
NAMESPACE = "test-namespace"
NS = NAMESPACE
OLD = NOW - timedelta(minutes=10)
SELECTOR = parse_selector("name=test-pod")

TEST_CONFIG = ControllerConfig(
    tolerance=0.1,
    cpu_initialization_period=timedelta(minutes=2),
    initial_readiness_delay=timedelta(seconds=10),
)


def config(**gates: bool) -> ControllerConfig:
    return ControllerConfig(
        tolerance=0.1,
        cpu_initialization_period=timedelta(minutes=2),
        initial_readiness_delay=timedelta(seconds=10),
        feature_gates=FeatureGates(**gates),
    )


def milli(text: str) -> int:
    return milli_value(parse_quantity(text))


def harness_pods(
    count: int,
    *,
    requests: Sequence[str] = (),
    readiness: Sequence[str] | None = None,
    start: Sequence[datetime] | None = None,
    phase: Sequence[str] | None = None,
    deleting: Sequence[bool] | None = None,
    resource: str = "cpu",
) -> list[Pod]:
    pods = []
    for i in range(count):
        req = {resource: milli(requests[i])} if i < len(requests) else {}
        pods.append(
            Pod(
                name=f"test-pod-{i}",
                namespace=NAMESPACE,
                labels={"name": "test-pod"},
                phase=phase[i] if phase is not None else "Running",
                deleting=deleting[i] if deleting is not None else False,
                start_time=start[i] if start is not None else GO_ZERO_TIME,
                ready=PodCondition(
                    readiness[i] if readiness and i < len(readiness) else "True", GO_ZERO_TIME
                ),
                containers=(ContainerSpec("container1", req), ContainerSpec("container2", req)),
            )
        )
    return pods


def levels(*per_pod: int) -> list[list[int]]:
    """Upstream's ``makePodMetricLevels``: the same level for both containers of each pod."""
    return [[level, level] for level in per_pod]


def harness_reader(
    pod_levels: Sequence[Sequence[int]],
    *,
    resource: str = "cpu",
    names: Sequence[str] = (),
    timestamp: datetime = GO_ZERO_TIME,
) -> StaticMetricsReader:
    """PodMetrics with two container slots; a slot without a level has no usage and no name."""
    items = []
    for i, container_levels in enumerate(pod_levels):
        containers = []
        for j in range(2):
            if j < len(container_levels):
                containers.append(ContainerUsage(f"container{j + 1}", {resource: container_levels[j]}))
            else:
                containers.append(ContainerUsage("", {}))
        items.append(
            PodMetricsItem(
                name=names[i] if i < len(names) else f"test-pod-{i}",
                timestamp=timestamp,
                window=timedelta(minutes=1),
                containers=tuple(containers),
                namespace=NAMESPACE,
                labels={"name": "test-pod"},
            )
        )
    return StaticMetricsReader(pod_metrics=items)


def samples(
    pod_levels: Sequence[Sequence[int]], *, container: str | None = None, resource: str = "cpu"
) -> dict[str, PodMetric]:
    reader = harness_reader(pod_levels, resource=resource)
    return reader.resource_metrics(resource, namespace=NAMESPACE, selector=SELECTOR, container=container)


def plain_samples(values: Sequence[int], *, timestamp: datetime = GO_ZERO_TIME) -> dict[str, PodMetric]:
    return {
        f"test-pod-{i}": PodMetric(value, timestamp, timedelta(minutes=1)) for i, value in enumerate(values)
    }


# --- whole-cycle helpers -------------------------------------------------------------------------

QUEUE_DOWN = FailingMetric("External", "queue")


def pods_metric(target: int = 10000) -> MetricSpec:
    return MetricSpec(
        type="Pods", name="qps", target=MetricTarget(type="AverageValue", average_value_milli=target)
    )


def external_value(target: int = 10000, name: str = "queue") -> MetricSpec:
    return MetricSpec(type="External", name=name, target=MetricTarget(type="Value", value_milli=target))


def hpa(
    *metrics: MetricSpec,
    min_replicas: int | None = None,
    max_replicas: int = 10,
    behavior: Behavior | None = None,
    conditions: Sequence[Condition] = (),
    desired: int | None = None,
) -> HorizontalPodAutoscaler:
    return HorizontalPodAutoscaler(
        name="frontend",
        namespace=NS,
        scale_target_ref=CrossVersionObjectReference("Deployment", "frontend", "apps/v1"),
        max_replicas=max_replicas,
        min_replicas=min_replicas,
        metrics=metrics,
        behavior=behavior,
        status=HPAStatus(desired_replicas=desired, conditions=tuple(conditions)),
    )


def reader(
    qps: Sequence[int] = (), queue: Sequence[int] = (), failures: Sequence[FailingMetric] = ()
) -> StaticMetricsReader:
    custom = {
        "qps": tuple(
            CustomMetricValue("Pod", f"test-pod-{i}", v, NOW, namespace=NS) for i, v in enumerate(qps)
        )
    }
    external = {"queue": tuple(ExternalMetricValue(v, NOW) for v in queue)}
    return StaticMetricsReader(custom_metrics=custom, external_metrics=external, failures=failures)


def old_state(replicas: int) -> HPAState:
    return HPAState(recommendations=(Recommendation(replicas, OLD),))


def run(
    target: HorizontalPodAutoscaler,
    *,
    current: int,
    metrics: StaticMetricsReader,
    state: HPAState | None = None,
    pods: Sequence[Pod] | None = None,
    cfg: ControllerConfig | None = None,
    selector: str | None = "name=test-pod",
) -> ReconcileResult:
    return reconcile(
        target,
        scale=Scale(current, current, selector),
        pods=harness_pods(current) if pods is None else pods,
        reader=metrics,
        state=state,
        now=NOW,
        config=cfg or config(),
    )


def condition(result: ReconcileResult, type_: str) -> tuple[str, str] | None:
    found = next((c for c in result.conditions if c.type == type_), None)
    return None if found is None else (found.status, found.reason)
