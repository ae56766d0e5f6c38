"""Reading a board as Grafana does (variables, repeated rows, filled queries) and drawing its preview."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from dashboards import BoardInputs, build_boards
from dashboards.board import Board
from dashboards.live import PanelResult, PlacedPanel, TimeRange, Variable, fill, layout, resolve_variables
from dashboards.preview import PanelView, draw_board, format_value, read_board, write_preview
from metrics_adapter.promql import FakePrometheus, InstantVector, Labels, Matrix, RangeSeries, Sample

WINDOW = TimeRange(1_700_000_000.0, 1_700_000_600.0, rate_interval_seconds=15)


def serving() -> Board:
    return next(b for b in build_boards(BoardInputs()) if b.uid == "servescale-serving")


@pytest.mark.parametrize(
    ("expr", "variables", "expected"),
    [
        pytest.param("rate(x[$__rate_interval])", {}, "rate(x[15s])", id="rate-interval"),
        pytest.param(
            "avg_over_time(x[$__range:]) * $__range_s", {}, "avg_over_time(x[600s:]) * 600", id="range"
        ),
        pytest.param(
            'x{ns="$namespace"}', {"namespace": Variable("namespace", ("ml",))}, 'x{ns="ml"}', id="single"
        ),
        pytest.param(
            'x{node=~"$node"}',
            {"node": Variable("node", ("gpu-node-0", "a.b"), multi=True)},
            'x{node=~"(gpu-node-0|a\\.b)"}',
            id="multi-regex-escaped",
        ),
        pytest.param('x{ns="${namespace}"}', {}, 'x{ns="x"}', id="unknown-variable"),
    ],
)
def test_fill_sets_grafana_variables(expr: str, variables: dict[str, Variable], expected: str) -> None:
    assert fill(expr, variables, WINDOW) == expected


def _series(*values: str, label: str) -> list[Labels]:
    return [Labels({label: value, "__name__": "m"}) for value in values]


def test_variables_resolve_in_order_from_the_series_api_first_value_or_all() -> None:
    fake = FakePrometheus()
    fake.on_series(["kube_deployment_spec_replicas"], _series("ml", "batch", label="namespace"))
    fake.on_series(
        ['kube_deployment_spec_replicas{namespace="batch"}'], _series("resnet", "llama", label="deployment")
    )
    variables = asyncio.run(resolve_variables(serving().model, fake, WINDOW))
    assert variables["namespace"] == Variable("namespace", ("batch",), False, ("batch", "ml"))
    assert variables["workload"].values == ("llama", "resnet")
    assert variables["workload"].multi
    chosen = asyncio.run(resolve_variables(serving().model, fake, WINDOW, chosen={"namespace": "nope"}))
    assert chosen["namespace"].values == ("batch",), "a choice Prometheus does not have is ignored"


def test_a_repeated_row_is_laid_out_once_per_value_below_each_other() -> None:
    variables = {
        "namespace": Variable("namespace", ("ml",)),
        "workload": Variable("workload", ("llama", "resnet"), multi=True),
    }
    placed = layout(serving().model, variables)
    rows = [p for p in placed if p.is_row]
    assert [r.title for r in rows] == ["llama", "resnet"]
    height = rows[1].y - rows[0].y
    assert height == max(p.y + p.height for p in placed if p.variables["workload"].values == ("llama",))
    rates = [p for p in placed if p.panel["title"] == "Request rate"]
    assert [p.variables["workload"].values for p in rates] == [("llama",), ("resnet",)]
    assert rates[1].y - rates[0].y == height
    (expr, legend), *_ = rates[1].queries(WINDOW)
    assert 'destination_workload="resnet"' in expr
    assert "[15s]" in expr
    assert legend == "requests/s"


def test_a_row_repeated_over_no_value_disappears() -> None:
    variables = {"namespace": Variable("namespace", ()), "workload": Variable("workload", (), multi=True)}
    assert layout(serving().model, variables) == []


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        pytest.param(0.0312, "percentunit", "3.12 %", id="ratio-as-percent"),
        pytest.param(12.345, "reqps", "12.3 req/s", id="reqps"),
        pytest.param(13352.4, "currencyUSD", "13,352 USD", id="thousands"),
        pytest.param(5, "short", "5", id="short"),
        pytest.param(float("nan"), "ms", "nan", id="nan-shown-as-is"),
    ],
)
def test_format_value(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_preview_is_drawn_from_the_query_results_and_written_as_png(tmp_path: Path) -> None:
    fake = FakePrometheus(strict=False)
    fake.on_series(["kube_deployment_spec_replicas"], _series("ml", label="namespace"))
    fake.on_series(['kube_deployment_spec_replicas{namespace="ml"}'], _series("llama", label="deployment"))
    series = RangeSeries(Labels({"pod": "p"}), (WINDOW.start, WINDOW.end), (1.0, 2.0))
    fake.on_any_query(lambda _: InstantVector((Sample(Labels({"pod": "p"}), WINDOW.end, 2.0),)))
    board = serving()
    views = asyncio.run(read_board(board, fake, WINDOW))
    panels = [v for v in views if v.results is not None]
    assert panels
    assert all(len(v.results or ()) == len(v.placed.panel["targets"]) for v in panels)
    ranged = [q for q in fake.queries if q.kind == "query_range"]
    assert ranged
    assert all(q.start == WINDOW.start and q.end == WINDOW.end for q in ranged)
    views_with_lines = [
        PanelView(
            v.placed, [r.__class__(r.expr, r.legend, r.instant, Matrix((series,))) for r in v.results or ()]
        )
        if v.results is not None
        else v
        for v in views
    ]
    path = write_preview(board, views_with_lines, WINDOW, tmp_path)
    assert path == tmp_path / "servescale-serving.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_results_are_drawn_as_no_data_not_as_zero() -> None:
    empty = InstantVector()
    stat = PlacedPanel(_panel("stat"), 0, 0, 6, 8, {})
    lines = PlacedPanel(_panel("timeseries"), 6, 0, 6, 8, {})
    result = PanelResult("x", "", empty, Matrix())
    figure = draw_board(serving(), [PanelView(stat, [result]), PanelView(lines, [result])], WINDOW)
    texts = [[t.get_text() for t in ax.texts] for ax in figure.axes]
    assert texts == [["No data"], ["No data"]]


def test_latest_values_are_shown_in_the_panel_unit() -> None:
    stat = PlacedPanel(_panel("stat", unit="percentunit"), 0, 0, 6, 8, {})
    sample = Sample(Labels({"namespace": "ml"}), WINDOW.end, 0.25)
    result = PanelResult("x", "{{namespace}}", InstantVector((sample,)), Matrix())
    figure = draw_board(serving(), [PanelView(stat, [result])], WINDOW)
    assert [t.get_text() for t in figure.axes[0].texts] == ["25 %", "ml"]


def _panel(kind: str, unit: str = "short") -> dict[str, Any]:
    return {"type": kind, "title": "t", "fieldConfig": {"defaults": {"unit": unit}}, "targets": []}
