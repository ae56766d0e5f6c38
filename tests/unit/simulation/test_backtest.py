"""Backtest pieces without Prometheus: history PromQL, range results on the grid, the comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from autoscaler.hpa import ControllerConfig
from autoscaler.simulation import ReplayKind
from autoscaler.simulation.backtest import run_backtest, summarise_backtest
from autoscaler.simulation.history_query import metric_history_query, replicas_query
from autoscaler.simulation.hpa_file import parse_hpa_documents
from autoscaler.simulation.prometheus_history import HistoryGrid, on_grid, range_frame
from metrics_adapter.catalogue import default_catalogue
from tests.unit.simulation.replay_builders import make_hpa

START = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def pods_hpa(metric: str) -> str:
    return f"""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: llama, namespace: ml}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: llama}}
  maxReplicas: 8
  metrics:
    - type: Pods
      pods: {{metric: {{name: {metric}}}, target: {{type: AverageValue, averageValue: "8"}}}}
"""


@pytest.mark.parametrize(
    ("metric", "kind", "fragments", "pod_filter"),
    [
        pytest.param(
            "istio_requests_per_second",
            ReplayKind.PODS_TOTAL,
            [
                'destination_workload="llama"',
                'destination_workload_namespace="ml"',
                "rate(istio_requests_total",
            ],
            False,
            id="istio-deployment-total",
        ),
        pytest.param(
            "istio_request_duration_p95_ms",
            ReplayKind.PODS_AVERAGE,
            ["histogram_quantile(0.95"],
            False,
            id="latency",
        ),
        pytest.param(
            "inference_queue_depth", ReplayKind.PODS_TOTAL, ['namespace="ml"'], True, id="queue-from-pods"
        ),
        pytest.param(
            "gpu_utilization_percent",
            ReplayKind.PODS_AVERAGE,
            ["DCGM_FI_DEV_GPU_UTIL"],
            True,
            id="gpu-average",
        ),
    ],
)
def test_history_query_is_the_api_query_of_the_workload(
    metric: str, kind: ReplayKind, fragments: list[str], pod_filter: bool
) -> None:
    (hpa,) = parse_hpa_documents(pods_hpa(metric))
    query, found = metric_history_query(hpa, default_catalogue())
    assert found is kind
    for fragment in fragments:
        assert fragment in query.promql
    assert (query.pod_pattern is not None) is pod_filter
    if query.pod_pattern is not None:
        assert query.pod_pattern.match("llama-5d8f7c9b6-x2x9q")
        assert not query.pod_pattern.match("llama-gateway-5d8f7c9b6-x2x9q")


def test_external_history_query_keeps_the_selector() -> None:
    text = pods_hpa("x").replace(
        '- type: Pods\n      pods: {metric: {name: x}, target: {type: AverageValue, averageValue: "8"}}',
        "- type: External\n      external:\n"
        "        metric: {name: rabbitmq_queue_messages_ready, selector: {matchLabels: {queue: jobs}}}\n"
        '        target: {type: AverageValue, averageValue: "8"}',
    )
    (hpa,) = parse_hpa_documents(text)
    query, kind = metric_history_query(hpa, default_catalogue())
    assert kind is ReplayKind.EXTERNAL_AVERAGE
    assert 'queue="jobs"' in query.promql


def test_replicas_query_selects_one_deployment() -> None:
    assert replicas_query("kube_deployment_spec_replicas", namespace="ml", deployment="llama").promql == (
        'kube_deployment_spec_replicas{namespace="ml", deployment="llama"}'
    )


def test_range_results_land_on_the_grid_summed_filtered_and_with_gaps() -> None:
    grid = HistoryGrid(START, START + timedelta(seconds=60), timedelta(seconds=15))
    t0 = START.timestamp()
    data = [
        {"metric": {"pod": "llama-abc12-x1"}, "values": [[t0, "1"], [t0 + 15, "2"], [t0 + 45, "4"]]},
        {"metric": {"pod": "llama-abc12-x2"}, "values": [[t0, "10"], [t0 + 15.2, "NaN"]]},
        {"metric": {"pod": "other-abc12-x3"}, "values": [[t0, "100"]]},
        {"metric": {"pod": "llama-abc12-x1", "servescale_part": "sample_time"}, "values": [[t0, "1e9"]]},
    ]
    frame = range_frame(data)
    (hpa,) = parse_hpa_documents(pods_hpa("inference_queue_depth"))
    query, _ = metric_history_query(hpa, default_catalogue())
    values = on_grid(frame, grid, query=query)
    assert grid.size == 5
    assert np.isnan(values[[2, 4]]).all()
    assert values[[0, 1, 3]].tolist() == [11.0, 2.0, 4.0]


def test_backtest_compares_replayed_and_actual_replicas() -> None:
    hpa = make_hpa(ReplayKind.PODS_TOTAL, target_milli=10_000, min_replicas=2, max_replicas=10)
    metric = np.array([20.0] * 4 + [60.0] * 4 + [np.nan] * 2)
    actual = np.full(metric.size, 5.0)
    frame, engine = run_backtest(
        hpa,
        kind=ReplayKind.PODS_TOTAL,
        metric=metric,
        actual_replicas=actual,
        actual_spec_replicas=actual,
        step=timedelta(seconds=15),
        config=ControllerConfig(),
    )
    assert engine == "vectorised"
    scalar, _ = run_backtest(
        hpa,
        kind=ReplayKind.PODS_TOTAL,
        metric=metric,
        actual_replicas=actual,
        actual_spec_replicas=actual,
        step=timedelta(seconds=15),
        config=ControllerConfig(),
        engine="scalar",
    )
    assert frame["simulated_replicas"].tolist() == scalar["simulated_replicas"].tolist()
    summary = summarise_backtest(frame, step=timedelta(seconds=15), engine=engine)
    assert summary.missing_metric_steps == 2
    assert summary.gpu_hours_actual == pytest.approx(5 * 10 * 15 / 3600)
    assert summary.gpu_hours_simulated == pytest.approx(frame["simulated_replicas"].sum() * 15 / 3600)
    # Starts from the 5 replicas that ran: 4 rps/pod is below target but the first downscale-stabilisation
    # window (seeded with 5) holds; then 60 rps on 5 pods = 12/pod -> ceil(1.2 * 5) = 6; gaps hold.
    assert frame["simulated_replicas"].tolist() == [5, 5, 5, 5, 6, 6, 6, 6, 6, 6]
