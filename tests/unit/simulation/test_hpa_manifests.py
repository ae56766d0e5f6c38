"""HPA manifests from the autoscaling config: valid autoscaling/v2 objects, catalogue metric names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from autoscaler.simulation.hpa_file import parse_hpa_documents
from autoscaler.simulation.hpa_manifests import (
    ManifestError,
    build_manifests,
    load_autoscaling_config,
    parse_autoscaling_config,
    write_manifests_text,
)
from metrics_adapter.catalogue import default_catalogue
from metrics_adapter.kube import format_quantity

EXAMPLE = Path(__file__).parents[3] / "examples" / "hpa" / "autoscaling.yaml"


def workload(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "namespace": "ml",
        "deployment": "llama",
        "metric": "istio_requests_per_second",
        "target": {"type": "AverageValue", "value": "8"},
        "maxReplicas": 8,
    }
    base.update(overrides)
    return base


def build(**overrides: Any) -> dict[str, Any]:
    config = parse_autoscaling_config({"autoscaling": {"workloads": [workload(**overrides)]}})
    return build_manifests(config, default_catalogue())[0]


@pytest.mark.parametrize(
    ("overrides", "metric"),
    [
        pytest.param(
            {},
            {
                "type": "Pods",
                "pods": {
                    "metric": {"name": "istio_requests_per_second"},
                    "target": {"type": "AverageValue", "averageValue": "8"},
                },
            },
            id="pods-inferred",
        ),
        pytest.param(
            {
                "metric": "inference_queue_depth",
                "source": "Object",
                "target": {"type": "Value", "value": 2.5},
            },
            {
                "type": "Object",
                "object": {
                    "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "llama"},
                    "metric": {"name": "inference_queue_depth"},
                    "target": {"type": "Value", "value": "2500m"},
                },
            },
            id="object-on-the-deployment",
        ),
        pytest.param(
            {
                "metric": "rabbitmq_queue_messages_ready",
                "selector": {"queue": "jobs"},
                "target": {"type": "AverageValue", "value": 30},
            },
            {
                "type": "External",
                "external": {
                    "metric": {
                        "name": "rabbitmq_queue_messages_ready",
                        "selector": {"matchLabels": {"queue": "jobs"}},
                    },
                    "target": {"type": "AverageValue", "averageValue": "30"},
                },
            },
            id="external-with-selector",
        ),
    ],
)
def test_workloads_become_valid_hpas(overrides: dict[str, Any], metric: dict[str, Any]) -> None:
    manifest = build(**overrides)
    assert manifest["spec"]["metrics"] == [metric]
    kubernetes_validate.validate(manifest, "1.33", strict=True)
    # The algorithm's own reader accepts what we generate.
    (hpa,) = parse_hpa_documents(write_manifests_text([manifest]))
    assert hpa.metrics[0].name == metric[metric["type"].lower()]["metric"]["name"]


def test_behavior_is_written_in_the_api_shape() -> None:
    behavior = {
        "scaleDown": {
            "stabilizationWindowSeconds": 60,
            "policies": [{"type": "Pods", "value": 1, "periodSeconds": 30}],
        }
    }
    manifest = build(behavior=behavior, minReplicas=2)
    assert manifest["spec"]["behavior"] == behavior
    assert manifest["spec"]["minReplicas"] == 2
    kubernetes_validate.validate(manifest, "1.33", strict=True)


def test_example_config_builds() -> None:
    manifests = build_manifests(load_autoscaling_config(EXAMPLE), default_catalogue())
    assert [m["metadata"]["name"] for m in manifests] == ["llama", "resnet"]
    for manifest in manifests:
        kubernetes_validate.validate(manifest, "1.33", strict=True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"metric": "no_such_metric"}, "workloads[0].metric", id="unknown-metric"),
        pytest.param(
            {
                "metric": "istio_request_error_ratio",
                "source": "Pods",
                "target": {"type": "Value", "value": 1},
            },
            "workloads[0].target.type",
            id="pods-needs-average",
        ),
        pytest.param(
            {"metric": "rabbitmq_queue_messages_ready", "selector": {"topic": "x"}},
            "workloads[0].selector",
            id="external-label-not-offered",
        ),
        pytest.param({"selector": {"queue": "x"}}, "workloads[0].selector", id="selector-on-pods-metric"),
        pytest.param(
            {"metric": "rabbitmq_queue_messages_ready", "source": "Pods"},
            "workloads[0].metric",
            id="external-as-pods",
        ),
        pytest.param(
            {"metric": "istio_requests_per_second", "source": "External"},
            "workloads[0].metric",
            id="custom-as-external",
        ),
    ],
)
def test_catalogue_mismatches_name_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ManifestError, match=re.escape(field)):
        build(**overrides)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"maxReplicas": 0}, "autoscaling.workloads[0].maxReplicas", id="max-zero"),
        pytest.param({"minReplicas": 9}, "autoscaling.workloads[0]", id="min-above-max"),
        pytest.param(
            {"target": {"type": "AverageValue", "value": "-1"}},
            "autoscaling.workloads[0].target.value",
            id="negative",
        ),
        pytest.param({"behaviour": {}}, "autoscaling.workloads[0].behaviour", id="unknown-key"),
        pytest.param(
            {"behavior": {"scaleUp": {"stabilizationWindowSeconds": 4000}}},
            "stabilizationWindowSeconds",
            id="window-range",
        ),
    ],
)
def test_invalid_config_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ManifestError, match=re.escape(field)):
        parse_autoscaling_config({"autoscaling": {"workloads": [workload(**overrides)]}})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(8, "8", id="whole"),
        pytest.param(0.5, "500m", id="milli"),
        pytest.param(7.25, "7250m", id="mixed"),
    ],
)
def test_quantities_are_written_as_kubernetes_writes_them(value: float, text: str) -> None:
    assert format_quantity(value) == text
