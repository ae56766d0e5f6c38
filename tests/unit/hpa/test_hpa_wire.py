"""The ``hpa step`` JSON edge: input validation with field paths, conversion, output rendering."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from autoscaler.hpa import InputError, step_document
from autoscaler.hpa.step.document import parse_step_input


def pod(name: str, cpu: str = "500m", **status: Any) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": "web",
            "labels": {"app": "shop"},
            "uid": "x",
            "managedFields": [],
        },
        "spec": {"containers": [{"name": "app", "image": "shop:1", "resources": {"requests": {"cpu": cpu}}}]},
        "status": {
            "phase": "Running",
            "startTime": "2025-01-01T10:00:00Z",
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2025-01-01T10:01:00Z"}],
            **status,
        },
    }


def usage(name: str, cpu: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "web"}
    if labels is not None:
        meta["labels"] = labels
    return {
        "metadata": meta,
        "timestamp": "2025-01-01T11:59:45Z",
        "window": "30s",
        "containers": [{"name": "app", "usage": {"cpu": cpu}}],
    }


def document() -> dict[str, Any]:
    return {
        "now": "2025-01-01T12:00:00Z",
        "hpa": {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "shop", "namespace": "web", "resourceVersion": "1"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "shop"},
                "minReplicas": 1,
                "maxReplicas": 10,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 50},
                        },
                    }
                ],
            },
        },
        "scale": {"spec": {"replicas": 2}, "status": {"replicas": 2, "selector": "app=shop"}},
        "pods": {"items": [pod("a"), pod("b")]},
        # 400m of 500m each -> 80% -> 1.6; ceil(1.6 * 2 = 3.2) = 4
        "podMetrics": {"items": [usage("a", "400m", {"app": "shop"}), usage("b", "400m")]},
        "state": None,
    }


def test_minimal_document_steps() -> None:
    out = step_document(document())
    assert (out["desiredReplicas"], out["scaleUpdated"], out["error"]) == (4, True, None)
    assert out["currentMetrics"] == [
        {
            "type": "Resource",
            "resource": {"name": "cpu", "current": {"averageValue": "400m", "averageUtilization": 80}},
        }
    ]
    assert out["metricProposals"][0]["pods"] == {
        "ready": ["a", "b"],
        "unready": [],
        "missing": [],
        "ignored": [],
    }


def test_output_state_feeds_the_next_step() -> None:
    first = step_document(document())
    second_doc = document()
    second_doc["now"] = "2025-01-01T12:00:15Z"
    second_doc["scale"] = {"spec": {"replicas": 4}, "status": {"replicas": 4, "selector": "app=shop"}}
    # half the load per pod: 200m of 500m -> 40% -> 0.8 -> ceil(0.8 * 2) = 2, held by the 4 recorded 15 s ago
    second_doc["podMetrics"] = {"items": [usage("a", "200m"), usage("b", "200m")]}
    second_doc["state"] = first["state"]
    second = step_document(second_doc)
    assert (second["desiredReplicas"], second["scaleUpdated"]) == (4, False)
    assert [r["replicas"] for r in second["state"]["recommendations"]] == [2, 4, 2]


def with_change(path: list[str | int], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(document())
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(
            ["hpa", "spec", "maxReplicas"], KeyError, "hpa.spec.maxReplicas: Field required", id="required"
        ),
        pytest.param(["now"], "2025-01-01T12:00:00", "now: Input should have timezone info", id="naive-time"),
        pytest.param(
            ["pods", "items", 0, "spec", "containers", 0, "resources", "requests", "cpu"],
            "lots",
            "pods.items[0].spec.containers[0].resources.requests.cpu",
            id="bad-quantity",
        ),
        pytest.param(
            ["hpa", "spec", "metrics", 0, "resource"],
            KeyError,
            "hpa.spec.metrics[0].resource: must be set for a metric of type Resource",
            id="missing-member",
        ),
        pytest.param(
            ["hpa", "spec", "minReplicas"],
            11,
            "hpa.spec.minReplicas: must be less than or equal",
            id="min-above-max",
        ),
        pytest.param(
            ["hpa", "spec", "behavior"],
            {"scaleUp": {"policies": []}},
            "hpa.spec.behavior.scaleUp.policies: List should have at least 1 item",
            id="empty-policies",
        ),
        pytest.param(
            ["hpa", "spec", "behavior"],
            {"scaleDown": {"stabilizationWindowSeconds": 4000}},
            "hpa.spec.behavior.scaleDown.stabilizationWindowSeconds",
            id="window-range",
        ),
        pytest.param(
            ["hpa", "spec", "behavior"],
            {"scaleUp": {"tolerance": "-1"}},
            "hpa.spec.behavior.scaleUp.tolerance: must be greater than or equal to 0",
            id="negative-tolerance",
        ),
        pytest.param(
            ["hpa", "spec", "metrics", 0, "resource", "target", "averageUtilization"],
            0,
            "hpa.spec.metrics[0].resource.target.averageUtilization",
            id="zero-target",
        ),
        pytest.param(
            ["podMetrics", "items", 0, "window"],
            "30 seconds",
            "podMetrics.items[0].window",
            id="bad-duration",
        ),
        pytest.param(["controller"], {"tolerance": 0.1, "tolerence": 0.2}, "controller.tolerence", id="typo"),
        pytest.param(
            ["failingMetrics"], [{"type": "Custom"}], "failingMetrics[0].type", id="bad-failing-type"
        ),
        pytest.param(["scale"], KeyError, "scale: Field required", id="scale-required"),
        pytest.param(
            ["podmetrics"], {}, "podmetrics: Extra inputs are not permitted", id="unknown-top-level-key"
        ),
        # an autoscaling/v1 HPA (targetCPUUtilizationPercentage, no metrics) would read as the default 80% CPU
        pytest.param(
            ["hpa", "apiVersion"],
            "autoscaling/v1",
            "hpa.apiVersion: must be autoscaling/v2, got 'autoscaling/v1'",
            id="hpa-v1",
        ),
        pytest.param(
            ["hpa", "kind"],
            "List",
            "hpa.kind: must be HorizontalPodAutoscaler, got 'List' (print one object",
            id="hpa-list",
        ),
        pytest.param(
            ["scale", "kind"], "Deployment", "scale.kind: must be Scale, got 'Deployment'", id="not-scale"
        ),
        pytest.param(["pods", "kind"], "Pod", "pods.kind: must be PodList or List, got 'Pod'", id="one-pod"),
        pytest.param(
            ["customMetrics"],
            {"q": {"kind": "ExternalMetricValueList", "items": []}},
            "customMetrics.q.kind: must be MetricValueList",
            id="custom-kind",
        ),
    ],
)
def test_validation_errors_name_the_field(path: list[str | int], value: Any, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_step_input(with_change(path, value))
    assert message in str(info.value)


def test_kubectl_list_kinds_are_read() -> None:
    """``kubectl get -o json`` prints collections as a v1 ``List`` whose items carry their kind."""
    doc = document()
    doc["scale"] |= {"kind": "Scale", "apiVersion": "autoscaling/v1"}
    for key, kind, api_version in (
        ("pods", "Pod", "v1"),
        ("podMetrics", "PodMetrics", "metrics.k8s.io/v1beta1"),
    ):
        doc[key] = {
            "apiVersion": "v1",
            "kind": "List",
            "metadata": {"resourceVersion": ""},
            "items": [{"apiVersion": api_version, "kind": kind, **item} for item in doc[key]["items"]],
        }
    assert step_document(doc)["desiredReplicas"] == step_document(document())["desiredReplicas"] == 4


def test_document_must_be_an_object() -> None:
    with pytest.raises(InputError, match="must be a JSON object"):
        parse_step_input([])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("other_labels", "expected"),
    [
        # a, b at 500m of 500m -> 100% / 50 = 2.0; c missing -> 0 on a scale-up: 1000/1500 = 66% -> 1.32;
        # ceil(1.32 * 3 samples = 3.96) = 4 -- the other app's PodMetrics item is filtered out by its labels
        pytest.param({"app": "other"}, 4, id="labelled-item-of-another-app-filtered"),
        # printed without labels it is kept, as a superfluous sample: ceil(1.32 * 4 = 5.28) = 6
        pytest.param(None, 6, id="unlabelled-item-kept-as-superfluous"),
    ],
)
def test_pod_metrics_label_filtering(other_labels: dict[str, str] | None, expected: int) -> None:
    doc = with_change(["pods", "items"], [pod("a"), pod("b"), pod("c")])
    doc["podMetrics"]["items"] = [usage("a", "500m"), usage("b", "500m"), usage("x", "5", other_labels)]
    assert step_document(doc)["metricProposals"][0]["replicas"] == expected


def test_missing_metrics_and_pods_out_of_selector() -> None:
    # pod c is Running and selected but has no sample: 80% -> 1.6, missing at 0 on a scale-up ->
    # 800/1500 = 53% -> 1.06 within the band -> keep 2; pod z of another app is not selected at all
    other = pod("z")
    other["metadata"]["labels"] = {"app": "other"}
    doc = with_change(["pods", "items"], [pod("a"), pod("b"), pod("c"), other])
    out = step_document(doc)
    assert out["metricProposals"][0]["pods"]["missing"] == ["c"]
    assert out["desiredReplicas"] == 2


def test_failing_metric_without_name_fails_every_metric_of_the_type() -> None:
    doc = with_change(["failingMetrics"], [{"type": "Resource", "message": "metrics-server down"}])
    out = step_document(doc)
    assert out["currentMetrics"] == [{"type": ""}]
    assert out["metricProposals"][0]["error"] == (
        "failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for"
        " resource cpu: unable to fetch metrics from resource metrics API: metrics-server down"
    )
    assert out["desiredReplicas"] is None
    assert out["scaleUpdated"] is False


def test_object_and_external_statuses() -> None:
    doc = document()
    doc["hpa"]["spec"]["metrics"] = [
        {
            "type": "Object",
            "object": {
                "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "shop"},
                "metric": {"name": "rps"},
                "target": {"type": "Value", "value": "100"},
            },
        },
        {
            "type": "Object",
            "object": {
                "describedObject": {"kind": "Service", "name": "shop"},
                "metric": {"name": "rps"},
                "target": {"type": "AverageValue", "averageValue": "50"},
            },
        },
        {
            "type": "External",
            "external": {
                "metric": {"name": "queue", "selector": {"matchLabels": {"q": "a"}}},
                "target": {"type": "Value", "value": "10"},
            },
        },
    ]
    doc["customMetrics"] = {
        "rps": {
            "items": [
                {
                    "describedObject": {"kind": "Ingress", "name": "shop", "namespace": "web"},
                    "timestamp": "2025-01-01T11:59:50Z",
                    "value": "150",
                },
                {
                    "describedObject": {"kind": "Service", "name": "shop", "namespace": "web"},
                    "timestamp": "2025-01-01T11:59:50Z",
                    "value": "150",
                },
            ]
        }
    }
    doc["externalMetrics"] = {
        "queue": {
            "items": [
                {
                    "metricName": "queue",
                    "metricLabels": {"q": "a"},
                    "timestamp": "2025-01-01T11:59:50Z",
                    "value": "3",
                },
                {
                    "metricName": "queue",
                    "metricLabels": {"q": "b"},
                    "timestamp": "2025-01-01T11:59:50Z",
                    "value": "1k",
                },
            ]
        }
    }
    out = step_document(doc)
    assert out["currentMetrics"] == [
        {
            "type": "Object",
            "object": {
                "describedObject": {"kind": "Ingress", "name": "shop", "apiVersion": "networking.k8s.io/v1"},
                "metric": {"name": "rps"},
                "current": {"value": "150"},
            },
        },
        # upstream leaves describedObject empty for AverageValue; ceil(150 / 2 replicas) = 75
        {
            "type": "Object",
            "object": {
                "describedObject": {"kind": "", "name": ""},
                "metric": {"name": "rps"},
                "current": {"averageValue": "75"},
            },
        },
        # only the q=a value matches the selector
        {
            "type": "External",
            "external": {
                "metric": {"name": "queue", "selector": {"matchLabels": {"q": "a"}}},
                "current": {"value": "3"},
            },
        },
    ]
    # proposals: ceil(1.5 * 2) = 3; ceil(150 / 50) = 3; ceil(0.3 * 2) = 1 -> max 3
    assert [p["replicas"] for p in out["metricProposals"]] == [3, 3, 1]
    assert out["desiredReplicas"] == 3


def test_container_resource_and_memory_average_value() -> None:
    doc = document()
    for item in doc["pods"]["items"]:
        item["spec"]["containers"][0]["resources"]["requests"]["memory"] = "1Gi"
    for item in doc["podMetrics"]["items"]:
        item["containers"][0]["usage"]["memory"] = "768Mi"
    doc["hpa"]["spec"]["metrics"] = [
        {
            "type": "ContainerResource",
            "containerResource": {
                "name": "cpu",
                "container": "app",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        },
        {
            "type": "Resource",
            "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}},
        },
    ]
    out = step_document(doc)
    assert out["currentMetrics"] == [
        {
            "type": "ContainerResource",
            "containerResource": {
                "name": "cpu",
                "container": "app",
                "current": {"averageValue": "400m", "averageUtilization": 80},
            },
        },
        # 768Mi = 805306368 bytes, written in milli-units as the controller does
        {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "805306368"}}},
    ]
    # cpu 80% of 80% -> 1.0 -> keep 2; memory 768Mi / 512Mi = 1.5 -> ceil(1.5 * 2) = 3
    assert [p["replicas"] for p in out["metricProposals"]] == [2, 3]
    assert out["desiredReplicas"] == 3


def test_container_resource_failure_wording() -> None:
    doc = document()
    doc["hpa"]["spec"]["metrics"] = [
        {
            "type": "ContainerResource",
            "containerResource": {
                "name": "cpu",
                "container": "sidecar",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        },
    ]
    out = step_document(doc)
    active = next(c for c in out["conditions"] if c["type"] == "ScalingActive")
    assert (active["status"], active["reason"]) == ("False", "FailedGetContainerResourceMetric")
    assert out["metricProposals"][0]["error"] == (
        "failed to get sidecar container metric value: failed to get cpu utilization:"
        " did not receive metrics for targeted pods (pods might be unready)"
    )
