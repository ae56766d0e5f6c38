"""Backtest and recommendation fetching against the sandbox scraped by a real Prometheus."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from autoscaler.simulation.prometheus_history import HistoryGrid, PrometheusHistory
from autoscaler.simulation.recommend_history import fetch_load_latency
from metrics_adapter.catalogue import default_catalogue
from servescale.commands import simulate
from servescale.demo.stack import DemoStack

pytestmark = pytest.mark.integration

LLAMA_HPA = Path(__file__).parents[2] / "examples" / "hpa" / "llama-hpa.yaml"


def wait_for_elapsed(stack: DemoStack, seconds: float) -> None:
    while httpx.get(f"{stack.sandbox.url}/truth", timeout=5).json()["elapsedSeconds"] < seconds:
        time.sleep(0.5)


def test_history_follows_the_load_step_and_backtest_compares_replicas(
    stack: DemoStack, tmp_path: Path
) -> None:
    wait_for_elapsed(stack, 34)
    end = datetime.now(UTC)
    grid = HistoryGrid(end - timedelta(seconds=30), end, timedelta(seconds=2))
    history = fetch_load_latency(
        PrometheusHistory(stack.prometheus.url),
        default_catalogue(),
        grid,
        namespace="ml",
        deployment="llama",
        metric="istio_requests_per_second",
        percentile=95,
    )
    load = history.total_load[np.isfinite(history.total_load)]
    assert load.size > 5
    # The series are younger than the 1m rate window, so rate() grows with the counter: by about
    # 8/60 per second before the step at 20 s and 32/60 after it.
    slopes = np.diff(load)
    assert (slopes >= 0).all()
    assert np.mean(slopes[-3:]) > 2 * np.median(slopes[: slopes.size // 2])
    assert np.nanmax(history.ready_replicas) == 2  # nothing scales the fleet in this module
    assert np.nanmax(history.per_pod_load) == pytest.approx(load.max() / 2, rel=0.01)
    latency = history.latency_ms[np.isfinite(history.latency_ms)]
    assert latency.size > 5
    assert 100 < latency.min() < 60_000
    assert latency[-1] > 2 * latency[0]  # 2 pods of 12 rps capacity cannot absorb 32 rps

    app = typer.Typer()
    simulate.register(app)
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--prometheus-url", stack.prometheus.url,
            "--hpa", str(LLAMA_HPA),
            "--from", grid.start.isoformat(), "--to", grid.end.isoformat(),
            "--step", "2s",
            "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "backtest.csv")
    assert set(frame["actual_replicas"].dropna()) == {2.0}
    # The backtest replays the same PromQL at the same instants as the recommendation's fetch.
    np.testing.assert_allclose(frame["metric_value"].to_numpy(), history.total_load, rtol=1e-9)
    # At most ~3.4 rps per pod against a target of 8: the replayed HPA stays at its minimum of 2.
    assert set(frame["simulated_replicas"]) == {2}
    assert (tmp_path / "backtest.png").exists()
