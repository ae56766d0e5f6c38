"""The simulated fleet: every Deployment and broker of a scenario, advanced on a caller's clock.

Pure and deterministic: time only enters as arguments (``advance(now)``, ``step(dt)``), the only
randomness is pod-name suffixes from ``random.Random(scenario.seed)``, and nothing does I/O. So the
HTTP sandbox runs it on wall-clock time and an offline simulation on virtual time, hours of
traffic in seconds. ``now`` values are on one clock chosen by the caller; stalled-exporter
timestamps are taken from it, so a server should use Unix time.

Pods of the initial replicas are ready from the start (the cluster was already running); pods
added later are unready for ``startup_delay_seconds``. Scale-down deletes the newest pods first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from autoscaler.sandbox.brokers import BrokerState
from autoscaler.sandbox.deployment import DeploymentState
from autoscaler.sandbox.faults import Faults, StalledExporter
from autoscaler.sandbox.gpus import GpuAllocator
from autoscaler.sandbox.naming import object_uid, pod_template_hash, random_suffix
from autoscaler.sandbox.pod import PodRecord
from autoscaler.sandbox.spec import Scenario

DEFAULT_MAX_STEP_SECONDS = 1.0
_EPSILON_SECONDS = 1e-9
"""Gaps below this are float noise, not time to simulate."""


class UnknownDeploymentError(KeyError):
    """No Deployment with that namespace and name in the scenario."""

    def __init__(self, namespace: str, deployment: str) -> None:
        super().__init__(f"{namespace}/{deployment}")
        self.namespace = namespace
        self.deployment = deployment

    def __str__(self) -> str:
        return f"no deployment {self.deployment!r} in namespace {self.namespace!r}"


@dataclass(frozen=True)
class ReplicaStatus:
    """A Deployment's desired replicas and its pods, as ``GET/PUT /replicas`` report them."""

    namespace: str
    deployment: str
    spec_replicas: int
    replicas: int
    ready_replicas: int


class Fleet:
    """All Deployments and broker queues of one scenario, at time ``now``."""

    def __init__(
        self, scenario: Scenario, *, start: float, max_step_seconds: float = DEFAULT_MAX_STEP_SECONDS
    ) -> None:
        if max_step_seconds <= 0:
            raise ValueError("max_step_seconds must be > 0")
        self.scenario = scenario
        self.start = start
        self.max_step_seconds = max_step_seconds
        self._now = start
        self._rng = random.Random(scenario.seed)
        self._gpus = GpuAllocator()
        self._deployments: dict[tuple[str, str], DeploymentState] = {}
        self._faults: dict[tuple[str, str], Faults] = {}
        self._stalled: dict[tuple[str, str], StalledExporter] = {}
        for spec in scenario.deployments:
            state = DeploymentState(spec)
            self._deployments[spec.key] = state
            self._create_pods(state, spec.replicas, ready_at=start)
            state.update_readiness(start)
        self._brokers = [BrokerState(broker) for broker in scenario.brokers]

    @property
    def now(self) -> float:
        """The instant the model has been advanced to."""
        return self._now

    def advance(self, now: float) -> None:
        """Advance to ``now`` in steps of at most ``max_step_seconds``; an earlier ``now`` is a no-op."""
        while now - self._now > _EPSILON_SECONDS:
            self.step(min(self.max_step_seconds, now - self._now))

    def step(self, dt: float) -> None:
        """Advance every Deployment and broker by ``dt`` seconds (one step, any size > 0)."""
        if dt <= 0:
            raise ValueError(f"dt must be > 0, got {dt}")
        since_start = self._now - self.start
        for key, state in self._deployments.items():
            state.step(self._now, dt, since_start=since_start, faults=self.faults(*key))
        for broker in self._brokers:
            consumer = self._deployments[(broker.spec.consumer_namespace, broker.spec.consumer_deployment)]
            broker.step(dt, ready_consumers=int(consumer.ready.sum()), since_start=since_start)
        self._now += dt
        for state in self._deployments.values():
            state.update_readiness(self._now)

    def deployments(self) -> list[DeploymentState]:
        """Every Deployment, in scenario order."""
        return list(self._deployments.values())

    def deployment(self, namespace: str, deployment: str) -> DeploymentState:
        try:
            return self._deployments[(namespace, deployment)]
        except KeyError:
            raise UnknownDeploymentError(namespace, deployment) from None

    def brokers(self) -> list[BrokerState]:
        return list(self._brokers)

    def replica_status(self, namespace: str, deployment: str) -> ReplicaStatus:
        state = self.deployment(namespace, deployment)
        return ReplicaStatus(
            namespace=namespace,
            deployment=deployment,
            spec_replicas=state.desired_replicas,
            replicas=len(state.pods),
            ready_replicas=int(state.ready.sum()),
        )

    def set_replicas(self, namespace: str, deployment: str, replicas: int, now: float) -> ReplicaStatus:
        """Scale to ``replicas`` at ``now`` (after advancing to it): new pods start unready."""
        if replicas < 0:
            raise ValueError(f"replicas must be >= 0, got {replicas}")
        state = self.deployment(namespace, deployment)
        self.advance(now)
        state.desired_replicas = replicas
        missing = replicas - len(state.pods)
        if missing > 0:
            self._create_pods(state, missing, ready_at=self._now + self.scenario.startup_delay_seconds)
        elif missing < 0:
            for pod in state.remove_newest(-missing):
                self._gpus.release(pod.slot)
        state.update_readiness(self._now)
        return self.replica_status(namespace, deployment)

    def faults(self, namespace: str, deployment: str) -> Faults:
        """Faults active on the Deployment (none by default)."""
        return self._faults.get((namespace, deployment), Faults())

    def stalled_exporter(self, namespace: str, deployment: str) -> StalledExporter | None:
        """The frozen exporter view while ``stall_exporter`` is on, else None."""
        return self._stalled.get((namespace, deployment))

    def set_faults(self, namespace: str, deployment: str, faults: Faults, now: float) -> Faults:
        """Replace the Deployment's faults at ``now``. Turning the stall on freezes the gauges then."""
        state = self.deployment(namespace, deployment)
        self.advance(now)
        key = (namespace, deployment)
        if not faults.stall_exporter:
            self._stalled.pop(key, None)
        elif key not in self._stalled:
            frozen = tuple(zip(state.pods, state.gauges(), strict=True))
            self._stalled[key] = StalledExporter(at=self._now, pods=frozen)
        if faults == Faults():
            self._faults.pop(key, None)
        else:
            self._faults[key] = faults
        return faults

    def clear_faults(self, namespace: str, deployment: str, now: float) -> Faults:
        """Remove every fault from the Deployment at ``now``."""
        return self.set_faults(namespace, deployment, Faults(), now)

    def _create_pods(self, state: DeploymentState, count: int, *, ready_at: float) -> None:
        spec = state.spec
        template_hash = pod_template_hash(spec.namespace, spec.name)
        taken = {pod.name for pod in state.pods}
        records = []
        for _ in range(count):
            name = f"{spec.name}-{template_hash}-{random_suffix(self._rng)}"
            while name in taken:
                name = f"{spec.name}-{template_hash}-{random_suffix(self._rng)}"
            taken.add(name)
            records.append(
                PodRecord(
                    namespace=spec.namespace,
                    deployment=spec.name,
                    name=name,
                    uid=object_uid("pod", spec.namespace, name),
                    template_hash=template_hash,
                    created_at=self._now,
                    ready_at=ready_at,
                    slot=self._gpus.allocate(spec.gpu),
                )
            )
        state.add_pods(records)
