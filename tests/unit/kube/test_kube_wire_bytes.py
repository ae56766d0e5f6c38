"""The one writer of each metric value list: its documents are what the pydantic wire models read
back and write, key for key, and its response bytes are what ``JSONResponse`` renders and what
was recorded."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel
from starlette.responses import JSONResponse

from metrics_adapter.kube import (
    ExternalMetricValue,
    ExternalMetricValueList,
    MetricValue,
    MetricValueListV1Beta1,
    MetricValueListV1Beta2,
    ObjectReference,
    WireModel,
    custom_metrics_document,
    external_metrics_document,
    parse_selector,
)
from metrics_adapter.kube.json_body import json_bytes

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
EXTERNAL = [
    ExternalMetricValue(
        metric_name="queue_depth", timestamp=T, value=Decimal(12000), metric_labels={"queue": "ordérs"}
    ),
    ExternalMetricValue(metric_name="queue_depth", timestamp=T, value=Decimal("0.5"), window_seconds=120),
]
MODELS: dict[str, type[WireModel]] = {"v1beta1": MetricValueListV1Beta1, "v1beta2": MetricValueListV1Beta2}

# Recorded from the pydantic models' ``to_wire()`` as rendered by ``JSONResponse``.
RECORDED_BODIES = {
    "v1beta1": (
        '{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","metadata":{},"item'
        's":[{"describedObject":{"kind":"Pod","namespace":"ml","name":"p-1","apiVersion":"v1"},"met'
        'ricName":"rps","timestamp":"2026-05-01T10:00:07Z","window":60,"value":"12500m","selector":'
        '{"matchExpressions":[{"key":"canary","operator":"DoesNotExist"},{"key":"code","operator":"'
        'In","values":["200","201"]}]}},{"describedObject":{"kind":"Namespace","name":"ml","apiVers'
        'ion":"v1"},"metricName":"rps","timestamp":"2026-05-01T10:00:07Z","value":"500u","selector"'
        ':null},{"describedObject":{"kind":"Deployment","namespace":"ml","name":"llama","apiVersion'
        '":"apps/v1"},"metricName":"queue","timestamp":"2026-05-01T10:00:07Z","window":0,"value":"1'
        '2k","selector":{"matchLabels":{"queue":"a"}}},{"describedObject":{"kind":"Pod","namespace"'
        ':"ml","name":"p-ü","apiVersion":"v1"},"metricName":"rps","timestamp":"2026-05-01T10:00:07Z'
        '","window":60,"value":"12500m","selector":{"matchExpressions":[{"key":"canary","operator":'
        '"DoesNotExist"},{"key":"code","operator":"In","values":["200","201"]}]}}]}'
    ).encode(),
    "v1beta2": (
        '{"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"item'
        's":[{"describedObject":{"kind":"Pod","namespace":"ml","name":"p-1","apiVersion":"v1"},"met'
        'ric":{"name":"rps","selector":{"matchExpressions":[{"key":"canary","operator":"DoesNotExis'
        't"},{"key":"code","operator":"In","values":["200","201"]}]}},"timestamp":"2026-05-01T10:00'
        ':07Z","windowSeconds":60,"value":"12500m"},{"describedObject":{"kind":"Namespace","name":"'
        'ml","apiVersion":"v1"},"metric":{"name":"rps","selector":null},"timestamp":"2026-05-01T10:'
        '00:07Z","value":"500u"},{"describedObject":{"kind":"Deployment","namespace":"ml","name":"l'
        'lama","apiVersion":"apps/v1"},"metric":{"name":"queue","selector":{"matchLabels":{"queue":'
        '"a"}}},"timestamp":"2026-05-01T10:00:07Z","windowSeconds":0,"value":"12k"},{"describedObje'
        'ct":{"kind":"Pod","namespace":"ml","name":"p-ü","apiVersion":"v1"},"metric":{"name":"rps",'
        '"selector":{"matchExpressions":[{"key":"canary","operator":"DoesNotExist"},{"key":"code","'
        'operator":"In","values":["200","201"]}]}},"timestamp":"2026-05-01T10:00:07Z","windowSecond'
        's":60,"value":"12500m"}]}'
    ).encode(),
}

RECORDED_EXTERNAL_BODY = (
    '{"kind":"ExternalMetricValueList","apiVersion":"external.metrics.k8s.io/v1beta1","metadata'
    '":{},"items":[{"metricName":"queue_depth","metricLabels":{"queue":"ordérs"},"timestamp":"2'
    '026-05-01T10:00:07Z","value":"12k"},{"metricName":"queue_depth","metricLabels":{},"timesta'
    'mp":"2026-05-01T10:00:07Z","window":120,"value":"500m"}]}'
).encode()


def _read_back(model: type[BaseModel], document: object) -> bytes:
    """The document parsed and validated by its wire model, then rendered as ``JSONResponse`` does."""
    parsed = model.model_validate(document)
    assert isinstance(parsed, WireModel)
    return JSONResponse(parsed.to_wire()).body


@pytest.mark.parametrize("version", ["v1beta1", "v1beta2"])
def test_document_equals_what_the_pydantic_model_reads_back_and_writes(version: str) -> None:
    document = custom_metrics_document(VALUES, version=version)
    expected = MODELS[version].model_validate(document).to_wire()
    assert json.dumps(document) == json.dumps(expected)


def test_empty_list() -> None:
    assert custom_metrics_document([], version="v1beta2")["items"] == []


@pytest.mark.parametrize("version", ["v1beta1", "v1beta2"])
def test_response_bytes_equal_what_jsonresponse_renders_of_the_pydantic_document(version: str) -> None:
    labelled = [*VALUES, replace(VALUES[0], described=replace(VALUES[0].described, name="p-ü"))]
    document = custom_metrics_document(labelled, version=version)
    body = json_bytes(document)
    assert body == _read_back(MODELS[version], document)
    assert body == RECORDED_BODIES[version]


def test_external_document_and_bytes_equal_what_the_pydantic_model_writes() -> None:
    document = external_metrics_document(EXTERNAL)
    expected = ExternalMetricValueList.model_validate(document).to_wire()
    assert json.dumps(document) == json.dumps(expected)
    assert json_bytes(document) == _read_back(ExternalMetricValueList, document)
    assert json_bytes(document) == RECORDED_EXTERNAL_BODY
