"""A ``MetricsReader`` over the sandbox fleet's ground truth, and the fleet as the HPA sees it.

``FleetMetricsReader`` answers the four metric APIs the controller reads from a ``TruthWindow``:

* Pods metrics: per-pod values of the pods the scale selector matches (``app=<deployment>``),
  averaged over the rate window for counter-based metrics (see ``sandbox_metrics``);
* Object metrics on a Deployment: the pods' values summed or averaged, as the catalogue does;
* External ``rabbitmq_queue_messages_ready``: one value per broker queue whose ``vhost``/``queue``
  labels match the metric selector;
* Resource metrics: none (the sandbox has no metrics-server), so CPU/memory metrics fail.

Values go to the controller in milli-units, rounded to nearest. ``fleet_scale`` / ``fleet_pods``
build the ``Scale`` and ``Pod`` values from the fleet: pods are Running, Ready from ``ready_at``,
started at creation; times are on the virtual clock ``virtual_time``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from autoscaler.hpa import MetricFetchError, Pod, PodCondition, PodMetric, Scale
from autoscaler.hpa.spec.horizontal_pod_autoscaler import CrossVersionObjectReference
from autoscaler.sandbox import Fleet, UnknownDeploymentError
from autoscaler.simulation.sandbox_metrics import sandbox_metric
from autoscaler.simulation.truth_window import TruthWindow
from metrics_adapter.kube import LabelSelector

__all__ = ["EPOCH", "SELECTOR_LABEL", "FleetMetricsReader", "fleet_pods", "fleet_scale", "virtual_time"]

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
SELECTOR_LABEL = "app"
RABBITMQ = "rabbitmq_queue_messages_ready"


def virtual_time(seconds: float) -> datetime:
    """The fleet clock (seconds since the simulation started) as an aware datetime."""
    return EPOCH + timedelta(seconds=seconds)


def _milli(value: float) -> int:
    return round(value * 1000.0)


def fleet_scale(fleet: Fleet, namespace: str, deployment: str) -> Scale:
    status = fleet.replica_status(namespace, deployment)
    return Scale(status.spec_replicas, status.replicas, f"{SELECTOR_LABEL}={deployment}")


def fleet_pods(fleet: Fleet, namespace: str, deployment: str) -> tuple[Pod, ...]:
    state = fleet.deployment(namespace, deployment)
    pods = []
    for record, ready in zip(state.pods, state.ready.tolist(), strict=True):
        since = record.ready_at if ready else record.created_at
        pods.append(
            Pod(
                name=record.name,
                namespace=namespace,
                labels={SELECTOR_LABEL: deployment},
                phase="Running",
                start_time=virtual_time(record.created_at),
                ready=PodCondition("True" if ready else "False", virtual_time(since)),
            )
        )
    return tuple(pods)


class FleetMetricsReader:
    """Reads the window's latest state; ``now`` stamps the samples (the cycle's time)."""

    def __init__(self, fleet: Fleet, window: TruthWindow, *, rate_window_seconds: float = 60.0) -> None:
        self._fleet = fleet
        self._window = window
        self.rate_window_seconds = rate_window_seconds
        self.now = EPOCH

    def resource_metrics(
        self, resource: str, *, namespace: str, selector: LabelSelector, container: str | None
    ) -> dict[str, PodMetric]:
        raise MetricFetchError("no metrics returned from resource metrics API")

    def _deployment_values(
        self, metric_name: str, namespace: str, deployment: str
    ) -> tuple[dict[str, float], bool]:
        try:
            spec = self._fleet.deployment(namespace, deployment).spec
        except UnknownDeploymentError as exc:
            raise MetricFetchError(f"unable to fetch metrics from custom metrics API: {exc}") from exc
        reading = sandbox_metric(metric_name, spec)
        if reading is None:
            raise MetricFetchError(
                f"unable to fetch metrics from custom metrics API: the server could not find the metric "
                f"{metric_name} for pods of {namespace}/{deployment}"
            )
        window = self.rate_window_seconds if reading.rate_window else None
        values = self._window.pod_values(namespace, deployment, reading.figure, window_seconds=window)
        return values, reading.additive

    def pods_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        selector: LabelSelector,
        metric_selector: LabelSelector | None,
    ) -> dict[str, PodMetric]:
        matched = {
            state.spec.name
            for state in self._fleet.deployments()
            if state.spec.namespace == namespace and selector.matches({SELECTOR_LABEL: state.spec.name})
        }
        samples: dict[str, PodMetric] = {}
        window = timedelta(seconds=self.rate_window_seconds)
        for deployment in sorted(matched):
            values, _ = self._deployment_values(metric_name, namespace, deployment)
            for pod, value in values.items():
                samples[pod] = PodMetric(_milli(value), self.now, window)
        if not samples:
            raise MetricFetchError("no metrics returned from custom metrics API")
        return samples

    def object_metric(
        self,
        metric_name: str,
        *,
        namespace: str,
        described_object: CrossVersionObjectReference,
        metric_selector: LabelSelector | None,
    ) -> int:
        if described_object.kind != "Deployment":
            raise MetricFetchError(
                "unable to fetch metrics from custom metrics API: "
                f"the sandbox serves no {described_object.kind}"
            )
        values, additive = self._deployment_values(metric_name, namespace, described_object.name)
        if not values:
            raise MetricFetchError(
                "unable to fetch metrics from custom metrics API: the server could not find the metric "
                f"{metric_name} for {described_object.kind} {described_object.name}"
            )
        total = sum(values.values())
        return _milli(total if additive else total / len(values))

    def external_metric(
        self, metric_name: str, *, namespace: str, metric_selector: LabelSelector | None
    ) -> list[int]:
        if metric_name != RABBITMQ:
            raise MetricFetchError(
                f"unable to fetch metrics from external metrics API: the sandbox has no metric {metric_name}"
            )
        values = [
            _milli(float(broker["messagesReady"]))
            for broker in self._window.brokers()
            if metric_selector is None
            or metric_selector.matches({"vhost": str(broker["vhost"]), "queue": str(broker["queue"])})
        ]
        if not values:
            raise MetricFetchError("no metrics returned from external metrics API")
        return values
