"""``/metrics`` of the sandbox: every exporter's series in one Prometheus text exposition (0.0.4).

A custom prometheus_client Collector reads the fleet at scrape time and builds metric families;
``generate_latest`` on a private ``CollectorRegistry`` does the formatting and escaping. The
result is what a real cluster's targets would show after target relabeling (``pod`` and
``namespace`` on Istio and app series), so Prometheus scrapes it with ``honor_labels: true``.
Families without samples are left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from autoscaler.sandbox.dcgm_series import DcgmFamilies, PodSamples
from autoscaler.sandbox.deployment import DeploymentState
from autoscaler.sandbox.fleet import Fleet
from autoscaler.sandbox.hpa_series import hpa_families
from autoscaler.sandbox.istio_series import istio_families
from autoscaler.sandbox.kube_series import pod_families, workload_families
from autoscaler.sandbox.queue_series import ServerFamilies, broker_families
from autoscaler.sandbox.spec import ExporterTimestamps

__all__ = ["CONTENT_TYPE", "FleetCollector", "MetricsRenderer"]

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The text format generate_latest writes for legacy names, declared as such to scrapers."""


def _exporter_samples(fleet: Fleet, state: DeploymentState) -> PodSamples:
    """Frozen gauges stamped with the moment they froze, or the live ones.

    Live samples carry the fleet's time only when the scenario asks for ``always``.
    """
    spec = state.spec
    stalled = fleet.stalled_exporter(spec.namespace, spec.name)
    if stalled is not None:
        return [(pod, gauges, stalled.at) for pod, gauges in stalled.pods]
    stamp = fleet.now if fleet.scenario.exporter_timestamps is ExporterTimestamps.ALWAYS else None
    return [(pod, gauges, stamp) for pod, gauges in zip(state.pods, state.gauges(), strict=True)]


class FleetCollector(Collector):
    """Yields the Istio, DCGM, Triton/vLLM, RabbitMQ and kube-state-metrics families of a fleet."""

    def __init__(self, fleet: Fleet) -> None:
        self._fleet = fleet

    def collect(self) -> Iterator[Metric]:
        fleet = self._fleet
        deployments = fleet.deployments()
        dcgm = DcgmFamilies(fleet.scenario.dcgm_pod_labels)
        servers = ServerFamilies()
        for state in deployments:
            samples = _exporter_samples(fleet, state)
            dcgm.add(state.spec, samples)
            servers.add(state.spec, samples)
        families = [
            *istio_families(deployments),
            *dcgm.families(),
            *servers.families(),
            *broker_families(fleet.brokers()),
            *pod_families(deployments),
            *workload_families(deployments),
            *hpa_families(deployments),
        ]
        yield from (family for family in families if family.samples)


class MetricsRenderer:
    """Renders a fleet's exposition; holds the private registry so nothing global is touched."""

    content_type = CONTENT_TYPE

    def __init__(self, fleet: Fleet) -> None:
        self._registry = CollectorRegistry(auto_describe=False)
        self._registry.register(FleetCollector(fleet))

    def render(self) -> bytes:
        """The text exposition of the fleet as it is now (the caller advances it first)."""
        return generate_latest(self._registry)
