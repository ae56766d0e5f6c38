"""``explain`` on a predictive HPA: says whether the forecast or the reactive metric won."""

from __future__ import annotations

import pytest
from hpa_builders import NOW, NS, hpa, pods_metric, run

from autoscaler.forecast import FORECAST_METRIC
from autoscaler.hpa.metrics.static_reader import CustomMetricValue, ExternalMetricValue, StaticMetricsReader
from autoscaler.hpa.spec.horizontal_pod_autoscaler import MetricSpec, MetricTarget
from autoscaler.hpa.status.explain import explain
from metrics_adapter.kube import LabelSelector

LABELS = {"namespace": NS, "deployment": "llama", "horizon": "195s"}


def forecast_metric() -> MetricSpec:
    return MetricSpec(
        type="External",
        name=FORECAST_METRIC,
        target=MetricTarget(type="AverageValue", average_value_milli=10000),
        metric_selector=LabelSelector.from_labels({"deployment": "llama", "horizon": "195s"}),
    )


def reader(per_pod_qps: int, forecast: int | None) -> StaticMetricsReader:
    custom = {
        "qps": tuple(
            CustomMetricValue("Pod", f"test-pod-{i}", per_pod_qps, NOW, namespace=NS) for i in range(4)
        )
    }
    external = {} if forecast is None else {FORECAST_METRIC: (ExternalMetricValue(forecast, NOW, LABELS),)}
    return StaticMetricsReader(custom_metrics=custom, external_metrics=external)


@pytest.mark.parametrize(
    ("qps", "forecast", "expected"),
    [
        pytest.param(
            10000, 80000, "the forecast won: 8 replicas for the load expected in 195s, against 4", id="ramp"
        ),
        pytest.param(
            20000, 40000, "the reactive metric won: 8 replicas for the current load, against 4", id="spike"
        ),
        pytest.param(10000, 40000, "the forecast and the reactive metric(s) agree on 4 replicas", id="agree"),
        pytest.param(10000, None, "no forecast value, so the reactive metric(s) decide", id="no-forecast"),
    ],
)
def test_explain_names_the_winning_side(qps: int, forecast: int | None, expected: str) -> None:
    target = hpa(pods_metric(), forecast_metric())
    result = run(target, current=4, metrics=reader(qps, forecast))
    text = "\n".join(explain(result, target))
    assert f"Predictive: {expected}" in text


def test_no_predictive_line_without_the_forecast_metric() -> None:
    target = hpa(pods_metric())
    result = run(target, current=4, metrics=reader(20000, None))
    assert not any(line.startswith("Predictive") for line in explain(result, target))
