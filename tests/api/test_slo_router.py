"""``/slo/v1/status`` through the ASGI app: cached and fresh evaluations, 404/400/503 as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from metrics_adapter.promql import Duration, PrometheusUnavailableError
from slo.evaluation import BatchSettings, CachedStatus, SLOEvaluator
from slo.router import create_slo_router
from slo.sli import event_queries
from slo.spec import load_slos
from tests.unit.slo.test_slo_eval_fake import TablePrometheus

NOW = datetime(2026, 10, 11, 12, tzinfo=UTC)
SPEC = """
slos:
  - name: availability
    service: llama
    objective: 99
    window: {rolling: 30d}
    sli: {kind: availability, namespace: ml, workload: llama}
  - name: latency
    service: llama
    objective: 99
    window: {rolling: 30d}
    sli: {kind: latency, namespace: ml, workload: llama, thresholdMs: 1000}
"""


@pytest.fixture
def prometheus() -> TablePrometheus:
    fake = TablePrometheus()
    availability = event_queries(load_slos(SPEC)[0])
    fake.set(availability.numerator(Duration.days(30)), 25.0)
    fake.set(availability.total(Duration.days(30)), 1000.0)
    return fake


def client_for(prometheus: TablePrometheus) -> httpx.AsyncClient:
    evaluator = SLOEvaluator(load_slos(SPEC), prometheus, settings=BatchSettings(batch_size=20))
    app = FastAPI()
    app.include_router(create_slo_router(CachedStatus(evaluator, clock=lambda: NOW)))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_list_reports_every_slo(prometheus: TablePrometheus) -> None:
    async with client_for(prometheus) as client:
        response = await client.get("/slo/v1/status")
    assert response.status_code == 200
    body = response.json()
    assert [slo["name"] for slo in body["slos"]] == ["availability", "latency"]
    availability = body["slos"][0]["measurement"]
    assert availability["sli"] == pytest.approx(0.975)
    assert availability["errorBudget"]["remaining"] == pytest.approx(1 - 2.5)
    assert availability["policy"]["state"] == "exhausted"
    assert body["slos"][1]["measurement"]["sli"] is None  # no latency data: not measured, not 0


async def test_latest_evaluation_is_reused(prometheus: TablePrometheus) -> None:
    async with client_for(prometheus) as client:
        await client.get("/slo/v1/status")
        sent = len(prometheus.queries)
        await client.get("/slo/v1/status")
        await client.get("/slo/v1/status/availability")
    assert len(prometheus.queries) == sent


async def test_one_slo_by_name_and_by_id(prometheus: TablePrometheus) -> None:
    async with client_for(prometheus) as client:
        by_name = await client.get("/slo/v1/status/availability")
        by_id = await client.get("/slo/v1/status/llama-latency")
    assert by_name.status_code == 200
    assert by_name.json()["sloId"] == "llama-availability"
    assert by_id.json()["name"] == "latency"


async def test_unknown_slo_is_a_json_404(prometheus: TablePrometheus) -> None:
    async with client_for(prometheus) as client:
        response = await client.get("/slo/v1/status/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "no SLO named 'nope'"}
    assert not prometheus.queries


async def test_at_evaluates_at_that_instant(prometheus: TablePrometheus) -> None:
    async with client_for(prometheus) as client:
        response = await client.get("/slo/v1/status", params={"at": "2026-09-01T00:00:00Z"})
    assert response.status_code == 200
    assert response.json()["at"].startswith("2026-09-01T00:00:00")
    assert {query.at for query in prometheus.queries} == {datetime(2026, 9, 1, tzinfo=UTC).timestamp()}


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        pytest.param("/slo/v1/status", {"at": "2026-09-01T00:00:00"}, 400, id="naive-instant"),
        pytest.param("/slo/v1/status/availability", {}, 503, id="prometheus-down"),
    ],
)
async def test_errors_are_json(
    prometheus: TablePrometheus, path: str, params: dict[str, str], status: int
) -> None:
    prometheus.fail_with(PrometheusUnavailableError("connection refused"))
    async with client_for(prometheus) as client:
        response = await client.get(path, params=params)
    assert response.status_code == status
    assert "detail" in response.json()
