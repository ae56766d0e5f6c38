"""The hot-path dict serialiser writes exactly what the pydantic wire models write."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from starlette.responses import JSONResponse

from metrics_adapter.kube import MetricValue, ObjectReference, parse_selector, to_v1beta1, to_v1beta2
from metrics_adapter.kube.fast_wire import custom_metrics_document, custom_metrics_json

T = datetime(2026, 5, 1, 10, 0, 7, 123456, tzinfo=UTC)
VALUES = [
    MetricValue(
        described=ObjectReference(kind="Pod", name="p-1", api_version="v1", namespace="ml"),
        metric_name="rps",
        timestamp=T,
        value=Decimal("12.5"),
        window_seconds=60,
        selector=parse_selector("code in (200,201),!canary"),
    ),
    MetricValue(
        described=ObjectReference(kind="Namespace", name="ml", api_version="v1"),
        metric_name="rps",
        timestamp=T,
        value=Decimal("0.0005"),
    ),
    MetricValue(
        described=ObjectReference(kind="Deployment", name="llama", api_version="apps/v1", namespace="ml"),
        metric_name="queue",
        timestamp=T,
        value=Decimal(12000),
        window_seconds=0,
        selector=parse_selector("queue=a"),
    ),
]


@pytest.mark.parametrize(("version", "reference"), [("v1beta1", to_v1beta1), ("v1beta2", to_v1beta2)])
def test_fast_document_equals_the_pydantic_document(version: str, reference: object) -> None:
    expected = reference(VALUES).to_wire()  # type: ignore[operator]
    fast = custom_metrics_document(VALUES, version=version)
    assert json.dumps(fast) == json.dumps(expected)


def test_empty_list() -> None:
    assert custom_metrics_document([], version="v1beta2")["items"] == []


@pytest.mark.parametrize(("version", "reference"), [("v1beta1", to_v1beta1), ("v1beta2", to_v1beta2)])
def test_response_bytes_equal_what_jsonresponse_renders_of_the_pydantic_document(
    version: str, reference: object
) -> None:
    labelled = [*VALUES, replace(VALUES[0], described=replace(VALUES[0].described, name="p-ü"))]
    expected = JSONResponse(reference(labelled).to_wire()).body  # type: ignore[operator]
    assert custom_metrics_json(labelled, version=version) == expected
