"""HttpPrometheusClient over httpx.MockTransport: requests sent, results parsed, errors translated."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from metrics_adapter.promql import (
    Duration,
    HttpPrometheusClient,
    InstantVector,
    Labels,
    PrometheusConfig,
    PrometheusError,
    PrometheusQueryError,
    PrometheusResponseError,
    PrometheusTimeoutError,
    PrometheusUnavailableError,
    RequestMethod,
    Scalar,
    Selector,
    eq,
    rate,
    sum_by,
)

Handler = Callable[[httpx.Request], httpx.Response]
BASE = "http://prometheus.test:9090"


def _success(data: Any, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"status": "success", "data": data, **extra})


def _vector(*items: dict[str, Any]) -> httpx.Response:
    return _success({"resultType": "vector", "result": list(items)})


class Recorder:
    def __init__(self, response: httpx.Response | Handler) -> None:
        self.requests: list[httpx.Request] = []
        self._response = response

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self._response, httpx.Response):
            return self._response
        return self._response(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def params(self) -> list[tuple[str, str]]:
        request = self.last
        if request.method == "POST":
            return parse_qsl(request.content.decode(), keep_blank_values=True)
        return list(request.url.params.multi_items())


def _client(recorder: Recorder, **config: Any) -> HttpPrometheusClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return HttpPrometheusClient(PrometheusConfig(config.pop("base_url", BASE), **config), http_client=http)


async def test_query_sends_get_with_rendered_expr_time_and_timeout() -> None:
    recorder = Recorder(_vector())
    expr = sum_by(rate(Selector("req_total", (eq("job", 'a"b'),)), Duration(120)), "pod")
    async with _client(recorder, timeout_seconds=7.5) as client:
        await client.query(expr, at=datetime(2024, 1, 1, tzinfo=UTC))
    assert recorder.last.method == "GET"
    assert recorder.last.url.path == "/api/v1/query"
    assert recorder.params() == [("query", expr.render()), ("time", "1704067200.0"), ("timeout", "7.5")]


async def test_path_prefix_is_kept() -> None:
    recorder = Recorder(_vector())
    async with _client(recorder, base_url="https://mimir.test/prometheus/") as client:
        await client.query("up")
    assert str(recorder.last.url).startswith("https://mimir.test/prometheus/api/v1/query?")


@pytest.mark.parametrize(
    ("method", "query_length", "expected"),
    [
        pytest.param(RequestMethod.AUTO, 100, "GET", id="auto-short"),
        pytest.param(RequestMethod.AUTO, 3000, "POST", id="auto-long"),
        pytest.param(RequestMethod.GET, 3000, "GET", id="always-get"),
        pytest.param(RequestMethod.POST, 10, "POST", id="always-post"),
    ],
)
async def test_get_or_post(method: RequestMethod, query_length: int, expected: str) -> None:
    recorder = Recorder(_vector())
    query = "up{job=" + '"' + "x" * query_length + '"}'
    async with _client(recorder, method=method) as client:
        await client.query(query)
    assert recorder.last.method == expected
    assert dict(recorder.params())["query"] == query
    if expected == "POST":
        assert recorder.last.headers["content-type"] == "application/x-www-form-urlencoded"


async def test_post_threshold_counts_encoded_bytes() -> None:
    recorder = Recorder(_vector())
    async with _client(recorder, post_threshold_bytes=40) as client:
        await client.query("a")
        assert recorder.last.method == "GET"
        await client.query('{a="é{}"}')  # 9 characters, far more once percent-encoded
        assert recorder.last.method == "POST"


async def test_headers_tenant_bearer_and_extra() -> None:
    recorder = Recorder(_vector())
    config = {"tenant": "team-a", "bearer_token": "s3cret", "headers": (("X-Extra", "1"),)}
    async with _client(recorder, **config) as client:
        await client.query("up")
    headers = recorder.last.headers
    assert headers["x-scope-orgid"] == "team-a"
    assert headers["authorization"] == "Bearer s3cret"
    assert headers["x-extra"] == "1"
    assert headers["accept"] == "application/json"


async def test_tenant_header_name_is_configurable_and_absent_by_default() -> None:
    recorder = Recorder(_vector())
    async with _client(recorder, tenant="t", tenant_header="X-Tenant") as client:
        await client.query("up")
    assert recorder.last.headers["x-tenant"] == "t"
    assert "x-scope-orgid" not in recorder.last.headers
    async with _client(recorder) as client:
        await client.query("up")
    assert "x-scope-orgid" not in recorder.last.headers
    assert "authorization" not in recorder.last.headers


def test_bearer_token_is_not_in_repr() -> None:
    assert "s3cret" not in repr(PrometheusConfig(BASE, bearer_token="s3cret"))


async def test_vector_values_nan_inf_and_timestamps_are_kept() -> None:
    recorder = Recorder(
        _vector(
            {"metric": {"pod": "a"}, "value": [1700000000.123, "0.5"]},
            {"metric": {"pod": "b"}, "value": [1700000001, "NaN"]},
            {"metric": {"pod": "c"}, "value": [1700000002, "+Inf"]},
            {"metric": {"pod": "d"}, "value": [1700000003, "-Inf"]},
        )
    )
    async with _client(recorder) as client:
        result = await client.query("x")
    assert isinstance(result, InstantVector)
    by_pod = result.by_label("pod")
    assert by_pod["a"].value == 0.5
    assert by_pod["a"].timestamp == 1700000000.123
    assert math.isnan(by_pod["b"].value)
    assert by_pod["c"].value == math.inf
    assert by_pod["d"].value == -math.inf
    assert result.nan_count == 1


async def test_empty_vector_is_a_result_not_an_error() -> None:
    async with _client(Recorder(_vector())) as client:
        result = await client.query("x")
    assert result == InstantVector()


async def test_scalar_and_warnings() -> None:
    recorder = Recorder(_success({"resultType": "scalar", "result": [1700000000, "NaN"]}, warnings=["w1"]))
    async with _client(recorder) as client:
        result = await client.query("scalar(x)")
    assert isinstance(result, Scalar)
    assert result.timestamp == 1700000000
    assert result.is_nan
    assert result.warnings == ("w1",)


async def test_native_histograms_are_kept_apart() -> None:
    histogram = {"count": "10", "sum": "3.5", "buckets": [[0, "0.5", "1", "4"], [0, "1", "2", "6"]]}
    recorder = Recorder(
        _vector(
            {"metric": {"pod": "a"}, "histogram": [1700000000, histogram]},
            {"metric": {"pod": "b"}, "value": [1700000000, "1"]},
        )
    )
    async with _client(recorder) as client:
        result = await client.query("x")
    assert isinstance(result, InstantVector)
    assert [s.labels["pod"] for s in result] == ["b"]
    (native,) = result.histograms
    assert (native.labels, native.count, native.sum) == (Labels(pod="a"), 10.0, 3.5)
    assert [(b.lower, b.upper, b.count) for b in native.buckets] == [(0.5, 1.0, 4.0), (1.0, 2.0, 6.0)]


async def test_query_range_parameters_and_matrix() -> None:
    recorder = Recorder(
        _success(
            {
                "resultType": "matrix",
                "result": [{"metric": {"pod": "a"}, "values": [[100, "1"], [115.5, "NaN"]]}],
            }
        )
    )
    start = datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    async with _client(recorder) as client:
        result = await client.query_range("x", start=start, end=1704067260, step=Duration(15))
    assert recorder.last.url.path == "/api/v1/query_range"
    params = dict(recorder.params())
    assert (params["start"], params["end"], params["step"]) == ("1704067200.0", "1704067260.0", "15.0")
    (series,) = result.series
    assert series.timestamps == (100.0, 115.5)
    assert series.values[0] == 1.0
    assert math.isnan(series.values[1])


async def test_series_sends_every_selector() -> None:
    recorder = Recorder(_success([{"__name__": "up", "job": "a"}, {"__name__": "up", "job": "b"}]))
    async with _client(recorder) as client:
        result = await client.series(Selector("up"), 'up{job="a"}', start=10, end=20)
    assert recorder.last.url.path == "/api/v1/series"
    assert recorder.params() == [
        ("match[]", "up"),
        ("match[]", 'up{job="a"}'),
        ("start", "10.0"),
        ("end", "20.0"),
    ]
    assert result == [Labels(__name__="up", job="a"), Labels(__name__="up", job="b")]


def _raise(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


def _error(status: int, error_type: str, error: str) -> httpx.Response:
    return httpx.Response(status, json={"status": "error", "errorType": error_type, "error": error})


@pytest.mark.parametrize(
    ("response", "error", "error_type"),
    [
        pytest.param(
            _raise(httpx.ConnectError("refused")), PrometheusUnavailableError, None, id="connect-refused"
        ),
        pytest.param(_raise(httpx.ReadTimeout("slow")), PrometheusTimeoutError, None, id="client-timeout"),
        pytest.param(
            _raise(httpx.RemoteProtocolError("eof")), PrometheusUnavailableError, None, id="protocol"
        ),
        pytest.param(
            httpx.Response(503, text="Service Unavailable"), PrometheusUnavailableError, None, id="not-ready"
        ),
        pytest.param(
            _error(503, "timeout", "query timed out"), PrometheusTimeoutError, None, id="query-timeout"
        ),
        pytest.param(_error(503, "canceled", "canceled"), PrometheusUnavailableError, None, id="canceled"),
        pytest.param(_error(500, "internal", "boom"), PrometheusUnavailableError, None, id="internal"),
        pytest.param(
            httpx.Response(502, text="bad gateway"), PrometheusUnavailableError, None, id="bad-gateway"
        ),
        pytest.param(
            httpx.Response(429, text="slow down"), PrometheusUnavailableError, None, id="rate-limited"
        ),
        pytest.param(_error(400, "bad_data", "parse error"), PrometheusQueryError, "bad_data", id="bad-data"),
        pytest.param(
            _error(422, "execution", "bad regex"), PrometheusQueryError, "execution", id="execution"
        ),
        pytest.param(httpx.Response(401, text="no"), PrometheusQueryError, "http_401", id="unauthorized"),
        pytest.param(
            _error(200, "bad_data", "odd"), PrometheusQueryError, "bad_data", id="error-status-with-200"
        ),
        pytest.param(httpx.Response(200, text="<html>"), PrometheusResponseError, None, id="not-json"),
        pytest.param(httpx.Response(200, json={"data": 1}), PrometheusResponseError, None, id="no-status"),
        pytest.param(
            _success({"resultType": "vector", "result": [{"metric": {}, "value": [1, 2]}]}),
            PrometheusResponseError,
            None,
            id="value-not-string",
        ),
        pytest.param(
            _success({"resultType": "vector", "result": [{"metric": {}, "value": [1, "abc"]}]}),
            PrometheusResponseError,
            None,
            id="value-not-number",
        ),
        pytest.param(_vector({"metric": {}}), PrometheusResponseError, None, id="no-value"),
        pytest.param(
            _success({"resultType": "string", "result": [1, "a"]}), PrometheusResponseError, None, id="string"
        ),
        pytest.param(
            _success({"resultType": "matrix", "result": []}), PrometheusResponseError, None, id="matrix"
        ),
        pytest.param(
            httpx.Response(302, headers={"Location": "/"}), PrometheusResponseError, None, id="redirect"
        ),
    ],
)
async def test_error_translation(
    response: httpx.Response | Handler, error: type[PrometheusError], error_type: str | None
) -> None:
    async with _client(Recorder(response)) as client:
        with pytest.raises(error) as caught:
            await client.query("up")
    assert type(caught.value) is error
    assert caught.value.query == "up"
    if error_type is not None:
        assert isinstance(caught.value, PrometheusQueryError)
        assert caught.value.error_type == error_type


async def test_query_error_keeps_prometheus_text_and_status() -> None:
    async with _client(Recorder(_error(400, "bad_data", "1:5: parse error"))) as client:
        with pytest.raises(PrometheusQueryError) as caught:
            await client.query("foo{")
    assert caught.value.message == "1:5: parse error"
    assert caught.value.status_code == 400


async def test_transport_errors_are_chained() -> None:
    upstream = httpx.ConnectError("refused")
    async with _client(Recorder(_raise(upstream))) as client:
        with pytest.raises(PrometheusUnavailableError) as caught:
            await client.query("up")
    assert caught.value.__cause__ is upstream


async def test_malformed_json_is_chained() -> None:
    async with _client(Recorder(httpx.Response(200, content=b"{not json"))) as client:
        with pytest.raises(PrometheusResponseError) as caught:
            await client.query("up")
    assert caught.value.__cause__ is not None
    assert caught.value.status_code == 200


async def test_timeout_is_a_kind_of_unavailable() -> None:
    async with _client(Recorder(_raise(httpx.ConnectTimeout("slow")))) as client:
        with pytest.raises(PrometheusUnavailableError):
            await client.query("up")


async def test_injected_client_is_not_closed_but_owned_one_is() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(_vector())))
    async with HttpPrometheusClient(PrometheusConfig(BASE), http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()
    owned = HttpPrometheusClient(PrometheusConfig(BASE))
    await owned.aclose()
    assert owned._http.is_closed


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda c: c.query("  "), ValueError, id="empty-query"),
        pytest.param(lambda c: c.query("up", at=datetime(2024, 1, 1)), ValueError, id="naive-datetime"),
        pytest.param(
            lambda c: c.query_range("up", start=10, end=5, step=1), ValueError, id="end-before-start"
        ),
        pytest.param(lambda c: c.query_range("up", start=1, end=5, step=0), ValueError, id="zero-step"),
        pytest.param(lambda c: c.series(), ValueError, id="series-without-selector"),
    ],
)
async def test_invalid_arguments_send_nothing(
    call: Callable[[HttpPrometheusClient], Any], error: type[Exception]
) -> None:
    recorder = Recorder(_vector())
    async with _client(recorder) as client:
        with pytest.raises(error):
            await call(client)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param({"base_url": "prometheus:9090"}, "base_url", id="no-scheme"),
        pytest.param({"base_url": "http://p:9090/?x=1"}, "base_url", id="query-in-url"),
        pytest.param({"base_url": BASE, "timeout_seconds": 0}, "timeout_seconds", id="zero-timeout"),
        pytest.param({"base_url": BASE, "tenant": "a\nb"}, "line break", id="header-injection"),
        pytest.param(
            {"base_url": BASE, "bearer_token": "t", "headers": (("Authorization", "x"),)},
            "set twice: authorization",
            id="auth-twice",
        ),
        pytest.param({"base_url": BASE, "method": "put"}, "RequestMethod", id="unknown-method"),
    ],
)
def test_invalid_config(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrometheusConfig(**config)


@pytest.mark.parametrize(
    ("retry_after", "quiet_for"),
    [
        pytest.param("2", 2.0, id="seconds"),
        pytest.param("Thu, 01 Jan 1970 00:16:43 GMT", 3.0, id="http-date"),
        pytest.param("3600", 5.0, id="capped"),
        pytest.param(None, 0.0, id="absent"),
    ],
)
async def test_429_silences_the_client_for_retry_after(retry_after: str | None, quiet_for: float) -> None:
    now = [1000.0]
    headers = {"Retry-After": retry_after} if retry_after else {}
    responses = [httpx.Response(429, text="slow down", headers=headers), _vector()]
    recorder = Recorder(lambda request: responses.pop(0) if len(responses) > 1 else responses[0])
    client = HttpPrometheusClient(
        PrometheusConfig(BASE, max_retry_after_seconds=5),
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder)),
        clock=lambda: now[0],
    )
    with pytest.raises(PrometheusUnavailableError, match="HTTP 429"):
        await client.query("up")
    if quiet_for:
        now[0] += quiet_for - 0.1
        with pytest.raises(PrometheusUnavailableError, match="rate-limited") as caught:
            await client.query("up")
        assert caught.value.status_code == 429
        assert len(recorder.requests) == 1, "nothing sent while Retry-After runs"
        now[0] += 0.1
    assert isinstance(await client.query("up"), InstantVector)
    assert len(recorder.requests) == 2
