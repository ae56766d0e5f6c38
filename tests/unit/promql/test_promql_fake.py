"""FakePrometheus on its own, and the client contract run against both the fake and the HTTP client."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from metrics_adapter.promql import (
    Duration,
    FakePrometheus,
    HttpPrometheusClient,
    InstantVector,
    Labels,
    Matrix,
    PrometheusClient,
    PrometheusConfig,
    PrometheusQueryError,
    PrometheusUnavailableError,
    RangeSeries,
    RecordedQuery,
    Sample,
    Scalar,
    Selector,
    UnexpectedQueryError,
    eq,
    rate,
    sum_by,
)

UP = Selector("up", (eq("job", "api"),))
REQS = sum_by(rate(Selector("req_total"), Duration(60)), "pod")


def _vector(*values: tuple[str, float]) -> InstantVector:
    return InstantVector(tuple(Sample(Labels(pod=pod), 100.0, value) for pod, value in values))


async def test_answers_by_rendered_expression_and_records_queries() -> None:
    fake = FakePrometheus()
    fake.on_query(REQS, _vector(("a", 1.0)))
    fake.on_query('up{job="api"}', Scalar(5.0, 1.0))
    assert await fake.query(REQS.render(), at=50) == _vector(("a", 1.0))
    assert await fake.query(UP) == Scalar(5.0, 1.0)
    assert await fake.query(REQS) == _vector(("a", 1.0))
    assert [q.expr for q in fake.queries] == [REQS.render(), 'up{job="api"}', REQS.render()]
    assert fake.queries[0] == RecordedQuery("query", REQS.render(), at=50.0)
    assert fake.count(REQS) == 2
    assert fake.count(UP) == 1


async def test_strict_fake_refuses_unprogrammed_queries_but_records_them() -> None:
    fake = FakePrometheus()
    with pytest.raises(UnexpectedQueryError, match="up"):
        await fake.query("up")
    with pytest.raises(UnexpectedQueryError):
        await fake.query_range("up", start=0, end=10, step=5)
    with pytest.raises(UnexpectedQueryError):
        await fake.series("up")
    assert [q.kind for q in fake.queries] == ["query", "query_range", "series"]


async def test_lenient_fake_returns_empty_results() -> None:
    fake = FakePrometheus(strict=False)
    assert await fake.query("up") == InstantVector()
    assert await fake.query_range("up", start=0, end=10, step=5) == Matrix()
    assert await fake.series("up") == []


async def test_callable_responses_see_the_recorded_query() -> None:
    fake = FakePrometheus()
    fake.on_query_range(UP, lambda q: Matrix((RangeSeries(Labels(), (q.start or 0.0,), (q.step or 0.0,)),)))
    fake.on_any_query(lambda q: Scalar(q.at or 0.0, float(len(q.expr))))
    matrix = await fake.query_range(UP, start=10, end=20, step=Duration(5))
    assert matrix.series[0].timestamps == (10.0,)
    assert matrix.series[0].values == (5.0,)
    assert await fake.query("abc", at=3) == Scalar(3.0, 3.0)


async def test_programmed_and_global_errors() -> None:
    fake = FakePrometheus()
    refused = PrometheusQueryError("parse error", error_type="bad_data")
    fake.on_query("bad{", refused)
    fake.on_series([UP, "x"], [Labels(job="api")])
    with pytest.raises(PrometheusQueryError) as caught:
        await fake.query("bad{")
    assert caught.value is refused
    assert await fake.series(UP, "x", start=1) == [Labels(job="api")]
    assert fake.queries[-1].selectors == ('up{job="api"}', "x")
    fake.fail_with(PrometheusUnavailableError("down"))
    with pytest.raises(PrometheusUnavailableError):
        await fake.series(UP, "x")
    fake.fail_with(None)
    assert await fake.series(UP, "x") == [Labels(job="api")]
    assert len(fake.queries) == 4


async def test_fake_validates_arguments_like_the_real_client() -> None:
    fake = FakePrometheus(strict=False)
    with pytest.raises(ValueError, match="step"):
        await fake.query_range("up", start=0, end=1, step=-1)
    with pytest.raises(ValueError, match="selector"):
        await fake.series()
    assert fake.queries == []


# The same contract, run against the fake and against the HTTP client on a mock transport.


@dataclass
class Backend:
    client: PrometheusClient
    serve: Callable[[str, list[tuple[dict[str, str], float, float]]], None]
    refuse: Callable[[str], None]
    go_down: Callable[[], None]


def _fake_backend() -> Backend:
    fake = FakePrometheus()

    def serve(expr: str, rows: list[tuple[dict[str, str], float, float]]) -> None:
        fake.on_query(expr, InstantVector(tuple(Sample(Labels(m), ts, v) for m, ts, v in rows)))

    def refuse(expr: str) -> None:
        fake.on_query(expr, PrometheusQueryError("bad", error_type="bad_data", query=expr))

    def go_down() -> None:
        fake.fail_with(PrometheusUnavailableError("down"))

    return Backend(fake, serve, refuse, go_down)


def _http_backend() -> Backend:
    answers: dict[str, httpx.Response] = {}
    down = False

    def handler(request: httpx.Request) -> httpx.Response:
        if down:
            raise httpx.ConnectError("refused")
        params = dict(request.url.params) or dict(parse_qsl(request.content.decode()))
        return answers[params["query"]]

    def serve(expr: str, rows: list[tuple[dict[str, str], float, float]]) -> None:
        result: list[dict[str, Any]] = [{"metric": m, "value": [ts, _go_float(v)]} for m, ts, v in rows]
        answers[expr] = httpx.Response(
            200, json={"status": "success", "data": {"resultType": "vector", "result": result}}
        )

    def refuse(expr: str) -> None:
        answers[expr] = httpx.Response(400, json={"status": "error", "errorType": "bad_data", "error": "bad"})

    def go_down() -> None:
        nonlocal down
        down = True

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = HttpPrometheusClient(PrometheusConfig("http://prometheus.test"), http_client=http)
    return Backend(client, serve, refuse, go_down)


def _go_float(value: float) -> str:
    """A sample value as Prometheus writes it."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


@pytest.fixture(params=[pytest.param(_fake_backend, id="fake"), pytest.param(_http_backend, id="http")])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    made: Backend = request.param()
    yield made
    if isinstance(made.client, HttpPrometheusClient):
        await made.client.aclose()


async def test_contract_values_timestamps_and_nan(backend: Backend) -> None:
    backend.serve(REQS.render(), [({"pod": "a"}, 100.25, 1.5), ({"pod": "b"}, 100.25, math.nan)])
    result = await backend.client.query(REQS)
    assert isinstance(result, InstantVector)
    assert [(s.labels, s.timestamp) for s in result] == [(Labels(pod="a"), 100.25), (Labels(pod="b"), 100.25)]
    assert result.by_label("pod")["a"].value == 1.5
    assert result.nan_count == 1


async def test_contract_empty_is_empty_vector(backend: Backend) -> None:
    backend.serve("absent_metric", [])
    assert await backend.client.query("absent_metric") == InstantVector()


async def test_contract_refused_query(backend: Backend) -> None:
    backend.refuse("bad{")
    with pytest.raises(PrometheusQueryError) as caught:
        await backend.client.query("bad{")
    assert caught.value.error_type == "bad_data"


async def test_contract_unavailable(backend: Backend) -> None:
    backend.serve("up", [])
    backend.go_down()
    with pytest.raises(PrometheusUnavailableError):
        await backend.client.query("up")
