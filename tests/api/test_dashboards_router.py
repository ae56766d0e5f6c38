"""``/dashboards/v1`` through the ASGI app: the list, one board's exact JSON, 404 as JSON."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from dashboards.board import Board
from dashboards.router import create_dashboards_router
from tests.unit.dashboards.board_samples import sample_board, sample_boards


def client_for(boards: list[Board]) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(create_dashboards_router(boards))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_list_gives_uid_title_folder_and_path_in_order() -> None:
    boards = [*sample_boards(), sample_board("team-cost", title="Team cost", folder="Finance")]
    async with client_for(boards) as client:
        response = await client.get("/dashboards/v1")
    assert response.status_code == 200
    listed = response.json()["dashboards"]
    assert [d["uid"] for d in listed] == [b.uid for b in boards]
    assert listed[-1] == {
        "uid": "team-cost",
        "title": "Team cost",
        "folder": "Finance",
        "path": "/dashboards/v1/team-cost",
    }


async def test_every_listed_path_serves_that_board_byte_for_byte() -> None:
    boards = [*sample_boards(), sample_board("servescale-unicode", title="Coût GPU — “A100”")]
    async with client_for(boards) as client:
        listed = (await client.get("/dashboards/v1")).json()["dashboards"]
        for entry, board in zip(listed, boards, strict=True):
            response = await client.get(entry["path"])
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            assert response.content == board.to_json().encode("utf-8")


async def test_unknown_uid_is_a_json_404() -> None:
    async with client_for(sample_boards()) as client:
        response = await client.get("/dashboards/v1/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "no dashboard with uid 'nope'"}


async def test_no_boards_is_an_empty_list() -> None:
    async with client_for([]) as client:
        response = await client.get("/dashboards/v1")
    assert response.json() == {"dashboards": []}


def test_repeated_uid_is_refused() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        create_dashboards_router([sample_board("a"), sample_board("a")])
