"""The fake object-serving kube-apiserver answers like the API: selectors, 404 Status, Scale, lists."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.kube_objects import FakeKubeObjects


def _pod(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "ml", "labels": labels},
    }


@pytest.fixture
def fake() -> FakeKubeObjects:
    fake = FakeKubeObjects()
    fake.add(_pod("a", {"app": "llama", "tier": "gpu"}))
    fake.add(_pod("b", {"app": "llama"}))
    fake.add(_pod("c", {"app": "resnet", "tier": "cpu"}))
    fake.add(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "llama", "namespace": "ml", "resourceVersion": "77"},
            "spec": {
                "replicas": 0,
                "selector": {
                    "matchLabels": {"app": "llama"},
                    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["gpu", "a100"]}],
                },
            },
            "status": {"replicas": 2},
        }
    )
    return fake


@pytest.mark.parametrize(
    ("selector", "names"),
    [
        ("app=llama", ["a", "b"]),
        ("app==llama,tier", ["a"]),
        ("app!=llama", ["c"]),
        ("tier in (gpu, cpu),app notin (resnet)", ["a"]),
        ("!tier", ["b"]),
        ("", ["a", "b", "c"]),
    ],
)
def test_list_filters_by_label_selector(fake: FakeKubeObjects, selector: str, names: list[str]) -> None:
    code, body = fake.handle("GET", "/api/v1/namespaces/ml/pods", {"labelSelector": selector})
    assert code == 200
    assert (body["kind"], body["apiVersion"], body["metadata"]) == (
        "PodList",
        "v1",
        {"resourceVersion": "77"},
    )
    assert [item["metadata"]["name"] for item in body["items"]] == names
    assert all("kind" not in item and "apiVersion" not in item for item in body["items"])


def test_single_object_is_typed_and_missing_one_is_a_status(fake: FakeKubeObjects) -> None:
    code, body = fake.handle("GET", "/api/v1/namespaces/ml/pods/a", {})
    assert (code, body["kind"], body["apiVersion"]) == (200, "Pod", "v1")
    code, body = fake.handle("GET", "/apis/apps/v1/namespaces/ml/deployments/nope", {})
    assert code == 404
    assert (body["kind"], body["reason"], body["message"]) == (
        "Status",
        "NotFound",
        'deployments.apps "nope" not found',
    )
    assert body["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}
    assert fake.handle("GET", "/openapi/v3", {})[0] == 404


def test_scale_subresource_omits_zero_replicas_and_prints_the_selector(fake: FakeKubeObjects) -> None:
    code, body = fake.handle("GET", "/apis/apps/v1/namespaces/ml/deployments/llama/scale", {})
    assert code == 200
    assert (body["kind"], body["apiVersion"]) == ("Scale", "autoscaling/v1")
    assert body["spec"] == {}
    assert body["status"] == {"replicas": 2, "selector": "app=llama,tier in (a100,gpu)"}


def test_discovery_names_the_hpa_short_name_and_scale_group(fake: FakeKubeObjects) -> None:
    _, groups = fake.handle("GET", "/apis", {})
    assert [g["name"] for g in groups["groups"]] == ["apps", "autoscaling", "metrics.k8s.io"]
    _, autoscaling = fake.handle("GET", "/apis/autoscaling/v2", {})
    assert autoscaling["resources"][0]["shortNames"] == ["hpa"]
    _, apps = fake.handle("GET", "/apis/apps/v1", {})
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["kind"], scale["group"], scale["version"]) == ("Scale", "autoscaling", "v1")
