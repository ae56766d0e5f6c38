"""The controller loop: one exact reconcile per HPA every sync period, scaling the sandbox.

The sandbox plays the kube-apiserver's part for the scale subresource and the pod list
(``GET/PUT /replicas``, ``GET /truth``); metrics come from our metrics API over HTTP. The
controller's memory per HPA (recommendations, scale events) carries over between cycles.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from autoscaler.closed_loop.metrics_api_reader import fetch_metrics
from autoscaler.hpa import Pod, PodCondition, Scale
from autoscaler.hpa.behavior.state import HPAState
from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.spec.config import ControllerConfig
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler

SELECTOR_LABEL = "app"


@dataclass(frozen=True)
class LoopDecision:
    """One reconcile's outcome, for logs and tests."""

    at: datetime
    hpa: str
    current_replicas: int
    desired_replicas: int | None
    scaled: bool
    error: str | None
    reasons: tuple[str, ...]


def _pods(truth: dict[str, Any], namespace: str, deployment: str, now: datetime) -> tuple[Pod, ...]:
    pods = truth["namespaces"][namespace][deployment]["pods"]
    return tuple(
        Pod(
            name=name,
            namespace=namespace,
            labels={SELECTOR_LABEL: deployment},
            phase="Running",
            start_time=now,
            ready=PodCondition("True" if pod["ready"] else "False", now),
        )
        for name, pod in sorted(pods.items())
    )


class HPAController:
    """Drives ``hpas`` against the sandbox at ``sandbox_url`` with metrics from ``metrics_api_url``."""

    def __init__(
        self,
        hpas: Sequence[HorizontalPodAutoscaler],
        *,
        sandbox_url: str,
        metrics_api_url: str,
        config: ControllerConfig | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_decision: Callable[[LoopDecision], None] | None = None,
    ) -> None:
        self._hpas = list(hpas)
        self._sandbox = sandbox_url
        self._metrics_api = metrics_api_url
        self._config = config or ControllerConfig()
        self._clock = clock
        self._on_decision = on_decision
        self._state: dict[str, HPAState | None] = {hpa.name: None for hpa in hpas}

    async def sync_once(self) -> list[LoopDecision]:
        """One reconcile of every HPA."""
        decisions = []
        async with (
            httpx.AsyncClient(base_url=self._sandbox, timeout=10) as sandbox,
            httpx.AsyncClient(base_url=self._metrics_api, timeout=10) as metrics_api,
        ):
            truth = (await sandbox.get("/truth")).json()
            for hpa in self._hpas:
                decisions.append(await self._reconcile(hpa, sandbox, metrics_api, truth))
        return decisions

    async def _reconcile(
        self,
        hpa: HorizontalPodAutoscaler,
        sandbox: httpx.AsyncClient,
        metrics_api: httpx.AsyncClient,
        truth: Any,
    ) -> LoopDecision:
        now = self._clock()
        namespace, target = hpa.namespace, hpa.scale_target_ref.name
        replicas = (await sandbox.get(f"/replicas/{namespace}/{target}")).json()
        selector = f"{SELECTOR_LABEL}={target}"
        scale = Scale(replicas["replicas"], replicas["currentReplicas"], selector)
        reader = await fetch_metrics(metrics_api, hpa, selector=selector)
        result = reconcile(
            hpa,
            scale=scale,
            pods=_pods(truth, namespace, target, now),
            reader=reader,
            state=self._state[hpa.name],
            now=now,
            config=self._config,
        )
        self._state[hpa.name] = result.state
        if result.scale_updated and result.desired_replicas is not None:
            put = await sandbox.put(
                f"/replicas/{namespace}/{target}", json={"replicas": result.desired_replicas}
            )
            put.raise_for_status()
        decision = LoopDecision(
            at=now,
            hpa=f"{namespace}/{hpa.name}",
            current_replicas=scale.spec_replicas,
            desired_replicas=result.desired_replicas,
            scaled=result.scale_updated,
            error=result.error,
            reasons=tuple(f"{c.type}={c.status} {c.reason}" for c in result.conditions),
        )
        if self._on_decision is not None:
            self._on_decision(decision)
        return decision

    async def run(self, *, period: float = 15.0) -> None:
        """Reconcile every ``period`` seconds until cancelled."""
        while True:
            await self.sync_once()
            await asyncio.sleep(period)
