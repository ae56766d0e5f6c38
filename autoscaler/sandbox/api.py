"""The sandbox over HTTP: ``/metrics``, ``/truth``, replicas, faults and ``/healthz``.

The only module of the sandbox that knows FastAPI. Every request first advances the fleet to
``clock()``, and a background task (started by the app's lifespan) keeps advancing it every
``tick_seconds``, so the exposition moves in real time even when nobody calls. All handlers are
``async`` and run on the app's event loop, which owns the fleet: no thread touches it.
The clock defaults to Unix time because stalled-exporter samples carry it as their timestamp.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from autoscaler.sandbox.exposition import MetricsRenderer
from autoscaler.sandbox.faults import Faults
from autoscaler.sandbox.fleet import Fleet, ReplicaStatus, UnknownDeploymentError
from autoscaler.sandbox.scenario import default_scenario
from autoscaler.sandbox.spec import Scenario
from autoscaler.sandbox.truth import faults_document, truth_document

Clock = Callable[[], float]
DEFAULT_TICK_SECONDS = 0.5


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ReplicasBody(_Body):
    """``PUT /replicas/{namespace}/{deployment}``: the desired replica count."""

    replicas: int = Field(ge=0, le=100_000)


class FaultsBody(_Body):
    """``PUT /faults/{namespace}/{deployment}``: faults to set; an omitted fault is off."""

    error_rate: float | None = Field(default=None, ge=0, le=1)
    latency_ms: float | None = Field(default=None, ge=0)
    stall_exporter: bool = False


class Sandbox:
    """A fleet, its clock and its renderer: the state behind the routes."""

    def __init__(self, fleet: Fleet, *, clock: Clock) -> None:
        self.fleet = fleet
        self.clock = clock
        self.renderer = MetricsRenderer(fleet)

    def advance(self) -> None:
        """Bring the fleet up to ``clock()``."""
        self.fleet.advance(self.clock())


def _replicas_document(status: ReplicaStatus) -> dict[str, Any]:
    return {
        "namespace": status.namespace,
        "deployment": status.deployment,
        "replicas": status.spec_replicas,
        "currentReplicas": status.replicas,
        "readyReplicas": status.ready_replicas,
    }


def create_sandbox_router(sandbox: Sandbox) -> APIRouter:
    """The sandbox's routes over ``sandbox``."""
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/metrics")
    async def metrics() -> Response:
        sandbox.advance()
        return Response(content=sandbox.renderer.render(), media_type=sandbox.renderer.content_type)

    @router.get("/truth")
    async def truth() -> dict[str, Any]:
        sandbox.advance()
        return truth_document(sandbox.fleet)

    @router.get("/replicas/{namespace}/{deployment}")
    async def get_replicas(namespace: str, deployment: str) -> dict[str, Any]:
        sandbox.advance()
        return _replicas_document(sandbox.fleet.replica_status(namespace, deployment))

    @router.put("/replicas/{namespace}/{deployment}")
    async def put_replicas(namespace: str, deployment: str, body: ReplicasBody) -> dict[str, Any]:
        status = sandbox.fleet.set_replicas(namespace, deployment, body.replicas, sandbox.clock())
        return _replicas_document(status)

    @router.get("/faults/{namespace}/{deployment}")
    async def get_faults(namespace: str, deployment: str) -> dict[str, Any]:
        sandbox.fleet.deployment(namespace, deployment)
        return faults_document(sandbox.fleet.faults(namespace, deployment))

    @router.put("/faults/{namespace}/{deployment}")
    async def put_faults(namespace: str, deployment: str, body: FaultsBody) -> dict[str, Any]:
        faults = Faults(
            error_rate=body.error_rate, latency_ms=body.latency_ms, stall_exporter=body.stall_exporter
        )
        return faults_document(sandbox.fleet.set_faults(namespace, deployment, faults, sandbox.clock()))

    @router.delete("/faults/{namespace}/{deployment}")
    async def delete_faults(namespace: str, deployment: str) -> dict[str, Any]:
        return faults_document(sandbox.fleet.clear_faults(namespace, deployment, sandbox.clock()))

    return router


async def _tick(sandbox: Sandbox, period: float) -> None:
    while True:
        await asyncio.sleep(period)
        sandbox.advance()


def create_sandbox_app(
    scenario: Scenario | None = None,
    *,
    clock: Clock = time.time,
    tick_seconds: float = DEFAULT_TICK_SECONDS,
    fleet: Fleet | None = None,
) -> FastAPI:
    """An app serving ``fleet`` (default: a new fleet of ``scenario`` starting at ``clock()``).

    ``scenario`` defaults to the built-in one. ``tick_seconds`` is the period of the background
    advance; the fleet is reachable as ``app.state.sandbox.fleet``.
    """
    if fleet is None:
        fleet = Fleet(scenario or default_scenario(), start=clock())
    sandbox = Sandbox(fleet, clock=clock)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_tick(sandbox, tick_seconds))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(title="ServeScale sandbox", lifespan=lifespan)
    app.state.sandbox = sandbox
    app.include_router(create_sandbox_router(sandbox))

    @app.exception_handler(UnknownDeploymentError)
    async def unknown_deployment(_: Request, exc: UnknownDeploymentError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    return app
