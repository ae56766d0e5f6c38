"""MetricValueList v1beta1/v1beta2 and ExternalMetricValueList against the documented JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from metrics_adapter.kube import (
    ExternalMetricValue,
    ExternalMetricValueList,
    MetricValue,
    MetricValueListV1Beta1,
    MetricValueListV1Beta2,
    ObjectReference,
    SelectorError,
    custom_metrics_document,
    external_metrics_document,
    format_time,
    label_selector_to_wire,
    parse_selector,
    parse_time,
)

NOON = datetime(2026, 5, 1, 10, 0, 0, tzinfo=UTC)


def _pod(name: str) -> ObjectReference:
    return ObjectReference(kind="Pod", name=name, api_version="v1", namespace="shop")


def _pod_values() -> list[MetricValue]:
    return [
        MetricValue(
            described=_pod(name),
            metric_name="istio_requests_per_second",
            timestamp=NOON,
            value=value,
            window_seconds=60,
        )
        for name, value in (("checkout-7d9f8-x2k4p", Decimal("12.5")), ("checkout-7d9f8-q8w2m", Decimal(9)))
    ]


def _described(name: str) -> dict[str, str]:
    return {"kind": "Pod", "namespace": "shop", "name": name, "apiVersion": "v1"}


def test_v1beta2_matches_the_documented_document() -> None:
    expected = {
        "kind": "MetricValueList",
        "apiVersion": "custom.metrics.k8s.io/v1beta2",
        "metadata": {},
        "items": [
            {
                "describedObject": _described("checkout-7d9f8-x2k4p"),
                "metric": {"name": "istio_requests_per_second", "selector": None},
                "timestamp": "2026-05-01T10:00:00Z",
                "windowSeconds": 60,
                "value": "12500m",
            },
            {
                "describedObject": _described("checkout-7d9f8-q8w2m"),
                "metric": {"name": "istio_requests_per_second", "selector": None},
                "timestamp": "2026-05-01T10:00:00Z",
                "windowSeconds": 60,
                "value": "9",
            },
        ],
    }
    assert custom_metrics_document(_pod_values(), version="v1beta2") == expected


def test_v1beta1_matches_the_documented_document() -> None:
    expected = {
        "kind": "MetricValueList",
        "apiVersion": "custom.metrics.k8s.io/v1beta1",
        "metadata": {},
        "items": [
            {
                "describedObject": _described("checkout-7d9f8-x2k4p"),
                "metricName": "istio_requests_per_second",
                "timestamp": "2026-05-01T10:00:00Z",
                "window": 60,
                "value": "12500m",
                "selector": None,
            }
        ],
    }
    assert custom_metrics_document(_pod_values()[:1], version="v1beta1") == expected


def test_gauge_omits_the_window_and_cluster_scoped_object_omits_namespace() -> None:
    node = MetricValue(
        described=ObjectReference(kind="Node", name="node-1", api_version="v1"),
        metric_name="gpu_util",
        timestamp=NOON,
        value=Decimal("0.75"),
    )
    v1 = custom_metrics_document([node], version="v1beta1")["items"][0]
    v2 = custom_metrics_document([node], version="v1beta2")["items"][0]
    assert "window" not in v1
    assert "windowSeconds" not in v2
    assert (
        v1["describedObject"]
        == v2["describedObject"]
        == {"kind": "Node", "name": "node-1", "apiVersion": "v1"}
    )
    assert v1["value"] == v2["value"] == "750m"


def test_empty_list_still_carries_kind_metadata_and_items() -> None:
    assert custom_metrics_document([], version="v1beta2") == {
        "kind": "MetricValueList",
        "apiVersion": "custom.metrics.k8s.io/v1beta2",
        "metadata": {},
        "items": [],
    }


def test_metric_selector_is_echoed_in_both_versions() -> None:
    value = MetricValue(
        described=_pod("p"),
        metric_name="rps",
        timestamp=NOON,
        value=Decimal(1),
        selector=parse_selector("reporter=destination,code in (500,503),!canary,env!=dev"),
    )
    wire_selector = {
        "matchLabels": {"reporter": "destination"},
        "matchExpressions": [
            {"key": "canary", "operator": "DoesNotExist"},
            {"key": "code", "operator": "In", "values": ["500", "503"]},
            {"key": "env", "operator": "NotIn", "values": ["dev"]},
        ],
    }
    assert custom_metrics_document([value], version="v1beta1")["items"][0]["selector"] == wire_selector
    assert (
        custom_metrics_document([value], version="v1beta2")["items"][0]["metric"]["selector"] == wire_selector
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", None, id="empty-is-null"),
        pytest.param("a=b", {"matchLabels": {"a": "b"}}, id="labels-only"),
        pytest.param("a", {"matchExpressions": [{"key": "a", "operator": "Exists"}]}, id="exists"),
        pytest.param(
            "a notin (x,y)",
            {"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["x", "y"]}]},
            id="notin",
        ),
        pytest.param("a==b", {"matchLabels": {"a": "b"}}, id="double-equals"),
    ],
)
def test_label_selector_to_wire(text: str, expected: dict[str, Any] | None) -> None:
    wire = label_selector_to_wire(parse_selector(text))
    assert (wire.to_wire() if wire else None) == expected


def test_numeric_operators_cannot_be_echoed() -> None:
    with pytest.raises(SelectorError, match="isn't supported"):
        label_selector_to_wire(parse_selector("a>1"))


def test_external_matches_the_documented_document() -> None:
    value = ExternalMetricValue(
        metric_name="queue_depth", timestamp=NOON, value=Decimal(12000), metric_labels={"queue": "orders"}
    )
    assert external_metrics_document([value]) == {
        "kind": "ExternalMetricValueList",
        "apiVersion": "external.metrics.k8s.io/v1beta1",
        "metadata": {},
        "items": [
            {
                "metricName": "queue_depth",
                "metricLabels": {"queue": "orders"},
                "timestamp": "2026-05-01T10:00:00Z",
                "value": "12k",
            }
        ],
    }


def test_external_always_writes_metric_labels_and_the_window_when_known() -> None:
    value = ExternalMetricValue(metric_name="lag", timestamp=NOON, value=Decimal("0.5"), window_seconds=120)
    item = external_metrics_document([value])["items"][0]
    assert item["metricLabels"] == {}
    assert item["window"] == 120
    assert item["value"] == "500m"


@pytest.mark.parametrize(
    ("document", "model"),
    [
        pytest.param(
            lambda: custom_metrics_document(_pod_values(), version="v1beta1"),
            MetricValueListV1Beta1,
            id="v1beta1",
        ),
        pytest.param(
            lambda: custom_metrics_document(_pod_values(), version="v1beta2"),
            MetricValueListV1Beta2,
            id="v1beta2",
        ),
        pytest.param(
            lambda: external_metrics_document(
                [ExternalMetricValue(metric_name="q", timestamp=NOON, value=Decimal(3))]
            ),
            ExternalMetricValueList,
            id="external",
        ),
    ],
)
def test_documents_read_back_into_the_same_model(document: Any, model: Any) -> None:
    original = document()
    assert model.model_validate(original).to_wire() == original


def test_reading_a_go_server_document_tolerates_extra_fields() -> None:
    parsed = MetricValueListV1Beta1.model_validate(
        {
            "kind": "MetricValueList",
            "apiVersion": "custom.metrics.k8s.io/v1beta1",
            "metadata": {"selfLink": "/apis/custom.metrics.k8s.io/v1beta1/x"},
            "items": [
                {
                    "describedObject": {"kind": "Pod", "namespace": "d", "name": "p", "apiVersion": "/v1"},
                    "metricName": "m",
                    "timestamp": "2026-05-01T10:00:00.123456789Z",
                    "value": "1.5",
                    "selector": None,
                    "futureField": 1,
                }
            ],
        }
    )
    assert parsed.items[0].described_object.api_version == "/v1"


@pytest.mark.parametrize(
    "item",
    [
        pytest.param({"value": "NaN"}, id="nan-value"),
        pytest.param({"value": "12 k"}, id="bad-quantity"),
        pytest.param({"timestamp": "2026-05-01 10:00:00"}, id="bad-timestamp"),
    ],
)
def test_reading_rejects_malformed_items(item: dict[str, str]) -> None:
    base = {"metricName": "q", "metricLabels": {}, "timestamp": "2026-05-01T10:00:00Z", "value": "1"}
    with pytest.raises(ValueError, match="validation error"):
        ExternalMetricValueList.model_validate({"items": [base | item]})


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"value": Decimal("NaN")}, id="nan"),
        pytest.param({"value": Decimal("Infinity")}, id="infinity"),
        pytest.param({"value": 1.5}, id="float-not-decimal"),
        pytest.param({"timestamp": datetime(2026, 5, 1)}, id="naive-timestamp"),
        pytest.param({"window_seconds": -1}, id="negative-window"),
        pytest.param({"metric_name": ""}, id="empty-name"),
    ],
)
def test_values_refuse_what_cannot_be_serialised(kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "described": _pod("p"),
        "metric_name": "m",
        "timestamp": NOON,
        "value": Decimal(1),
    }
    with pytest.raises(ValueError):  # noqa: PT011
        MetricValue(**(arguments | kwargs))


def test_external_value_labels_are_frozen_and_sorted() -> None:
    labels = {"b": "2", "a": "1"}
    value = ExternalMetricValue(metric_name="q", timestamp=NOON, value=Decimal(1), metric_labels=labels)
    labels["c"] = "3"
    assert list(value.metric_labels) == ["a", "b"]
    with pytest.raises(TypeError):
        value.metric_labels["x"] = "y"  # type: ignore[index]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(NOON, "2026-05-01T10:00:00Z", id="utc"),
        pytest.param(NOON.replace(microsecond=999_999), "2026-05-01T10:00:00Z", id="fraction-truncated"),
        pytest.param(
            datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
            "2026-05-01T10:00:00Z",
            id="offset",
        ),
    ],
)
def test_format_time_is_rfc3339_utc_seconds(moment: datetime, expected: str) -> None:
    assert format_time(moment) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-05-01T10:00:00Z", NOON, id="z"),
        pytest.param("2026-05-01T10:00:00.5Z", NOON.replace(microsecond=500_000), id="fraction"),
        pytest.param("2026-05-01T10:00:00.123456789Z", NOON.replace(microsecond=123_456), id="nanos"),
        pytest.param("2026-05-01T12:00:00+02:00", NOON, id="offset"),
    ],
)
def test_parse_time(text: str, expected: datetime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["2026-05-01", "2026-05-01T10:00:00", "2026-13-01T10:00:00Z", "x2026-05-01T10:00:00Z"]
)
def test_parse_time_refuses_non_rfc3339(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        parse_time(text)


def test_format_time_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_time(datetime(2026, 5, 1))
