"""The dashboards API of the running service: ``GET /dashboards/v1`` and ``GET /dashboards/v1/{uid}``.

``create_dashboards_router(boards)`` serves boards built once at start-up from the catalogue and SLOs
the service runs with. The list gives each board's uid, title, Grafana folder and the path of its
model; one board's answer is :meth:`Board.to_json`, byte for byte what ``dashboards export`` writes,
ready for Grafana's import. An unknown uid is a JSON 404 ``{"detail": ...}``, as ``/slo/v1`` answers.
The only module of :mod:`dashboards` that knows FastAPI.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .board import Board

__all__ = ["PREFIX", "BoardListModel", "BoardSummaryModel", "create_dashboards_router"]

PREFIX = "/dashboards/v1"


class BoardSummaryModel(BaseModel):
    uid: str
    title: str
    folder: str
    path: str


class BoardListModel(BaseModel):
    dashboards: list[BoardSummaryModel]


def create_dashboards_router(boards: Sequence[Board]) -> APIRouter:
    """A router over ``boards`` (their order is the list's); raises ``ValueError`` on a repeated uid."""
    by_uid: dict[str, Board] = {}
    for board in boards:
        if board.uid in by_uid:
            raise ValueError(f"board uid {board.uid!r} appears twice")
        by_uid[board.uid] = board
    listing = BoardListModel(
        dashboards=[
            BoardSummaryModel(uid=b.uid, title=b.title, folder=b.folder, path=f"{PREFIX}/{b.uid}")
            for b in boards
        ]
    )
    encoded = {uid: board.to_json().encode("utf-8") for uid, board in by_uid.items()}
    router = APIRouter(prefix=PREFIX, tags=["dashboards"])

    @router.get("", response_model=BoardListModel)
    async def list_dashboards() -> BoardListModel:
        """Every board the service generates: uid, title, Grafana folder, and where its JSON is."""
        return listing

    @router.get("/{uid}", responses={200: {"content": {"application/json": {}}}, 404: {}})
    async def one_dashboard(uid: str) -> Response:
        """One board's Grafana dashboard JSON model (schemaVersion 42), as ``dashboards export`` writes it."""
        body = encoded.get(uid)
        if body is None:
            return JSONResponse(status_code=404, content={"detail": f"no dashboard with uid {uid!r}"})
        return Response(content=body, media_type="application/json")

    return router
