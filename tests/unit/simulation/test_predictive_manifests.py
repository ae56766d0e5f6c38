"""``predictive: true`` adds the forecast metric beside the reactive one; ``minReplicas: 0`` rules."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
import yaml

from autoscaler.forecast import FORECAST_METRIC
from autoscaler.simulation.hpa_file import parse_hpa_documents
from autoscaler.simulation.hpa_manifests import ManifestError, build_manifests, parse_autoscaling_config
from metrics_adapter.catalogue import default_catalogue


def build(**overrides: Any) -> dict[str, Any]:
    workload: dict[str, Any] = {
        "namespace": "ml",
        "deployment": "llama",
        "metric": "istio_requests_per_second",
        "target": {"type": "AverageValue", "value": "3.4"},
        "maxReplicas": 64,
        **overrides,
    }
    config = parse_autoscaling_config({"autoscaling": {"workloads": [workload]}})
    return build_manifests(config, default_catalogue())[0]


def test_predictive_adds_the_forecast_metric_after_the_reactive_one() -> None:
    manifest = build(predictive=True)
    kubernetes_validate.validate(manifest, "1.33", strict=True)
    reactive, forecast = manifest["spec"]["metrics"]
    assert reactive["pods"]["metric"]["name"] == "istio_requests_per_second"
    assert forecast == {
        "type": "External",
        "external": {
            "metric": {
                "name": FORECAST_METRIC,
                "selector": {"matchLabels": {"deployment": "llama", "horizon": "195s"}},
            },
            "target": {"type": "AverageValue", "averageValue": "3400m"},
        },
    }
    (hpa,) = parse_hpa_documents(yaml.safe_dump(manifest))
    assert [m.name for m in hpa.metrics] == ["istio_requests_per_second", FORECAST_METRIC]


def test_horizon_follows_pod_startup_and_target_can_be_given() -> None:
    manifest = build(
        predictive=True,
        metric="vllm_queue_depth",
        target={"type": "AverageValue", "value": "5"},
        podStartupSeconds=300,
        forecastTarget="2.5",
    )
    forecast = manifest["spec"]["metrics"][1]["external"]
    assert forecast["metric"]["selector"]["matchLabels"]["horizon"] == "315s"
    assert forecast["target"]["averageValue"] == "2500m"


def test_predictive_on_another_metric_needs_a_forecast_target() -> None:
    with pytest.raises(ManifestError, match=r"workloads\[0\]\.forecastTarget"):
        build(predictive=True, metric="vllm_queue_depth", target={"type": "AverageValue", "value": "5"})


def test_without_predictive_there_is_one_metric() -> None:
    assert len(build()["spec"]["metrics"]) == 1


def test_scale_to_zero_needs_an_object_or_external_metric() -> None:
    with pytest.raises(ManifestError, match=r"minReplicas: 0 \(HPAScaleToZero\)"):
        build(minReplicas=0)
    manifest = build(minReplicas=0, predictive=True)
    assert manifest["spec"]["minReplicas"] == 0
    manifest = build(minReplicas=0, source="Object")
    assert manifest["spec"]["metrics"][0]["type"] == "Object"
