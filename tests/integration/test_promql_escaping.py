"""Escaping against a real Prometheus: rendered PromQL parses and matches exactly the intended value.

(a) For generated strings ``v``, ``label_replace(vector(1), "probe", <v>, "", "")`` run through the
HTTP client returns a label whose value is ``v`` (the answer comes back as JSON, so the check is not
circular). (b) A scraped gauge ``escape_probe{value=...}`` carries a batch of nasty values; each one
is selected by ``value="..."`` and by ``literal_regex`` and by nothing else. Also checked against the
same server: every node type's rendering parses, numbers and durations round-trip, and the HTTP
client's methods, endpoints and error translation behave as documented.
"""

from __future__ import annotations

import math
import random
import threading
import time as clock
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from metrics_adapter.promql import (
    AggregateOp,
    BinaryOp,
    BinOp,
    Duration,
    Expr,
    HttpPrometheusClient,
    InstantVector,
    NumberLiteral,
    PrometheusConfig,
    PrometheusQueryError,
    PrometheusTimeoutError,
    PrometheusUnavailableError,
    RangeSelector,
    RequestMethod,
    Scalar,
    Selector,
    StringLiteral,
    Subquery,
    Unary,
    absent,
    add,
    aggregate,
    and_,
    avg_over_time,
    binary,
    call,
    clamp_min,
    count_by,
    count_over_time,
    div,
    eq,
    escape_replacement,
    histogram_quantile,
    label_join,
    label_replace,
    literal_regex,
    ne,
    or_,
    quantile_over_time,
    rate,
    sub,
    sum_by,
    sum_without,
    time,
    timestamp,
    topk,
    unless,
    vector,
)
from servescale.stack.ports import free_port
from servescale.stack.prometheus import PrometheusServer, ScrapeTarget

pytestmark = pytest.mark.integration

HAND_PICKED = [
    '"',
    "\\",
    "\n",
    "\r\n",
    "\t",
    "}",
    "{",
    '"}',
    "} or vector(1)",
    "or vector(1)",
    ".*",
    ".+",
    "a|b",
    "a",
    "b",
    "(",
    ")",
    "[",
    "]",
    "^$",
    "$1",
    "${x}",
    "\\n",
    '\\"',
    "\\\\",
    "'",
    "`",
    "\x00",
    "\x07\x1b\x7f",
    "\u0085\u2028\u2029",
    "\ufeff",
    "\ufffd",
    "é",
    "e\u0301",
    "日本語",
    "עברית",
    "😀",
    "👩‍👩‍👧",
    "\U0010fffd",
    " ",
    "  leading and trailing  ",
    "",
]

_POOL = (
    [chr(code) for code in range(0x00, 0x80)]
    + list("\u0085\u00a0\u00e9\u0301\u200b\u200d\u2028\u2029\ufeff\ufffd\uffff")
    + ["😀", "\U0001f9ea", "\U000e0001", "\U0010ffff"]
)


def _generated_values(count: int, *, seed: int = 20240611) -> list[str]:
    rng = random.Random(seed)
    values: list[str] = []
    for _ in range(count):
        length = rng.randint(1, 12)
        chars = [
            rng.choice(_POOL) if rng.random() < 0.8 else chr(rng.randint(0x80, 0xD7FF)) for _ in range(length)
        ]
        values.append("".join(chars))
    return values


PROBE_VALUES = list(dict.fromkeys(HAND_PICKED + _generated_values(100)))


class _ProbeCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("escape_probe", "One series per probed label value.", labels=["value"])
        for index, value in enumerate(PROBE_VALUES):
            gauge.add_metric([value], float(index))
        yield gauge


@pytest.fixture(scope="module")
def probe_target() -> Iterator[str]:
    registry = CollectorRegistry()
    registry.register(_ProbeCollector())
    body = generate_latest(registry)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def prometheus_url(probe_target: str) -> Iterator[str]:
    with PrometheusServer(targets=[ScrapeTarget("probe", probe_target)]) as prometheus:
        yield prometheus.url


