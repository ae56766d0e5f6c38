"""The recommendation's history without Prometheus: rate-window override, unfilled windows, gaps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
import pytest
from prometheus_api_client import PrometheusConnect

from autoscaler.simulation.prometheus_history import HistoryGrid, PrometheusHistory
from autoscaler.simulation.recommend_history import fetch_load_latency, unfilled_rate_windows
from metrics_adapter.catalogue import default_catalogue
from metrics_adapter.promql import Duration

START = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
GRID = HistoryGrid(START, START + timedelta(minutes=1), timedelta(seconds=5))
NAN = np.nan
FIFTEEN_SECONDS = Duration(15)

Values = Callable[[float], float | None]


class RangeAnswers:
    """Answers ``custom_query_range`` from a function of the offset from ``START`` per series name."""

    def __init__(self, series: dict[str, Values]) -> None:
        self.series = series
        self.calls: list[tuple[str, datetime]] = []

    def custom_query_range(
        self, promql: str, *, start_time: datetime, end_time: datetime, step: str
    ) -> list[dict[str, Any]]:
        self.calls.append((promql, start_time))
        values = next(function for name, function in self.series.items() if name in promql)
        seconds = float(step.removesuffix("s"))
        samples, t = [], start_time.timestamp()
        while t <= end_time.timestamp() + 1e-9:
            value = values(t - START.timestamp())
            if value is not None:
                samples.append([t, str(value)])
            t += seconds
        return [{"metric": {"destination_workload": "llama"}, "values": samples}] if samples else []


def answers(load_from: float, *, ready: float = 2.0) -> RangeAnswers:
    return RangeAnswers(
        {
            "istio_request_duration_milliseconds_bucket": lambda t: 200.0 + t,
            "istio_requests_total": lambda t: 4.0 + t / 10 if t >= load_from else None,
            "kube_deployment_status_replicas_ready": lambda t: ready,
        }
    )


def fetch(prometheus: RangeAnswers, *, rate_window: Duration | None = FIFTEEN_SECONDS) -> Any:
    history = PrometheusHistory("http://unused", connect=cast(PrometheusConnect, prometheus))
    return fetch_load_latency(
        history, default_catalogue(), GRID, namespace="ml", deployment="llama",
        metric="istio_requests_per_second", percentile=95, rate_window=rate_window,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "step", "window", "expected"),
    [
        pytest.param([NAN, 1, 2, 3, NAN, 4, 5, 6], 1.0, 2.0, [1, 2, 5, 6], id="appears-and-reappears"),
        pytest.param([1, 2, 3, 4], 1.0, 2.0, [], id="present-from-the-start"),
        pytest.param([NAN, NAN, 1, 2, 3, 4, 5], 1.0, 2.5, [2, 3, 4], id="window-not-a-multiple-of-step"),
        pytest.param([NAN, 1, NAN, NAN, NAN], 1.0, 3.0, [1], id="missing-points-stay-unmarked"),
        pytest.param([NAN, 1, 2, 3, 4], 15.0, 60.0, [1, 2, 3, 4], id="window-longer-than-history"),
    ],
)
def test_unfilled_windows_follow_each_appearance(
    values: list[float], step: float, window: float, expected: list[int]
) -> None:
    unfilled = unfilled_rate_windows(np.array(values, dtype=float), step_seconds=step, window_seconds=window)
    assert np.flatnonzero(unfilled).tolist() == expected


def test_the_rate_window_replaces_the_catalogues_and_the_load_is_read_a_window_early() -> None:
    prometheus = answers(load_from=-60.0)
    history = fetch(prometheus)
    load_query, load_start = next(call for call in prometheus.calls if "istio_requests_total" in call[0])
    latency_query = next(query for query, _ in prometheus.calls if "bucket" in query)
    for query in (load_query, latency_query):
        assert "[15s]" in query
        assert "[1m]" not in query
    assert load_start == START - timedelta(seconds=15)
    assert not history.unfilled_window.any()
    assert history.usable.all()
    np.testing.assert_allclose(history.per_pod_load, (4.0 + GRID.seconds / 10) / 2)


def test_without_a_rate_window_the_catalogues_applies() -> None:
    prometheus = answers(load_from=-120.0)
    fetch(prometheus, rate_window=None)
    load_query, load_start = next(call for call in prometheus.calls if "istio_requests_total" in call[0])
    assert "[1m]" in load_query
    assert load_start == START - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("load_from", "unfilled"),
    [
        pytest.param(20.0, [4, 5, 6], id="load-begins-inside-the-grid"),
        pytest.param(0.0, [0, 1, 2], id="load-begins-at-the-grid-start"),
        pytest.param(-10.0, [0], id="load-begins-inside-the-lead"),
        pytest.param(-15.0, [], id="load-older-than-the-window"),
    ],
)
def test_points_whose_rate_window_predates_the_load_are_left_out(
    load_from: float, unfilled: list[int]
) -> None:
    history = fetch(answers(load_from=load_from))
    assert np.flatnonzero(history.unfilled_window).tolist() == unfilled
    assert not history.usable[unfilled].any()
    assert np.isnan(history.settled_total_load[unfilled]).all()
    present = np.isfinite(history.total_load)
    assert history.usable.tolist() == (present & ~history.unfilled_window).tolist()


def test_describe_counts_each_reason_a_point_is_left_out() -> None:
    history = fetch(answers(load_from=20.0))
    assert history.describe() == (
        "6 of 13 grid points usable (4 with no load value, 3 with a load rate window not yet filled)"
    )
    idle = fetch(answers(load_from=-60.0, ready=0.0))
    assert idle.describe() == "0 of 13 grid points usable (13 with no ready replica)"
