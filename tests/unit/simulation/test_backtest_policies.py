"""``backtest --policies``: the recorded demand replayed through each policy on the scenario's model;
a history with a gap is refused rather than filled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from rich.console import Console

from autoscaler.sandbox.scenario import load_scenario
from autoscaler.simulation.history_query import HistoryQuery
from autoscaler.simulation.hpa_file import load_hpa_file
from autoscaler.simulation.policies import Policy
from autoscaler.simulation.prometheus_history import HistoryGrid
from metrics_adapter.catalogue import default_catalogue
from metrics_adapter.promql import Selector
from servescale.commands.policies import backtest_policies, recorded_demand

EXAMPLES = Path(__file__).parents[3] / "examples"
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday, before the morning ramp


class RecordedHistory:
    """Stands in for Prometheus: the gpu-week scenario's demand, as a request-rate history."""

    def __init__(self, *, gap_at: datetime | None = None) -> None:
        scenario = load_scenario(EXAMPLES / "scenarios" / "gpu-week.yaml")
        self.load = scenario.deployments[0].load
        self.gap_at = gap_at
        self.queries: list[str] = []

    def series(self, query: HistoryQuery, grid: HistoryGrid) -> np.ndarray:
        self.queries.append(query.promql)
        times = np.array([(grid.start - START).total_seconds()]) + grid.seconds + 6 * 3600.0
        values = np.array([self.load.rate_at(t) for t in times.tolist()])
        if self.gap_at is not None:
            at = (self.gap_at - START).total_seconds() + 6 * 3600.0
            values[np.abs(times - at) < 600] = np.nan
        return values


def run(history: RecordedHistory, out: Path) -> None:
    backtest_policies(
        history,
        catalogue=default_catalogue(),
        scenario=load_scenario(EXAMPLES / "scenarios" / "gpu-week.yaml"),
        hpas=load_hpa_file(EXAMPLES / "hpa" / "gpu-week-hpa.yaml"),
        grid=HistoryGrid(START, START + timedelta(hours=5), timedelta(seconds=15)),
        policies=(Policy.REACTIVE, Policy.PREDICTIVE, Policy.FIXED),
        latency_objective_ms=2500.0,
        out=out,
        console=Console(width=200),
    )


def test_recorded_demand_through_each_policy(tmp_path: Path) -> None:
    history = RecordedHistory()
    run(history, tmp_path)
    assert 'destination_workload="llama"' in history.queries[0]
    table = pd.read_csv(tmp_path / "policies.csv").set_index("policy")
    assert list(table.index) == ["reactive", "predictive", "fixed"]
    # The morning ramp of the recorded Monday: the forecast leads it, the reactive HPA lags.
    assert table.loc["reactive", "slo_violating_minutes"] > 5
    assert (
        table.loc["predictive", "slo_violating_minutes"]
        < 0.5 * table.loc["reactive", "slo_violating_minutes"]
    )
    assert table.loc["fixed", "scale_events"] == 0


def test_a_gap_in_the_history_is_refused(tmp_path: Path) -> None:
    with pytest.raises(typer.Exit) as exited:
        run(RecordedHistory(gap_at=START - timedelta(days=3)), tmp_path)
    assert exited.value.exit_code == 2
    assert not (tmp_path / "policies.csv").exists()


def test_recorded_demand_puts_t0_at_the_start_of_the_window() -> None:
    history = RecordedHistory()
    load = recorded_demand(
        history,
        HistoryQuery(Selector("q"), "sum", additive=True),
        start=START,
        end=START + timedelta(hours=1),
        history_seconds=86_400.0,
        step_seconds=60.0,
    )
    assert load.times[0] == pytest.approx(-86_400.0)
    assert load.times[-1] == pytest.approx(3600.0)
    assert load.rate_at(0.0) == pytest.approx(history.load.rate_at(6 * 3600.0))
