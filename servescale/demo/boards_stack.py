"""Everything the dashboards read, running on loopback: the sandbox, the metrics adapter, and a real
Prometheus scraping both every second with the SLOs' rendered rules loaded.

An HPA controller polls the adapter every 15 s; here a poller asks it, every second, for each
HPA's metric of the sandbox's models (the Deployment and its pods) and the RabbitMQ external
metric, so the adapter's own request, latency and cache series carry real traffic. Used by the
dashboards integration test and ``scripts/make-dashboard-previews.py``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from alerts.config import AlertsConfig
from alerts.render import render
from autoscaler.sandbox import Scenario
from autoscaler.sandbox.runner import SandboxServer
from servescale.demo.stack import SANDBOX_JOB
from servescale.stack.adapter import AdapterProcess, running_adapter
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget
from slo.spec import SLO

__all__ = ["ADAPTER_JOB", "BoardsStack", "running_boards_stack"]

ADAPTER_JOB = "servescale-adapter"
_CUSTOM = "/apis/custom.metrics.k8s.io/v1beta2/namespaces"
_EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1/namespaces"


@dataclass
class BoardsStack:
    sandbox: SandboxServer
    prometheus: PrometheusServer
    adapter: AdapterProcess
    rule_files: list[Path]


def _hpa_paths(scenario: Scenario) -> list[str]:
    paths = []
    for spec in scenario.deployments:
        if spec.hpa is None:
            continue
        base = f"{_CUSTOM}/{spec.namespace}"
        paths.append(f"{base}/deployments.apps/{spec.name}/{spec.hpa.metric}")
        paths.append(f"{base}/pods/%2A/{spec.hpa.metric}?labelSelector=app%3D{spec.name}")
    for broker in scenario.brokers:
        paths.append(
            f"{_EXTERNAL}/{broker.consumer_namespace}/rabbitmq_queue_messages_ready?labelSelector=queue%3D{broker.queue}"
        )
    return paths


def _poll(url: str, paths: Sequence[str], stop: threading.Event) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        while not stop.is_set():
            for path in paths:
                with contextlib.suppress(httpx.HTTPError):
                    client.get(path)
            stop.wait(1.0)


@contextlib.contextmanager
def running_boards_stack(scenario: Scenario, slos: Sequence[SLO], *, workdir: Path) -> Iterator[BoardsStack]:
    """Start everything; the SLOs' rules are written under ``workdir``. Stops it all at the end."""
    config = AlertsConfig.model_validate({"autoscaling": {"enabled": False}})
    written = render(slos, out_dir=workdir / "rules", config=config, tests=False)
    rule_files = [path for path in written if path.name.endswith(".rules.yaml")]
    health_port = free_port()
    with SandboxServer(scenario) as sandbox:
        targets = [
            ScrapeTarget(SANDBOX_JOB, sandbox.address),
            ScrapeTarget(ADAPTER_JOB, f"127.0.0.1:{health_port}", honor_labels=False),
        ]
        with (
            PrometheusServer(targets=targets, rule_files=rule_files) as prometheus,
            running_adapter(prometheus.url, health_port=health_port, log=workdir / "adapter.log") as adapter,
        ):
            prometheus.wait_for_targets_up(timeout=30)
            stop = threading.Event()
            poller = threading.Thread(
                target=_poll, args=(adapter.url, _hpa_paths(scenario), stop), daemon=True
            )
            poller.start()
            try:
                yield BoardsStack(sandbox, prometheus, adapter, rule_files)
            finally:
                stop.set()
                poller.join(timeout=15)
