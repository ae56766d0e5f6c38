"""The demo's running pieces: sandbox, Prometheus scraping it, and a query client for both.

Used by ``servescale demo`` and by the integration tests, so both exercise the same wiring.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from autoscaler.sandbox import Scenario
from autoscaler.sandbox.runner import SandboxServer
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget

SANDBOX_JOB = "sandbox"


@dataclass
class DemoStack:
    sandbox: SandboxServer
    prometheus: PrometheusServer


@contextlib.contextmanager
def running_stack(scenario: Scenario | None = None, *, scrape_interval: str = "1s") -> Iterator[DemoStack]:
    """Start the sandbox and a Prometheus scraping it (honouring its pod/namespace labels)."""
    with SandboxServer(scenario) as sandbox:
        target = ScrapeTarget(SANDBOX_JOB, sandbox.address, honor_labels=True)
        with PrometheusServer(targets=[target], scrape_interval=scrape_interval) as prometheus:
            prometheus.wait_for_targets_up(timeout=30)
            yield DemoStack(sandbox=sandbox, prometheus=prometheus)
