"""``manifests keda``: every ScaledObject we emit validates against KEDA's own CRD schema (test data)
and carries the trigger metadata our external scaler reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from autoscaler.simulation.hpa_manifests import ManifestError, parse_autoscaling_config
from autoscaler.simulation.keda_manifests import build_scaled_objects
from metrics_adapter.catalogue import default_catalogue
from metrics_adapter.keda import TriggerMetadata
from metrics_adapter.keda import externalscaler_pb2 as pb

CRD = Path(__file__).parents[2] / "data" / "keda" / "keda.sh_scaledobjects.yaml"
EXAMPLE = Path(__file__).parents[3] / "examples" / "hpa" / "autoscaling.yaml"
ADDRESS = "servescale.servescale.svc:9443"


def schema() -> dict[str, Any]:
    crd = yaml.safe_load(CRD.read_text(encoding="utf-8"))
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    result: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return result


def unknown_fields(value: Any, node: dict[str, Any], path: str = "") -> list[str]:
    """Fields the structural schema would prune (Kubernetes drops them silently)."""
    found: list[str] = []
    if isinstance(value, dict) and "properties" in node:
        for key, item in value.items():
            if key not in node["properties"]:
                found.append(f"{path}.{key}")
            else:
                found += unknown_fields(item, node["properties"][key], f"{path}.{key}")
    elif isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            found += unknown_fields(item, node["items"], f"{path}[{i}]")
    return found


def check(scaled_object: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(schema()).validate(scaled_object)
    assert unknown_fields(scaled_object["spec"], schema()["properties"]["spec"]) == []


def build(*workloads: dict[str, Any]) -> list[dict[str, Any]]:
    config = parse_autoscaling_config({"autoscaling": {"workloads": list(workloads)}})
    return build_scaled_objects(config, default_catalogue(), scaler_address=ADDRESS)


def workload(**overrides: Any) -> dict[str, Any]:
    return {
        "namespace": "ml",
        "deployment": "llama",
        "metric": "istio_requests_per_second",
        "target": {"type": "AverageValue", "value": "3.4"},
        "minReplicas": 0,
        "maxReplicas": 64,
        **overrides,
    }


def test_the_example_config_validates_against_kedas_crd() -> None:
    config = parse_autoscaling_config(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    objects = build_scaled_objects(config, default_catalogue(), scaler_address=ADDRESS)
    assert objects
    for scaled_object in objects:
        check(scaled_object)


def test_scale_to_zero_on_request_rate_with_the_forecast_beside_it() -> None:
    (scaled_object,) = build(workload(predictive=True, activationThreshold="0.5"))
    check(scaled_object)
    spec = scaled_object["spec"]
    assert spec["minReplicaCount"] == 0
    reactive, forecast = spec["triggers"]
    assert reactive["type"] == "external-push"
    assert reactive["metadata"] == {
        "scalerAddress": ADDRESS,
        "metric": "istio_requests_per_second",
        "target": "3400m",
        "activationThreshold": "500m",
        "deployment": "llama",
    }
    assert forecast["metadata"]["selector"] == "deployment=llama,horizon=195s"
    # What we emit is what our scaler reads (quantities included).
    for trigger in (reactive, forecast):
        ref = pb.ScaledObjectRef(name="llama", namespace="ml", scalerMetadata=trigger["metadata"])
        parsed = TriggerMetadata.parse(ref)
        assert parsed.metric == trigger["metadata"]["metric"]
    assert TriggerMetadata.parse(
        pb.ScaledObjectRef(name="llama", namespace="ml", scalerMetadata=reactive["metadata"])
    ).target == pytest.approx(3.4)


def test_queue_scaling_with_a_selector_and_a_value_target() -> None:
    (scaled_object,) = build(
        workload(
            deployment="resnet",
            metric="rabbitmq_queue_messages_ready",
            selector={"queue": "inference-jobs"},
            target={"type": "Value", "value": "20"},
        )
    )
    check(scaled_object)
    (trigger,) = scaled_object["spec"]["triggers"]
    assert trigger["metricType"] == "Value"
    assert trigger["metadata"]["selector"] == "queue=inference-jobs"
    assert "deployment" not in trigger["metadata"]


def test_a_quantile_cannot_be_divided_by_replicas() -> None:
    with pytest.raises(ManifestError, match="additive"):
        build(
            workload(metric="istio_request_duration_p95_ms", target={"type": "AverageValue", "value": "500"})
        )


def test_the_schema_check_catches_what_kubernetes_would_drop() -> None:
    (scaled_object,) = build(workload())
    scaled_object["spec"]["triggers"][0]["metadataa"] = {}
    assert unknown_fields(scaled_object["spec"], schema()["properties"]["spec"]) == [".triggers[0].metadataa"]
    scaled_object["spec"]["minReplicaCount"] = "zero"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema()).validate(scaled_object)