@pytest.fixture(scope="module")
def scraped(prometheus_url: str) -> str:
    """Wait until every probe series has been scraped; return the Prometheus URL."""
    deadline = clock.monotonic() + 20.0
    query = f"count(escape_probe) == {len(PROBE_VALUES)}"
    while clock.monotonic() < deadline:
        body = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": query}, timeout=2.0).json()
        if body["status"] == "success" and body["data"]["result"]:
            return prometheus_url
        clock.sleep(0.2)
    raise RuntimeError(f"escape_probe not scraped with {len(PROBE_VALUES)} series")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40))
@example(value="\ufffd")
@example(value='\\"\n\r\t\x00\x7f\u0085')
@example(value="$1${x}$$")
@example(value="\U0010ffff😀")
async def test_string_literal_round_trips_through_label_replace(prometheus_url: str, value: str) -> None:
    expr = label_replace(vector(1), "probe", escape_replacement(value), "", "")
    async with HttpPrometheusClient(PrometheusConfig(prometheus_url)) as client:
        result = await client.query(expr)
    assert isinstance(result, InstantVector)
    assert len(result) == 1
    assert result.samples[0].labels.get("probe", "") == value


async def test_every_probe_value_selected_exactly_by_equality_and_literal_regex(scraped: str) -> None:
    async with HttpPrometheusClient(PrometheusConfig(scraped)) as client:
        for index, value in enumerate(PROBE_VALUES):
            for matcher in (eq("value", value), literal_regex("value", [value])):
                result = await client.query(Selector("escape_probe", (matcher,)))
                assert isinstance(result, InstantVector)
                assert [s.labels.get("value", "") for s in result] == [value], matcher.render()
                assert result.samples[0].value == index


async def test_literal_regex_of_several_values_selects_exactly_those(scraped: str) -> None:
    chosen = [".*", "a|b", "(", "\\", '"', "😀", "\n"]
    async with HttpPrometheusClient(PrometheusConfig(scraped)) as client:
        result = await client.query(Selector("escape_probe", (literal_regex("value", chosen),)))
    assert isinstance(result, InstantVector)
    assert sorted(s.labels["value"] for s in result) == sorted(chosen)


@pytest.mark.parametrize(
    "separator",
    [
        pytest.param('"}\\', id="quote-brace-backslash"),
        pytest.param("\n", id="newline"),
        pytest.param("\ufffd", id="replacement-char"),
        pytest.param("$1", id="dollar"),
    ],
)
async def test_label_join_separator_is_taken_literally(scraped: str, separator: str) -> None:
    selector = Selector("escape_probe", (eq("value", "a"),))
    async with HttpPrometheusClient(PrometheusConfig(scraped)) as client:
        result = await client.query(label_join(selector, "joined", separator, "value", "job"))
    assert isinstance(result, InstantVector)
    assert [s.labels["joined"] for s in result] == [f"a{separator}probe"]


def _parse_cases() -> list[Expr]:
    probe = Selector("escape_probe", (eq("value", "a"),))
    return [
        Selector("sum"),
        Selector("NaN", (eq("a", "b"),)),
        Selector(None, (ne("value", ""),)),
        Selector("escape_probe", offset=Duration(90)),
        count_over_time(RangeSelector(Selector("escape_probe", offset=Duration.hours(1)), Duration(30))),
        count_over_time(Subquery(add(probe, 1), Duration(5400), Duration(60))),
        count_over_time(Subquery(Selector("escape_probe", offset=Duration(60)), Duration(600))),
        avg_over_time(Subquery(rate(probe, Duration(60)), Duration(3600), Duration(60))),
        quantile_over_time(0.9, probe, Duration(300)),
        histogram_quantile(0.99, sum_by(rate(Selector("lat_bucket"), Duration(300)), "le", "pod")),
        clamp_min(probe, -1),
        Unary(NumberLiteral(-1)),
        Unary(add(probe, 1)),
        BinaryOp(BinOp.POW, NumberLiteral(-2), NumberLiteral(2)),
        add(probe, -1),
        sub(1, div(probe, probe)),
        binary(">", probe, 0, bool_modifier=True),
        binary("*", probe, probe, on=("value",), group_left=("job",)),
        binary("+", probe, probe, on=(), group_right=()),
        binary("atan2", probe, probe),
        or_(and_(probe, probe), vector(0)),
        unless(probe, probe),
        sum_by(probe),
        count_by(probe, "on", "bool"),
        sum_without(probe, "le", "instance"),
        topk(3, probe, "job"),
        aggregate("quantile", probe, by=("job",), param=0.5),
        aggregate(AggregateOp.COUNT_VALUES, probe, param=StringLiteral("v")),
        label_replace(probe, "svc", "$1", "value", "(.*)\\.svc"),
        call("round", probe, 0.5),
        timestamp(probe),
        absent(probe),
        time(),
    ]


