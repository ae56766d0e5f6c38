"""``push_boards`` against the fake Grafana HTTP API: create, idempotent re-push, update, refusals."""

from __future__ import annotations

import httpx
import pytest

from dashboards.board import Board
from dashboards.push import GrafanaUnreachableError, Outcome, PushResult, folder_uid, push_boards
from tests.fakes.grafana_api import ADMIN_TOKEN, VIEWER_TOKEN, FakeGrafana
from tests.unit.dashboards.board_samples import sample_board, sample_boards

SAVE = "/api/dashboards/db"


def client_for(fake: FakeGrafana, token: str = ADMIN_TOKEN) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake.app),
        base_url="http://grafana",
        headers={"Authorization": f"Bearer {token}"},
    )


async def push(
    fake: FakeGrafana, boards: list[Board], *, token: str = ADMIN_TOKEN, folder: str | None = None
) -> list[PushResult]:
    async with client_for(fake, token) as client:
        return await push_boards(client, boards, folder=folder)


async def test_first_push_creates_the_folder_and_every_board() -> None:
    fake = FakeGrafana()
    results = await push(fake, sample_boards())
    assert [(r.uid, r.outcome, r.version) for r in results] == [
        ("servescale-serving", Outcome.CREATED, 1),
        ("servescale-slos", Outcome.CREATED, 1),
        ("servescale-gpu-cost", Outcome.CREATED, 1),
    ]
    assert fake.folders["servescale"]["title"] == "ServeScale"
    assert {uid: entry["folderUid"] for uid, entry in fake.dashboards.items()} == dict.fromkeys(
        ("servescale-serving", "servescale-slos", "servescale-gpu-cost"), "servescale"
    )
    envelope = fake.posts(SAVE)[0].body
    assert envelope["overwrite"] is True
    assert envelope["folderUid"] == "servescale"
    assert envelope["dashboard"]["id"] is None
    assert envelope["message"]
    stored = fake.stored("servescale-serving")
    del stored["id"], stored["version"]
    assert stored == sample_board("servescale-serving").model
    assert results[0].detail == "/d/servescale-serving/servescale-serving"


async def test_second_push_of_the_same_boards_changes_nothing() -> None:
    fake = FakeGrafana()
    await push(fake, sample_boards())
    saves_before = len(fake.posts(SAVE))
    results = await push(fake, sample_boards())
    assert [r.outcome for r in results] == [Outcome.UNCHANGED] * 3
    assert len(fake.posts(SAVE)) == saves_before
    assert len(fake.posts("/api/folders")) == 1  # created by the first push, found by the second
    assert {entry["dashboard"]["version"] for entry in fake.dashboards.values()} == {1}


async def test_a_changed_board_is_updated_and_only_it() -> None:
    fake = FakeGrafana()
    await push(fake, sample_boards())
    changed = sample_board("servescale-slos", description="now with burn-down")
    boards = [sample_boards()[0], changed, sample_boards()[2]]
    results = await push(fake, boards)
    assert [r.outcome for r in results] == [Outcome.UNCHANGED, Outcome.UPDATED, Outcome.UNCHANGED]
    assert results[1].version == 2
    assert [p.body["dashboard"]["uid"] for p in fake.posts(SAVE)[3:]] == ["servescale-slos"]
    assert fake.stored("servescale-slos")["description"] == "now with burn-down"


async def test_an_edit_made_in_grafana_is_overwritten() -> None:
    fake = FakeGrafana()
    await push(fake, sample_boards())
    fake.edit_in_ui("servescale-serving", title="Renamed by hand")
    results = await push(fake, sample_boards())
    assert results[0].outcome is Outcome.UPDATED
    assert results[0].version == 3
    assert fake.stored("servescale-serving")["title"] == "Servescale Serving"


async def test_a_board_in_another_folder_is_moved() -> None:
    fake = FakeGrafana()
    await push(fake, sample_boards())
    results = await push(fake, sample_boards(), folder="ML Serving")
    assert [r.outcome for r in results] == [Outcome.UPDATED] * 3
    assert fake.folders["ml-serving"]["title"] == "ML Serving"
    assert {entry["folderUid"] for entry in fake.dashboards.values()} == {"ml-serving"}


