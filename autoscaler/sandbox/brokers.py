"""A RabbitMQ queue drained by a Deployment's ready pods, as a fluid queue. Pure: no clock, no I/O.

Messages arrive at ``publish_rps`` (from ``publish_from_seconds`` of scenario time on); each ready
consumer pod acknowledges up to ``per_pod_rps``.
The consumers pull from the broker on their own worker, apart from the HTTP traffic the
Deployment serves, so draining does not add to the pods' request load.
"""

from __future__ import annotations

from dataclasses import dataclass

from autoscaler.sandbox.spec import BrokerSpec


@dataclass(frozen=True)
class BrokerFigures:
    """The truth about a queue over the last step."""

    vhost: str
    queue: str
    messages_ready: float
    publish_rps: float
    drain_rps: float
    consumers: int


class BrokerState:
    """Messages ready in one queue, advanced step by step."""

    def __init__(self, spec: BrokerSpec) -> None:
        self.spec = spec
        self.messages_ready = 0.0
        self.drain_rps = 0.0
        self.consumers = 0
        self.publishing = spec.publish_from_seconds <= 0

    def step(self, dt: float, *, ready_consumers: int, since_start: float = float("inf")) -> None:
        """Publish and drain for ``dt`` seconds from scenario time ``since_start``, ``ready_consumers``
        pods pulling."""
        self.consumers = ready_consumers
        publishing = min(dt, max(0.0, since_start + dt - self.spec.publish_from_seconds))
        self.publishing = publishing > 0
        available = self.messages_ready + self.spec.publish_rps * publishing
        drained = min(available, self.spec.per_pod_rps * ready_consumers * dt)
        self.messages_ready = available - drained
        self.drain_rps = drained / dt

    def figures(self) -> BrokerFigures:
        return BrokerFigures(
            vhost=self.spec.vhost,
            queue=self.spec.queue,
            messages_ready=self.messages_ready,
            publish_rps=self.spec.publish_rps if self.publishing else 0.0,
            drain_rps=self.drain_rps,
            consumers=self.consumers,
        )
