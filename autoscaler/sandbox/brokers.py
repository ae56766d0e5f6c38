"""A RabbitMQ queue drained by a Deployment's ready pods, as a fluid queue. Pure: no clock, no I/O.

Messages arrive at ``publish_rps``; each ready consumer pod acknowledges up to ``per_pod_rps``.
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

    def step(self, dt: float, *, ready_consumers: int) -> None:
        """Publish and drain for ``dt`` seconds with ``ready_consumers`` pods pulling."""
        self.consumers = ready_consumers
        available = self.messages_ready + self.spec.publish_rps * dt
        drained = min(available, self.spec.per_pod_rps * ready_consumers * dt)
        self.messages_ready = available - drained
        self.drain_rps = drained / dt

    def figures(self) -> BrokerFigures:
        return BrokerFigures(
            vhost=self.spec.vhost,
            queue=self.spec.queue,
            messages_ready=self.messages_ready,
            publish_rps=self.spec.publish_rps,
            drain_rps=self.drain_rps,
            consumers=self.consumers,
        )
