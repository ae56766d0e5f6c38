"""Every panel of every board, run by a real Prometheus against the sandbox, the adapter and our rules.

The stack (``servescale.demo.boards_stack``): the sandbox fleet of ``examples/scenarios/dashboards.yaml``
and the metrics adapter, both scraped every second by a real Prometheus that evaluates the rendered
rules of ``examples/slos/sandbox.yaml``; the adapter is asked for the HPAs' metrics every second.
After the stack has run for a while, each board's variables are resolved from Prometheus as Grafana
resolves them (``label_values`` over the range; a multi-value variable keeps all its values, a row
repeated over one is laid out once per value), and every query of every panel, with the variables
filled in and ``$__rate_interval`` at 15 s, runs as an instant query and as a range query: it must
parse and return data for at least one choice of the board's single-value variables (each HPA on the
autoscaling board). The few panels that cannot show data here are listed with the reason.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from autoscaler.sandbox import load_scenario
from dashboards import BoardInputs, build_boards, parse_gpu_prices
from dashboards.board import Board
from dashboards.live import PlacedPanel, TimeRange, Variable, layout, resolve_variables
from metrics_adapter.promql import HttpPrometheusClient, InstantVector, PrometheusConfig, PrometheusError
from servescale.demo.boards_stack import BoardsStack, running_boards_stack
from slo.spec import load_slos

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180), pytest.mark.long(seconds=75)]

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "examples/scenarios/dashboards.yaml"
SLOS = ROOT / "examples/slos/sandbox.yaml"
RUN_SECONDS = 45
RATE_INTERVAL_SECONDS = 15

NO_DATA_HERE = {
    ("servescale-autoscaling", "kafka_consumergroup_lag"): "the sandbox runs no Kafka exporter",
    ("servescale-autoscaling", "Values left out by reason"): (
        "counts only once the adapter answers an object without a value; the healthy sandbox has none"
    ),
}
"""``(board uid, panel title)`` -> why that panel has no data on a healthy sandbox."""
TARGET_QUERY = re.compile(
    r'kube_horizontalpodautoscaler_spec_target_metric\{[^}]*metric_name="(?P<metric>[^"]+)"'
)


def inputs() -> BoardInputs:
    slos = load_slos(SLOS.read_text(encoding="utf-8"))
    return BoardInputs(slos=slos, gpu_prices=parse_gpu_prices("A100=2.9"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardsStack]:
    slos = load_slos(SLOS.read_text(encoding="utf-8"))
    with running_boards_stack(
        load_scenario(SCENARIO), slos, workdir=tmp_path_factory.mktemp("boards")
    ) as running:
        yield running


def time_range(stack: BoardsStack, started: float) -> TimeRange:
    return TimeRange(started, time.time(), rate_interval_seconds=RATE_INTERVAL_SECONDS)


async def selections(
    board: Board, client: HttpPrometheusClient, window: TimeRange
) -> list[dict[str, Variable]]:
    """The first-value selection, and one more per other value of each single-value variable."""
    first = await resolve_variables(board.model, client, window)
    chosen = [first]
    for name, variable in first.items():
        if variable.multi:
            continue
        for value in variable.options[1:]:
            chosen.append(await resolve_variables(board.model, client, window, chosen={name: value}))
    return chosen


async def panel_outcomes(
    stack: BoardsStack, window: TimeRange
) -> dict[tuple[str, str, str], list[tuple[str, bool, bool]]]:
    """``(board, panel, query)`` -> ``(filled query, instant has data, range has data)`` per selection."""
    outcomes: dict[tuple[str, str, str], list[tuple[str, bool, bool]]] = {}
    async with HttpPrometheusClient(PrometheusConfig(stack.prometheus.url)) as client:
        for board in build_boards(inputs()):
            for variables in await selections(board, client, window):
                for placed in layout(board.model, variables):
                    if placed.is_row:
                        continue
                    await record(outcomes, client, board, placed, window)
    return outcomes


async def record(
    outcomes: dict[tuple[str, str, str], list[tuple[str, bool, bool]]],
    client: HttpPrometheusClient,
    board: Board,
    placed: PlacedPanel,
    window: TimeRange,
) -> None:
    raw = [str(t["expr"]) for t in placed.panel.get("targets", []) if t.get("expr")]
    for expr_template, (expr, _) in zip(raw, placed.queries(window), strict=True):
        key = (board.uid, str(placed.panel["title"]), expr_template)
        try:
            instant = await client.query(expr, at=window.end)
            series = await client.query_range(expr, start=window.start, end=window.end, step=5)
        except PrometheusError as exc:
            pytest.fail(f"{board.uid} / {placed.panel['title']}: Prometheus refused {expr}: {exc}")
        has_instant = bool(instant.samples) if isinstance(instant, InstantVector) else True
        has_range = any(s.values for s in series.series)
        outcomes.setdefault(key, []).append((expr, has_instant, has_range))


@pytest.fixture(scope="module")
def outcomes(stack: BoardsStack) -> dict[tuple[str, str, str], list[tuple[str, bool, bool]]]:
    started = time.time()
    time.sleep(RUN_SECONDS)
    return asyncio.run(panel_outcomes(stack, time_range(stack, started - 5)))


def scaled_on() -> set[str]:
    """The metrics the scenario's HPAs scale on: only they have an HPA target."""
    return {spec.hpa.metric for spec in load_scenario(SCENARIO).deployments if spec.hpa is not None}


