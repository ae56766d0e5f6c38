"""Boards written for Grafana's file provisioning and as sidecar ConfigMaps."""

from __future__ import annotations

import json
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from dashboards import BoardInputs, build_boards
from dashboards.board import Board
from dashboards.export import (
    CONFIGMAP_MAX_BYTES,
    PROVIDER_FILE,
    BoardTooLargeError,
    ExportError,
    board_configmaps,
    write_configmaps,
    write_provisioning,
)
from tests.unit.dashboards.board_samples import sample_board, sample_boards


def test_provisioning_writes_each_board_byte_for_byte(tmp_path: Path) -> None:
    boards = sample_boards()
    written = write_provisioning(boards, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "servescale/servescale-serving.json",
        "servescale/servescale-slos.json",
        "servescale/servescale-gpu-cost.json",
        PROVIDER_FILE,
    ]
    for board, path in zip(boards, written, strict=False):
        assert path.read_bytes() == board.to_json().encode("utf-8")
        assert json.loads(path.read_text())["uid"] == board.uid


def test_provider_file_points_grafana_at_the_folder_directory(tmp_path: Path) -> None:
    write_provisioning(sample_boards(), tmp_path, dashboards_path="/srv/boards/")
    config = yaml.safe_load((tmp_path / PROVIDER_FILE).read_text())
    assert config["apiVersion"] == 1
    [provider] = config["providers"]
    assert provider["folder"] == "ServeScale"
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/srv/boards/servescale"
    assert provider["allowUiUpdates"] is False


def test_one_provider_per_folder(tmp_path: Path) -> None:
    boards = [sample_board("servescale-serving"), sample_board("team-cost", folder="GPU Cost / Finance")]
    written = write_provisioning(boards, tmp_path)
    assert (tmp_path / "gpu-cost-finance" / "team-cost.json") in written
    providers = yaml.safe_load((tmp_path / PROVIDER_FILE).read_text())["providers"]
    assert [(p["folder"], p["options"]["path"]) for p in providers] == [
        ("ServeScale", "/var/lib/grafana/dashboards/servescale"),
        ("GPU Cost / Finance", "/var/lib/grafana/dashboards/gpu-cost-finance"),
    ]
    assert len({p["name"] for p in providers}) == 2


def test_same_boards_give_the_same_files(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_provisioning(sample_boards(), tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in write_provisioning(sample_boards(), tmp_path / "b")}
    assert first == second


@pytest.mark.parametrize(
    "boards",
    [
        pytest.param([sample_board("x"), sample_board("x", title="Other")], id="duplicate-uid"),
        pytest.param(
            [sample_board("a", folder="ML serving"), sample_board("b", folder="ML-Serving")],
            id="folders-clash",
        ),
        pytest.param([sample_board("a", folder="***")], id="folder-without-letters"),
    ],
)
def test_provisioning_refuses_before_writing(tmp_path: Path, boards: list[Board]) -> None:
    with pytest.raises(ExportError):
        write_provisioning(boards, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_configmap_shape() -> None:
    board = sample_board("servescale-serving")
    [configmap] = board_configmaps([board], namespace="monitoring", folder="ML Serving")
    assert configmap["apiVersion"] == "v1"
    assert configmap["kind"] == "ConfigMap"
    metadata = configmap["metadata"]
    assert metadata["name"] == "servescale-serving-dashboard"
    assert metadata["namespace"] == "monitoring"
    assert metadata["labels"]["grafana_dashboard"] == "1"
    assert metadata["annotations"] == {"grafana_folder": "ML Serving"}
    assert configmap["data"] == {"servescale-serving.json": board.to_json()}


def test_configmap_folder_defaults_to_the_board_folder() -> None:
    boards = [sample_board("a"), sample_board("b", folder="Finance")]
    folders = [
        c["metadata"]["annotations"]["grafana_folder"] for c in board_configmaps(boards, namespace="m")
    ]
    assert folders == ["ServeScale", "Finance"]


def test_configmap_files_round_trip_the_exact_json(tmp_path: Path) -> None:
    boards = [
        *sample_boards(),
        sample_board("servescale-unicode", title="Coût GPU — “A100”", note="tab\there"),
    ]
    written = write_configmaps(boards, tmp_path, namespace="monitoring")
    assert [p.name for p in written] == [
        "servescale-serving-dashboard.yaml",
        "servescale-slos-dashboard.yaml",
        "servescale-gpu-cost-dashboard.yaml",
        "servescale-unicode-dashboard.yaml",
    ]
    for board, path in zip(boards, written, strict=True):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert loaded["data"][f"{board.uid}.json"] == board.to_json()
        assert loaded["metadata"]["labels"]["grafana_dashboard"] == "1"  # a string, as the sidecar matches


def test_board_over_one_mebibyte_is_refused_naming_it(tmp_path: Path) -> None:
    huge = sample_board("servescale-huge", description="x" * CONFIGMAP_MAX_BYTES)
    with pytest.raises(
        BoardTooLargeError, match=r"board 'servescale-huge' is \d+ bytes .* 1048576-byte \(1 MiB\)"
    ):
        write_configmaps([sample_board("servescale-serving"), huge], tmp_path / "out", namespace="m")
    assert not (tmp_path / "out").exists()


def test_board_just_under_the_limit_is_accepted() -> None:
    board = sample_board("servescale-big", description="")
    padding = CONFIGMAP_MAX_BYTES - len(board.to_json().encode())
    fitting = sample_board("servescale-big", description="x" * padding)
    assert len(fitting.to_json().encode()) == CONFIGMAP_MAX_BYTES
    assert board_configmaps([fitting], namespace="m")
    over = sample_board("servescale-big", description="x" * (padding + 1))
    with pytest.raises(BoardTooLargeError):
        board_configmaps([over], namespace="m")


def test_multibyte_characters_count_as_bytes() -> None:
    board = sample_board("servescale-big", description="")
    padding = CONFIGMAP_MAX_BYTES - len(board.to_json().encode())
    euro = sample_board("servescale-big", description="€" * (padding // 3 + 1))  # 3 bytes each in UTF-8
    assert len(euro.to_json()) < CONFIGMAP_MAX_BYTES
    with pytest.raises(BoardTooLargeError):
        board_configmaps([euro], namespace="m")


@pytest.mark.parametrize(
    ("uid", "namespace", "message"),
    [
        pytest.param("Serving_Board", "m", "not a valid ConfigMap name", id="uid-not-a-name"),
        pytest.param("servescale-serving", "Monitoring", "not a valid Kubernetes namespace", id="namespace"),
    ],
)
def test_invalid_names_are_refused(uid: str, namespace: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        board_configmaps([sample_board(uid)], namespace=namespace)


def test_configmaps_of_the_generated_boards_are_valid_kubernetes_objects() -> None:
    boards = build_boards(BoardInputs())
    configmaps = board_configmaps(boards, namespace="monitoring")
    assert [c["metadata"]["name"] for c in configmaps] == [f"{b.uid}-dashboard" for b in boards]
    for configmap in configmaps:
        kubernetes_validate.validate(configmap, "1.33", strict=True)


def test_an_invalid_configmap_fails_the_kubernetes_schema() -> None:
    [configmap] = board_configmaps([sample_board("servescale-serving")], namespace="monitoring")
    configmap["data"]["servescale-serving.json"] = {"not": "a string"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(configmap, "1.33", strict=True)
