"""The Prometheus-backed provider: one query per request, pod filtering, no fabricated values."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from prometheus_client import CollectorRegistry

from metrics_adapter.api import create_metrics_api
from metrics_adapter.catalogue import default_catalogue, parse_config
from metrics_adapter.kube import parse_custom_metric_path, parse_external_metric_path
from metrics_adapter.pods import PodIndex, PodInfo
from metrics_adapter.prometheus_provider import PrometheusProvider
from metrics_adapter.promql import (
    FakePrometheus,
    InstantVector,
    Labels,
    PrometheusQueryError,
    PrometheusResponseError,
    PrometheusUnavailableError,
    RecordedQuery,
    Sample,
)
from metrics_adapter.provider import (
    BadMetricRequestError,
    MetricNotFoundError,
    ProviderError,
    UpstreamUnavailableError,
)
from metrics_adapter.self_metrics import AdapterMetrics

NOW = 1_780_000_000.0
V2 = "/apis/custom.metrics.k8s.io/v1beta2"


def pods(n: int, *, app: str = "llama", extra: int = 0) -> PodIndex:
    items = [
        PodInfo("ml", f"{app}-abc-{i:05d}", {"app": app}, workload_kind="Deployment", workload=app)
        for i in range(n)
    ]
    items += [
        PodInfo("ml", f"other-{i}", {"app": "other"}, workload_kind="Deployment", workload="other")
        for i in range(extra)
    ]
    return PodIndex(items)


def per_pod_answer(names: list[str], value: float = 2.5) -> InstantVector:
    return InstantVector(tuple(Sample(Labels(pod=name), NOW, value) for name in names))


def provider(
    fake: FakePrometheus, index: PodIndex, config: dict | None = None, ttl: float = 5.0
) -> PrometheusProvider:  # type: ignore[type-arg]
    catalogue = parse_config(config, source="<test>") if config is not None else default_catalogue()
    return PrometheusProvider(
        catalogue,
        fake,
        pods=index,
        metrics=AdapterMetrics(CollectorRegistry()),
        cache_ttl=ttl,
        clock=lambda: NOW,
    )


def custom(path: str, selector: str | None = None, metric_selector: str | None = None):  # type: ignore[no-untyped-def]
    return parse_custom_metric_path(V2 + path, label_selector=selector, metric_label_selector=metric_selector)


@pytest.mark.parametrize("n_pods", [10, 1000])
async def test_one_query_whose_text_does_not_grow_with_pod_count(n_pods: int) -> None:
    fake = FakePrometheus(strict=False)
    index = pods(n_pods, extra=5)
    names = [p.name for p in index.pods("ml")]
    fake.on_any_query(lambda q: per_pod_answer(names))
    values = await provider(fake, index).get_custom(
        custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama")
    )
    assert len(fake.queries) == 1
    assert fake.queries[0].expr == (
        'sum by (pod) (rate(istio_requests_total{reporter="destination", namespace="ml", pod!=""}[1m]))'
    )
    assert len(values) == n_pods, "pods of other workloads in the result are dropped"
    assert {v.described.name for v in values} == {f"llama-abc-{i:05d}" for i in range(n_pods)}
    assert all(v.value == Decimal("2.5") and v.window_seconds == 60 for v in values)


async def test_vanished_and_missing_pods_are_not_reported_and_nan_is_no_value() -> None:
    fake = FakePrometheus(strict=False)
    answer = InstantVector(
        (
            Sample(Labels(pod="llama-abc-00000"), NOW, 4.0),
            Sample(Labels(pod="llama-abc-00001"), NOW, float("nan")),
            Sample(Labels(pod="llama-gone-zzzzz"), NOW, 9.0),
        )
    )
    fake.on_any_query(lambda q: answer)
    values = await provider(fake, pods(3)).get_custom(
        custom("/namespaces/ml/pods/*/istio_request_duration_p95_ms", "app=llama")
    )
    assert [(v.described.name, v.value) for v in values] == [("llama-abc-00000", Decimal("4.0"))]


async def test_nothing_left_is_404_never_zero() -> None:
    fake = FakePrometheus(strict=False)
    fake.on_any_query(lambda q: InstantVector())
    with pytest.raises(MetricNotFoundError, match="absent"):
        await provider(fake, pods(2)).get_custom(
            custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama")
        )


async def test_zero_when_absent_is_opt_in_for_queue_depth() -> None:
    fake = FakePrometheus(strict=False)
    fake.on_any_query(lambda q: InstantVector())
    values = await provider(fake, pods(2)).get_custom(
        custom("/namespaces/ml/pods/*/inference_queue_depth", "app=llama")
    )
    assert [v.value for v in values] == [Decimal(0), Decimal(0)]


async def test_stale_gauge_sample_gives_no_item() -> None:
    fake = FakePrometheus(strict=False)
    fresh, stale = "llama-abc-00000", "llama-abc-00001"
    answer = InstantVector(
        (
            Sample(Labels(pod=fresh), NOW, 55.0),
            Sample(Labels(pod=stale), NOW, 70.0),
            Sample(Labels(pod=fresh, servescale_part="sample_time"), NOW, NOW - 10),
            Sample(Labels(pod=stale, servescale_part="sample_time"), NOW, NOW - 600),
        )
    )
    fake.on_any_query(lambda q: answer)
    config = {"presets": {"dcgm": {"podLabels": "pod"}}}
    values = await provider(fake, pods(2), config).get_custom(
        custom("/namespaces/ml/pods/*/gpu_utilization_percent", "app=llama")
    )
    assert [(v.described.name, v.value) for v in values] == [(fresh, Decimal("55.0"))]
    assert values[0].timestamp.timestamp() == NOW - 10


async def test_upstream_down_is_503_and_a_rejected_query_is_500() -> None:
    fake = FakePrometheus(strict=False)
    fake.fail_with(PrometheusUnavailableError("connection refused"))
    p = provider(fake, pods(2))
    with pytest.raises(UpstreamUnavailableError):
        await p.get_custom(custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama"))
    fake.fail_with(PrometheusQueryError("bad_data", error_type="bad_data"))
    with pytest.raises(ProviderError):
        await p.get_custom(custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama"))


async def test_unsynced_pod_cache_is_503() -> None:
    fake = FakePrometheus(strict=False)
    with pytest.raises(UpstreamUnavailableError, match="pod cache"):
        await provider(fake, PodIndex(synced=False)).get_custom(
            custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama")
        )
    assert fake.queries == []


async def test_concurrent_identical_requests_make_one_query() -> None:
    fake = FakePrometheus(strict=False)
    index = pods(4)
    gate = asyncio.Event()
    names = [p.name for p in index.pods("ml")]

    def answer(query: RecordedQuery) -> InstantVector:
        return per_pod_answer(names)

    fake.on_any_query(answer)
    p = provider(fake, index)
    request = custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama")
    gate.set()
    results = await asyncio.gather(*(p.get_custom(request) for _ in range(100)))
    assert len(fake.queries) == 1
    assert all(len(r) == 4 for r in results)


async def test_deployment_from_pods_aggregates_owned_pods() -> None:
    fake = FakePrometheus(strict=False)
    index = pods(3, extra=2)
    answer = InstantVector(
        tuple(Sample(Labels(pod=p.name, namespace="ml"), NOW, 3.0) for p in index.pods("ml"))
    )
    fake.on_any_query(lambda q: answer)
    values = await provider(fake, index).get_custom(
        custom("/namespaces/ml/deployments.apps/llama/inference_queue_depth")
    )
    assert [(v.described.kind, v.described.api_version, v.described.name, v.value) for v in values] == [
        ("Deployment", "apps/v1", "llama", Decimal("9.0"))
    ]


@pytest.mark.parametrize(
    ("selector", "error"),
    [
        pytest.param("app.kubernetes.io/name=x", BadMetricRequestError, id="key-not-a-prometheus-label"),
        pytest.param("code>5", BadMetricRequestError, id="gt-operator"),
    ],
)
async def test_metric_selectors_prometheus_cannot_express_are_400(
    selector: str, error: type[Exception]
) -> None:
    fake = FakePrometheus(strict=False)
    with pytest.raises(error):
        await provider(fake, pods(1)).get_custom(
            custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama", selector)
        )
    assert fake.queries == []


async def test_hostile_values_reach_promql_quoted() -> None:
    fake = FakePrometheus(strict=False)
    fake.on_any_query(lambda q: InstantVector())
    app = create_metrics_api(provider(fake, pods(1)), metrics=AdapterMetrics(CollectorRegistry()))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client:
        for hostile in ('x"} or vector(1) #', "a.*|b", "x\ny", "{}", "(a)"):
            response = await client.get(
                f"{V2}/namespaces/ml/pods/*/istio_requests_per_second",
                params={"labelSelector": "app=llama", "metricLabelSelector": f"response_code={hostile}"},
            )
            assert response.status_code == 400, hostile
        ok = await client.get(
            f"{V2}/namespaces/ml/pods/*/istio_requests_per_second",
            params={"labelSelector": "app=llama", "metricLabelSelector": "response_code in (a.b,c_d)"},
        )
    assert ok.status_code == 404
    assert fake.queries[-1].expr.count('response_code=~"a\\\\.b|c_d"') == 1


async def test_external_metric_sums_series_and_misses_are_404() -> None:
    fake = FakePrometheus(strict=False)
    fake.on_any_query(lambda q: InstantVector((Sample(Labels(), NOW, 154.0),)))
    p = provider(fake, pods(1))
    request = parse_external_metric_path(
        "/apis/external.metrics.k8s.io/v1beta1/namespaces/ml/rabbitmq_queue_messages_ready",
        label_selector="queue=inference-jobs",
    )
    values = await p.get_external(request)
    assert [(v.metric_name, v.value) for v in values] == [("rabbitmq_queue_messages_ready", Decimal("154.0"))]
    assert 'queue="inference-jobs"' in fake.queries[0].expr
    fake.on_any_query(lambda q: InstantVector())
    p2 = provider(fake, pods(1))
    with pytest.raises(MetricNotFoundError):
        await p2.get_external(request)
    with pytest.raises(MetricNotFoundError):
        await p2.get_external(
            parse_external_metric_path("/apis/external.metrics.k8s.io/v1beta1/namespaces/ml/nope")
        )


async def test_an_unintelligible_answer_is_503_and_counted_as_response_error() -> None:
    fake = FakePrometheus(strict=False)
    fake.fail_with(PrometheusResponseError("malformed Prometheus response: '<html>'"))
    registry = CollectorRegistry()
    p = PrometheusProvider(
        default_catalogue(), fake, pods=pods(2), metrics=AdapterMetrics(registry), clock=lambda: NOW
    )
    with pytest.raises(UpstreamUnavailableError, match="unintelligible"):
        await p.get_custom(custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama"))
    errors = registry.get_sample_value(
        "servescale_adapter_prometheus_query_errors_total", {"kind": "response"}
    )
    assert errors == 1


async def test_samples_from_the_future_are_left_out_and_warnings_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    index = pods(3)
    names = [p.name for p in index.pods("ml")]
    answer = InstantVector(
        (
            Sample(Labels(pod=names[0]), NOW + 25, 1.0),  # within the clock-skew tolerance
            Sample(Labels(pod=names[1]), NOW + 31, 2.0),
            Sample(Labels(pod=names[2]), NOW + 3600, 3.0),
        ),
        warnings=("partial response",),
    )
    fake = FakePrometheus(strict=False)
    fake.on_any_query(lambda q: answer)
    registry = CollectorRegistry()
    p = PrometheusProvider(
        default_catalogue(), fake, pods=index, metrics=AdapterMetrics(registry), clock=lambda: NOW
    )
    values = await p.get_custom(custom("/namespaces/ml/pods/*/istio_requests_per_second", "app=llama"))
    assert [(v.described.name, v.value) for v in values] == [(names[0], Decimal("1.0"))]
    left_out = registry.get_sample_value(
        "servescale_adapter_values_left_out_total",
        {"metric": "istio_requests_per_second", "reason": "future"},
    )
    assert left_out == 2
    assert registry.get_sample_value("servescale_adapter_prometheus_query_warnings_total") == 1
    assert "partial response" in caplog.text
    assert "2 future" in caplog.text