def hpa_target_of(query: str) -> str | None:
    match = TARGET_QUERY.search(query)
    return match["metric"] if match else None


def test_every_panel_query_returns_data_on_the_sandbox(
    outcomes: dict[tuple[str, str, str], list[tuple[str, bool, bool]]],
) -> None:
    boards = {board.uid for board in build_boards(inputs())}
    assert {uid for uid, _, _ in outcomes} == boards, "every board has panels with queries"
    empty, unexpected = [], []
    for (uid, title, query), runs in sorted(outcomes.items()):
        if (uid, title) in NO_DATA_HERE:
            continue
        has_data = any(instant and ranged for _, instant, ranged in runs)
        target = hpa_target_of(query)
        if target is not None and target not in scaled_on():
            # A served metric no HPA scales on has no target: the query must find none.
            if any(instant or ranged for _, instant, ranged in runs):
                unexpected.append(f"{uid} / {title}: {runs[0][0]}")
        elif not has_data:
            empty.append(f"{uid} / {title}: {runs[0][0]}")
    assert not empty, "panels without data:\n" + "\n".join(empty)
    assert not unexpected, "HPA targets for metrics no HPA scales on:\n" + "\n".join(unexpected)
    targets = {hpa_target_of(query) for _, _, query in outcomes} - {None}
    assert scaled_on() <= targets, "each metric an HPA scales on has its target panel"


def test_panels_listed_without_data_still_exist_and_really_have_none(
    outcomes: dict[tuple[str, str, str], list[tuple[str, bool, bool]]],
) -> None:
    assert len(NO_DATA_HERE) <= 3
    for (uid, title), why in NO_DATA_HERE.items():
        runs = [run for (u, t, _), found in outcomes.items() if (u, t) == (uid, title) for run in found]
        assert runs, f"{uid} / {title} ({why}) is no longer on the board: drop it from the list"
        assert not any(instant or ranged for _, instant, ranged in runs), (
            f"{uid} / {title} now shows data: drop it from the list"
        )


def _first_value(body: dict[str, Any]) -> float:
    result = body["data"]["result"]
    assert len(result) == 1, result
    return float(result[0]["value"][1])