async def test_an_existing_folder_of_the_same_title_is_reused() -> None:
    fake = FakeGrafana()
    fake.add_folder("abc123", "ServeScale")
    await push(fake, sample_boards())
    assert fake.posts("/api/folders") == []
    assert {entry["folderUid"] for entry in fake.dashboards.values()} == {"abc123"}


async def test_boards_go_to_their_own_folders() -> None:
    fake = FakeGrafana()
    boards = [sample_board("servescale-serving"), sample_board("team-cost", folder="Finance")]
    await push(fake, boards)
    assert fake.dashboards["servescale-serving"]["folderUid"] == "servescale"
    assert fake.dashboards["team-cost"]["folderUid"] == "finance"


async def test_412_is_reported_for_that_board_once_and_the_others_still_pushed() -> None:
    fake = FakeGrafana(refuse={"servescale-slos": 412})
    results = await push(fake, sample_boards())
    assert [r.outcome for r in results] == [Outcome.CREATED, Outcome.FAILED, Outcome.CREATED]
    assert results[1].detail.startswith("412 Precondition Failed (version-mismatch): The dashboard has been")
    assert "not retried" in results[1].detail
    assert [p.body["dashboard"]["uid"] for p in fake.posts(SAVE)].count("servescale-slos") == 1


async def test_403_on_one_board_is_reported_for_it() -> None:
    fake = FakeGrafana(refuse={"servescale-serving": 403})
    results = await push(fake, sample_boards())
    assert [r.ok for r in results] == [False, True, True]
    assert results[0].detail.startswith("403 Forbidden: Access denied to this dashboard")


async def test_a_viewer_token_fails_every_board_with_403() -> None:
    fake = FakeGrafana()
    fake.add_folder("servescale", "ServeScale")
    results = await push(fake, sample_boards(), token=VIEWER_TOKEN)
    assert [r.outcome for r in results] == [Outcome.FAILED] * 3
    assert all(r.detail.startswith("403 Forbidden: Access denied;") for r in results)
    assert fake.dashboards == {}


async def test_a_bad_token_fails_every_board_with_401_and_saves_nothing() -> None:
    fake = FakeGrafana()
    results = await push(fake, sample_boards(), token="wrong")
    assert [r.outcome for r in results] == [Outcome.FAILED] * 3
    assert all("folder 'ServeScale': 401 Unauthorized: invalid API key" in r.detail for r in results)
    assert all("GRAFANA_TOKEN" in r.detail for r in results)
    assert [r.method for r in fake.requests] == ["GET"]  # the folder check once, then nothing


async def test_unreachable_grafana_raises_one_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(refuse), base_url="http://grafana:3000"
    ) as client:
        with pytest.raises(GrafanaUnreachableError, match=r"cannot reach Grafana at http://grafana:3000"):
            await push_boards(client, sample_boards())


async def test_a_sub_path_in_the_url_is_kept() -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(404, json={"message": "not found"})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(record), base_url="http://h/grafana"
    ) as client:
        await push_boards(client, [sample_board("servescale-serving")])
    assert seen[0] == "/grafana/api/folders/servescale"


@pytest.mark.parametrize(
    ("title", "uid"),
    [
        pytest.param("ServeScale", "servescale", id="plain"),
        pytest.param("ML Serving / GPUs", "ml-serving-gpus", id="punctuation"),
        pytest.param("x" * 60, "x" * 40, id="grafana-40-char-limit"),
    ],
)
def test_folder_uid(title: str, uid: str) -> None:
    assert folder_uid(title) == uid


def test_folder_uid_needs_a_letter_or_digit() -> None:
    with pytest.raises(ValueError, match="letter or digit"):
        folder_uid("***")


async def test_push_leaves_the_board_model_as_it_was() -> None:
    board = sample_board("servescale-serving")
    await push(FakeGrafana(), [board])
    assert board.model == sample_board("servescale-serving").model


async def test_a_url_that_is_not_grafana_fails_every_board_without_saving() -> None:
    sent: list[str] = []

    def login_page(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return httpx.Response(200, text="<html>Sign in</html>", headers={"content-type": "text/html"})

    transport = httpx.MockTransport(login_page)
    async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
        results = await push_boards(client, sample_boards())
    assert [r.outcome for r in results] == [Outcome.FAILED] * 3
    assert "is --grafana-url Grafana's base URL?" in results[0].detail
    assert sent == ["GET /api/folders/servescale"]
