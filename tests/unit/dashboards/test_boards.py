"""The five boards: valid against Grafana's schema, clean under our lint, shaped by the user's config,
byte-identical for the same input and equal to the reviewed golden files.

Regenerate the goldens after an intended change with
``SERVESCALE_UPDATE_GOLDEN=1 pytest tests/unit/dashboards`` and review the diff under
``tests/golden/dashboards/``.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from dashboards import Board, BoardInputs, build_boards, iter_panels, iter_targets, parse_gpu_prices
from dashboards.lint import known_metrics, lint_board
from metrics_adapter.catalogue import default_catalogue, load_config, parse_config
from slo.spec import load_slo_file

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden" / "dashboards"
SCHEMA = json.loads((ROOT / "tests" / "data" / "grafana" / "dashboard.schema.json").read_text())
UPDATE = os.environ.get("SERVESCALE_UPDATE_GOLDEN") == "1"
UIDS = [
    "servescale-serving",
    "servescale-gpu-fleet",
    "servescale-autoscaling",
    "servescale-slos",
    "servescale-gpu-cost",
]


def example_inputs() -> BoardInputs:
    return BoardInputs(
        catalogue=load_config(ROOT / "examples" / "config" / "servescale.yaml"),
        slos=tuple(load_slo_file(ROOT / "examples" / "slos" / "llama.yaml")),
        gpu_prices={"A100": Decimal("2.9"), "H100": Decimal("4.5")},
    )


@pytest.fixture(scope="module")
def boards() -> list[Board]:
    return build_boards(example_inputs())


def by_uid(boards: list[Board], uid: str) -> Board:
    return next(board for board in boards if board.uid == uid)


def test_the_five_boards_in_order(boards: list[Board]) -> None:
    assert [board.uid for board in boards] == UIDS


@pytest.mark.parametrize("uid", UIDS)
def test_board_validates_against_grafana_schema(boards: list[Board], uid: str) -> None:
    validator = jsonschema.Draft7Validator(SCHEMA)
    errors = [error.message for error in validator.iter_errors(by_uid(boards, uid).model)]
    assert errors == []


@pytest.mark.parametrize("uid", UIDS)
def test_board_passes_the_lint(boards: list[Board], uid: str) -> None:
    issues = lint_board(by_uid(boards, uid), known_metrics(example_inputs().catalogue))
    assert [str(issue) for issue in issues] == []


@pytest.mark.parametrize("uid", UIDS)
def test_board_matches_golden(boards: list[Board], uid: str) -> None:
    board = by_uid(boards, uid)
    path = GOLDEN / board.file_name
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(board.to_json(), encoding="utf-8")
    assert board.to_json() == path.read_text(encoding="utf-8")


def test_same_input_gives_the_same_bytes() -> None:
    first = [board.to_json() for board in build_boards(example_inputs())]
    second = [board.to_json() for board in build_boards(example_inputs())]
    assert first == second


@pytest.mark.parametrize("uid", UIDS)
def test_panel_ids_are_unique_and_every_panel_has_unit_and_description(boards: list[Board], uid: str) -> None:
    model = by_uid(boards, uid).model
    ids = [panel["id"] for panel in model["panels"]]
    assert len(ids) == len(set(ids)), "ids of rows and panels are unique"
    for panel in iter_panels(model):
        assert panel["description"].strip()
        assert panel["fieldConfig"]["defaults"]["unit"]
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


def test_every_rate_uses_rate_interval_or_range(boards: list[Board]) -> None:
    for board in boards:
        for _, target in iter_targets(board.model):
            if "rate(" in target["expr"] or "increase(" in target["expr"]:
                assert "$__rate_interval" in target["expr"] or "$__range" in target["expr"], target["expr"]


def _variables(board: Board) -> list[str]:
    return [variable["name"] for variable in board.model["templating"]["list"]]


def test_template_variables(boards: list[Board]) -> None:
    assert _variables(by_uid(boards, "servescale-serving")) == ["datasource", "namespace", "workload"]
    assert _variables(by_uid(boards, "servescale-autoscaling")) == [
        "datasource",
        "namespace",
        "hpa",
        "workload",
    ]
    assert _variables(by_uid(boards, "servescale-slos")) == ["datasource", "service"]


def test_serving_rows_repeat_per_model_and_link_to_autoscaling_and_slos(boards: list[Board]) -> None:
    model = by_uid(boards, "servescale-serving").model
    [row] = [panel for panel in model["panels"] if panel["type"] == "row"]
    assert row["repeat"] == "workload"
    links = {link["url"] for panel in iter_panels(model) for link in panel.get("links", [])}
    assert any(url.startswith("/d/servescale-autoscaling?") and "var-hpa=${workload}" in url for url in links)
    assert any(url.startswith("/d/servescale-slos?") for url in links)
    for board in boards:
        assert board.model["links"][0]["tags"] == ["servescale"], "every board links to the others by tag"


def test_slo_board_has_a_row_per_slo_with_its_tier_windows(boards: list[Board]) -> None:
    model = by_uid(boards, "servescale-slos").model
    rows = [panel["title"] for panel in model["panels"] if panel["type"] == "row"]
    assert rows == [f"llama / {slo.name}" for slo in example_inputs().slos]
    burn = [
        target["legendFormat"]
        for panel, target in iter_targets(model)
        if panel["title"] == "Burn rate per alert window" and 'slo="llama-availability"' in target["expr"]
    ]
    assert burn == ["5m", "30m", "1h", "2h", "6h", "1d", "3d"], "the Workbook tiers' long and short windows"


def test_only_presets_switched_on_appear() -> None:
    istio_only = parse_config(
        yaml.safe_load("presets:\n  istio: {}\n  dcgm: {enabled: false}\n  queues: {enabled: false}\n")
    )
    boards = build_boards(BoardInputs(catalogue=istio_only))
    exprs = " ".join(target["expr"] for board in boards for _, target in iter_targets(board.model))
    assert "istio_requests_total" in exprs
    assert "nv_inference_pending_request_count" not in exprs
    assert "DCGM_FI_DEV_GPU_UTIL{" not in by_uid(boards, "servescale-serving").to_json()
    assert by_uid(boards, "servescale-gpu-fleet").model.get("panels", []) == [], (
        "no DCGM preset, no fleet rows"
    )


def test_custom_metrics_of_the_config_appear_on_the_autoscaling_board() -> None:
    config = yaml.safe_load(
        "metrics:\n"
        "  - name: llm_tokens_per_second\n"
        "    description: Tokens generated per second.\n"
        "    unit: 1/s\n"
        "    value: {kind: rate, series: 'vllm:generation_tokens_total'}\n"
        "    resources:\n"
        "      pods: {}\n"
        "      deployments.apps: {fromPods: sum}\n"
    )
    boards = build_boards(BoardInputs(catalogue=parse_config(config)))
    autoscaling = by_uid(boards, "servescale-autoscaling")
    panel = next(p for p in iter_panels(autoscaling.model) if p["title"] == "llm_tokens_per_second")
    assert panel["fieldConfig"]["defaults"]["unit"] == "reqps"
    assert "vllm:generation_tokens_total" in panel["targets"][0]["expr"]
    assert 'metric_name="llm_tokens_per_second"' in panel["targets"][1]["expr"]
    issues = lint_board(autoscaling, known_metrics(parse_config(config)))
    assert [str(issue) for issue in issues] == []


def test_cost_panel_only_with_prices() -> None:
    without = by_uid(build_boards(BoardInputs()), "servescale-gpu-cost")
    assert not any(p["title"].startswith("Cost") for p in iter_panels(without.model))
    priced = by_uid(build_boards(BoardInputs(gpu_prices={"A100": Decimal("2.9")})), "servescale-gpu-cost")
    [cost] = [p for p in iter_panels(priced.model) if p["title"].startswith("Cost")]
    assert 'modelName=~"(?i).*A100.*"' in cost["targets"][0]["expr"]
    assert "* 2.9" in cost["targets"][0]["expr"]


def _broken(board: Board, change: str) -> Board:
    model: dict[str, Any] = copy.deepcopy(board.model)
    panel = next(iter_panels(model))
    target = panel["targets"][0]
    if change == "unit":
        panel["fieldConfig"]["defaults"].pop("unit")
    elif change == "description":
        panel["description"] = ""
    elif change == "datasource":
        panel["datasource"] = {"type": "prometheus", "uid": "prom-1"}
    elif change == "fixed-window":
        target["expr"] = 'sum(rate(istio_requests_total{reporter="destination"}[5m]))'
    elif change == "bare-counter":
        target["expr"] = 'sum(istio_requests_total{reporter="destination"})'
    elif change == "unknown-metric":
        target["expr"] = "sum(rate(no_such_metric_total[$__rate_interval]))"
    elif change == "syntax":
        target["expr"] = "sum(rate(istio_requests_total[$__rate_interval])"
    return Board(board.uid, board.title, model)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        pytest.param("unit", "panel-units-rule", id="no-unit"),
        pytest.param("description", "panel-title-description-rule", id="no-description"),
        pytest.param("datasource", "panel-datasource-rule", id="fixed-datasource"),
        pytest.param("fixed-window", "target-rate-interval-rule", id="fixed-rate-window"),
        pytest.param("bare-counter", "target-counter-agg-rule", id="counter-without-rate"),
        pytest.param("unknown-metric", "target-metric-rule", id="unknown-metric"),
        pytest.param("syntax", "target-promql-rule", id="broken-promql"),
    ],
)
def test_lint_catches(boards: list[Board], change: str, rule: str) -> None:
    broken = _broken(by_uid(boards, "servescale-serving"), change)
    assert rule in {issue.rule for issue in lint_board(broken, known_metrics(default_catalogue()))}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("A100", "write MODEL=PRICE", id="no-equals"),
        pytest.param("A100=cheap", "is not a number", id="not-a-number"),
        pytest.param("A100=-1", ">= 0", id="negative"),
        pytest.param("A100=1,A100=2", "given twice", id="twice"),
    ],
)
def test_gpu_price_errors_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_gpu_prices(text)


def test_gpu_prices_parse() -> None:
    assert parse_gpu_prices("A100=2.9, H100=4.5") == {"A100": Decimal("2.9"), "H100": Decimal("4.5")}