@pytest.mark.parametrize("expr", [pytest.param(expr, id=expr.render()) for expr in _parse_cases()])
async def test_rendered_expressions_parse(prometheus_url: str, expr: Expr) -> None:
    async with HttpPrometheusClient(PrometheusConfig(prometheus_url)) as client:
        await client.query(expr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.floats())
@example(number=-0.0)
@example(number=2.0**60)
@example(number=5e-324)
async def test_number_literal_round_trips(prometheus_url: str, number: float) -> None:
    async with HttpPrometheusClient(PrometheusConfig(prometheus_url)) as client:
        result = await client.query(NumberLiteral(number))
    assert isinstance(result, Scalar)
    assert result.value == number or (math.isnan(number) and result.is_nan)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(milliseconds=st.integers(min_value=1, max_value=400 * 86_400_000))
async def test_durations_parse(prometheus_url: str, milliseconds: int) -> None:
    duration = Duration(milliseconds / 1000)
    async with HttpPrometheusClient(PrometheusConfig(prometheus_url)) as client:
        # A window of d holds one multiple of d, or two when it is closed at both ends (Prometheus 2)
        # and t itself is a multiple: a mis-rendered duration gives another count or a parse error.
        result = await client.query(count_over_time(Subquery(vector(1), duration, duration)))
    assert isinstance(result, InstantVector)
    assert [sample.value for sample in result] in ([1.0], [2.0])


# The HTTP client against the same server: methods, endpoints and error translation.


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"method": RequestMethod.GET}, id="get"),
        pytest.param({"method": RequestMethod.POST}, id="post"),
        pytest.param({"post_threshold_bytes": 0}, id="auto-post"),
    ],
)
async def test_get_and_post_give_the_same_answer(scraped: str, config: dict[str, Any]) -> None:
    expr = Selector("escape_probe", (literal_regex("value", PROBE_VALUES),))
    async with HttpPrometheusClient(PrometheusConfig(scraped, **config)) as client:
        result = await client.query(expr)
    assert isinstance(result, InstantVector)
    assert sorted(s.labels.get("value", "") for s in result) == sorted(PROBE_VALUES)


async def test_series_and_query_range(scraped: str) -> None:
    selector = Selector("escape_probe", (eq("value", "a|b"),))
    now = clock.time()
    async with HttpPrometheusClient(PrometheusConfig(scraped)) as client:
        series = await client.series(selector, start=now - 60, end=now)
        matrix = await client.query_range(selector, start=now - 4, end=now, step=Duration(2))
    assert [labels["value"] for labels in series] == ["a|b"]
    assert series[0].metric_name == "escape_probe"
    (row,) = matrix.series
    assert row.labels["value"] == "a|b"
    assert all(later - earlier == pytest.approx(2.0) for earlier, later in pairwise(row.timestamps))


@pytest.mark.parametrize(
    ("expr", "error_type", "status"),
    [
        pytest.param("escape_probe{", "bad_data", 400, id="parse-error"),
        pytest.param(label_replace(vector(1), "a", "x", "", "["), "execution", 422, id="bad-regex"),
    ],
)
async def test_refused_queries(prometheus_url: str, expr: Expr | str, error_type: str, status: int) -> None:
    async with HttpPrometheusClient(PrometheusConfig(prometheus_url)) as client:
        with pytest.raises(PrometheusQueryError) as caught:
            await client.query(expr)
    assert (caught.value.error_type, caught.value.status_code) == (error_type, status)


async def test_query_timeout(prometheus_url: str) -> None:
    async with HttpPrometheusClient(PrometheusConfig(prometheus_url, timeout_seconds=1e-9)) as client:
        with pytest.raises(PrometheusTimeoutError):
            await client.query(count_over_time(Subquery(vector(1), Duration.days(30), Duration(1))))


async def test_nobody_listening() -> None:
    async with HttpPrometheusClient(PrometheusConfig(f"http://127.0.0.1:{free_port()}")) as client:
        with pytest.raises(PrometheusUnavailableError):
            await client.query("up")
