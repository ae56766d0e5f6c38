"""The forecast metric through the metrics API: External and Object on the Deployment, 404 with no value."""

from __future__ import annotations

import math
from collections.abc import Callable

import httpx
import numpy as np
import pytest
from prometheus_client import CollectorRegistry

from autoscaler.forecast import FORECAST_METRIC, ForecastSettings, NoForecast
from autoscaler.forecast.service import ForecastService, ForecastTarget
from metrics_adapter.api import create_metrics_api
from metrics_adapter.promql import (
    Duration,
    Labels,
    Matrix,
    PrometheusUnavailableError,
    RangeSeries,
    Selector,
    aggregate,
    eq,
)
from metrics_adapter.promql import rate as rate_of
from metrics_adapter.promql.fake import FakePrometheus, RecordedQuery
from metrics_adapter.provider import StaticProvider
from metrics_adapter.self_metrics import AdapterMetrics
from servescale.forecast_provider import ForecastingProvider

NOW = 1_700_000_000.0
SEASON = 600.0
SETTINGS = ForecastSettings(step=10.0, seasons=(SEASON,), max_age=30.0, evaluation=SEASON)
QUERY = 'sum(rate(requests{deployment="llama"}[10s]))'
QUERY_EXPR = aggregate("sum", rate_of(Selector("requests", (eq("deployment", "llama"),)), Duration(10)))
TARGET = ForecastTarget("ml", "llama", 195.0)
EXTERNAL = f"/apis/external.metrics.k8s.io/v1beta1/namespaces/ml/{FORECAST_METRIC}"
OBJECT = f"/apis/custom.metrics.k8s.io/v1beta2/namespaces/ml/deployments.apps/llama/{FORECAST_METRIC}"


def rate(t: float) -> float:
    return 20.0 + 10.0 * math.sin(2 * math.pi * t / SEASON)


def history(since: float) -> Callable[[RecordedQuery], Matrix]:
    def answer(query: RecordedQuery) -> Matrix:
        assert query.start is not None
        assert query.end is not None
        assert query.step is not None
        times = np.arange(max(query.start, since), query.end + 1e-9, query.step)
        return Matrix((RangeSeries(Labels(), tuple(times.tolist()), tuple(rate(t) for t in times.tolist())),))

    return answer


async def service_with(prometheus: FakePrometheus) -> ForecastService:
    service = ForecastService(
        [TARGET, ForecastTarget("ml", "resnet", 195.0)],
        client=prometheus,
        history_query=lambda target: (
            QUERY_EXPR if target.deployment == "llama" else Selector("absent_series")
        ),
        settings=SETTINGS,
        refit_seconds=30.0,
        clock=lambda: NOW,
    )
    await service.refit()
    return service


def client(service: ForecastService) -> httpx.AsyncClient:
    app = create_metrics_api(
        ForecastingProvider(StaticProvider(), service), metrics=AdapterMetrics(CollectorRegistry())
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://adapter")


async def test_forecast_served_as_external_and_object_metric() -> None:
    prometheus = FakePrometheus(strict=False)
    prometheus.on_query_range(QUERY, history(NOW - 3 * SEASON))
    service = await service_with(prometheus)
    async with client(service) as http:
        external = (await http.get(EXTERNAL, params={"labelSelector": "deployment=llama"})).json()
        obj = (await http.get(OBJECT)).json()
        other = await http.get(EXTERNAL, params={"labelSelector": "deployment=resnet"})
    (item,) = external["items"]
    assert item["metricLabels"] == {"namespace": "ml", "deployment": "llama", "horizon": "195s"}
    value = (
        float(item["value"].removesuffix("m")) / 1000 if item["value"].endswith("m") else float(item["value"])
    )
    assert value == pytest.approx(rate(NOW + 195.0), abs=1.0)
    (described,) = obj["items"]
    assert described["describedObject"] == {
        "kind": "Deployment",
        "namespace": "ml",
        "name": "llama",
        "apiVersion": "apps/v1",
    }
    assert described["value"] == item["value"]
    # resnet's history is empty: no value and a 404, never a 0.
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("since", "failure", "reason"),
    [
        pytest.param(NOW - 1.5 * SEASON, None, "short history", id="short-history"),
        pytest.param(
            NOW - 3 * SEASON,
            PrometheusUnavailableError("connection refused"),
            "history unavailable",
            id="down",
        ),
    ],
)
async def test_no_forecast_is_a_404_with_the_reason(
    since: float, failure: PrometheusUnavailableError | None, reason: str
) -> None:
    prometheus = FakePrometheus(strict=False)
    prometheus.on_query_range(QUERY, history(since))
    prometheus.fail_with(failure)
    service = await service_with(prometheus)
    async with client(service) as http:
        external = await http.get(EXTERNAL, params={"labelSelector": "deployment=llama"})
        obj = await http.get(OBJECT)
    assert external.status_code == 404
    assert obj.status_code == 404
    answer = service.reading(TARGET)
    assert isinstance(answer, NoForecast)
    assert reason in answer.reason


async def test_discovery_lists_the_forecast() -> None:
    prometheus = FakePrometheus(strict=False)
    service = await service_with(prometheus)
    async with client(service) as http:
        custom = (await http.get("/apis/custom.metrics.k8s.io/v1beta2")).json()
        external = (await http.get("/apis/external.metrics.k8s.io/v1beta1")).json()
    assert f"deployments.apps/{FORECAST_METRIC}" in {r["name"] for r in custom["resources"]}
    assert FORECAST_METRIC in {r["name"] for r in external["resources"]}
