"""The SLO status API: ``GET /slo/v1/status`` and ``GET /slo/v1/status/{name}``.

``create_slo_router(source)`` builds a FastAPI router over a :class:`~slo.evaluation.StatusSource`
(the service passes its :class:`~slo.evaluation.CachedStatus`). Without ``?at=`` the answer is
the latest scheduled evaluation; ``?at=2026-10-11T00:00:00Z`` evaluates at that instant (reproducible).
Errors are JSON: 404 for an unknown SLO, 400 for an instant without a time zone, 503 when Prometheus
cannot be reached. The only module of :mod:`slo` that knows FastAPI.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from metrics_adapter.promql import PrometheusError

from .evaluation import (
    Evaluation,
    EvaluationModel,
    StatusModel,
    StatusSource,
    evaluation_document,
    status_document,
)

__all__ = ["create_slo_router"]

AtQuery = Annotated[
    datetime | None,
    Query(description="Evaluate at this instant (ISO 8601 with a zone); default: the latest evaluation."),
]


def _error(status_code: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"detail": detail})


async def _evaluate(source: StatusSource, at: datetime | None) -> Evaluation | JSONResponse:
    if at is not None and (at.tzinfo is None or at.utcoffset() is None):
        return _error(400, f"'at' must carry a time zone (e.g. {at.isoformat()}Z)")
    try:
        return await source.status(at)
    except PrometheusError as exc:
        return _error(503, f"cannot evaluate SLOs: {exc}")


def create_slo_router(source: StatusSource) -> APIRouter:
    router = APIRouter(prefix="/slo/v1", tags=["slo"])

    @router.get("/status", response_model=EvaluationModel, responses={503: {}, 400: {}})
    async def list_status(at: AtQuery = None) -> EvaluationModel | JSONResponse:
        """Every SLO's SLI, error budget, burn rates and policy status."""
        evaluation = await _evaluate(source, at)
        return evaluation if isinstance(evaluation, JSONResponse) else evaluation_document(evaluation)

    @router.get("/status/{name}", response_model=StatusModel, responses={404: {}, 503: {}, 400: {}})
    async def one_status(name: str, at: AtQuery = None) -> StatusModel | JSONResponse:
        """One SLO, by name or ``<service>-<name>`` id."""
        if not any(name in (slo.name, slo.slo_id) for slo in source.slos):
            return _error(404, f"no SLO named {name!r}")
        evaluation = await _evaluate(source, at)
        if isinstance(evaluation, JSONResponse):
            return evaluation
        status = evaluation.find(name)
        return _error(404, f"no SLO named {name!r}") if status is None else status_document(status)

    return router