def test_serving_request_rate_is_within_15_percent_of_the_truth(stack: BoardsStack) -> None:
    board = next(b for b in build_boards(inputs()) if b.uid == "servescale-serving")
    window = TimeRange(time.time() - 60, time.time(), rate_interval_seconds=RATE_INTERVAL_SECONDS)
    variables = asyncio.run(_resolve(stack, board, window))
    rows = [p for p in layout(board.model, variables) if p.panel.get("title") == "Request rate"]
    assert [p.variables["workload"].values for p in rows] == [("llama",), ("resnet",)]
    for placed in rows:
        model = placed.variables["workload"].values[0]
        ((expr, _),) = placed.queries(window)
        got = _first_value(httpx.get(f"{stack.prometheus.url}/api/v1/query", params={"query": expr}).json())
        truth = httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()["namespaces"]["ml"][model]
        served = sum(pod["responseRps"] for pod in truth["pods"].values())
        assert served > 0
        assert got == pytest.approx(served, rel=0.15), (model, expr)


async def _resolve(stack: BoardsStack, board: Board, window: TimeRange) -> dict[str, Variable]:
    async with HttpPrometheusClient(PrometheusConfig(stack.prometheus.url)) as client:
        return await resolve_variables(board.model, client, window)


def _panel_value(stack: BoardsStack, placed: PlacedPanel, window: TimeRange) -> float:
    ((expr, _),) = placed.queries(window)
    params = {"query": expr, "time": f"{window.end:.3f}"}
    return _first_value(httpx.get(f"{stack.prometheus.url}/api/v1/query", params=params, timeout=10).json())


def test_gpu_cost_is_the_attached_gpu_hours_at_the_price(stack: BoardsStack) -> None:
    """Every sandbox pod requests one GPU and holds one: cost = allocated GPU-hours x 2.9 per hour."""
    board = next(b for b in build_boards(inputs()) if b.uid == "servescale-gpu-cost")
    window = TimeRange(time.time() - 30, time.time(), rate_interval_seconds=RATE_INTERVAL_SECONDS)
    panels = {p.title: p for p in layout(board.model, asyncio.run(_resolve(stack, board, window)))}
    hours = _panel_value(stack, panels["GPU-hours allocated per namespace"], window)
    cost = _panel_value(stack, panels["Cost of attached GPUs per namespace"], window)
    pods = sum(
        len(model["pods"])
        for model in httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()["namespaces"]["ml"].values()
    )
    assert hours == pytest.approx(pods * window.seconds / 3600, rel=0.1)
    assert cost == pytest.approx(hours * 2.9, rel=0.1)


def test_gpu_hours_used_count_every_busy_gpu_mig_instances_included(stack: BoardsStack) -> None:
    """Used GPU-hours over a short range = the busy share of every pod's GPU (whole or MIG) x hours."""
    board = next(b for b in build_boards(inputs()) if b.uid == "servescale-gpu-cost")
    window = TimeRange(time.time() - 10, time.time(), rate_interval_seconds=RATE_INTERVAL_SECONDS)
    panels = {p.title: p for p in layout(board.model, asyncio.run(_resolve(stack, board, window)))}
    used = _panel_value(stack, panels["GPU-hours used per namespace"], window)
    truth = httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()["namespaces"]["ml"]
    busy = sum(pod["gpuUtilPercent"] / 100 for model in truth.values() for pod in model["pods"].values())
    assert {pod.split("-")[0] for model in truth.values() for pod in model["pods"]} == {"llama", "resnet"}
    assert used == pytest.approx(busy * window.seconds / 3600, rel=0.1)


def test_slo_stats_show_one_value_each_and_never_a_negative_time_or_count(stack: BoardsStack) -> None:
    board = next(b for b in build_boards(inputs()) if b.uid == "servescale-slos")
    window = TimeRange(time.time() - 30, time.time(), rate_interval_seconds=RATE_INTERVAL_SECONDS)
    stats = [
        p
        for p in layout(board.model, asyncio.run(_resolve(stack, board, window)))
        if p.panel["type"] == "stat"
    ]
    assert {p.title for p in stats} == {"Error budget remaining", "Time to exhaustion", "Firing SLO alerts"}
    assert len(stats) == 3 * 2, "three stats per SLO"
    for placed in stats:
        value = _panel_value(stack, placed, window)  # exactly one series, or _first_value fails
        if placed.title == "Error budget remaining":
            assert value <= 1
        else:
            assert value >= 0, (placed.title, value)
