"""Group-resources and the table of known resources used for describedObject."""

from __future__ import annotations

import pytest

from metrics_adapter.kube import (
    KNOWN_RESOURCES,
    GroupResource,
    GroupResourceError,
    ObjectReference,
    lookup_resource,
    parse_group_resource,
)


@pytest.mark.parametrize(
    ("text", "resource", "group"),
    [
        pytest.param("pods", "pods", "", id="core"),
        pytest.param("deployments.apps", "deployments", "apps", id="apps"),
        pytest.param("rollouts.argoproj.io", "rollouts", "argoproj.io", id="dotted-group"),
        pytest.param(
            "inferenceservices.serving.kserve.io", "inferenceservices", "serving.kserve.io", id="kserve"
        ),
    ],
)
def test_parse_group_resource(text: str, resource: str, group: str) -> None:
    parsed = parse_group_resource(text)
    assert parsed == GroupResource(resource, group)
    assert str(parsed) == text


@pytest.mark.parametrize(
    "text",
    ["", "Pods", "pods.", ".apps", "pods.Apps", "po ds", "pods/x", "pods.ap_ps", "*"],
)
def test_parse_group_resource_refuses_malformed(text: str) -> None:
    with pytest.raises(GroupResourceError):
        parse_group_resource(text)


@pytest.mark.parametrize(
    ("text", "kind", "api_version", "namespaced"),
    [
        pytest.param("pods", "Pod", "v1", True, id="pods"),
        pytest.param("pod", "Pod", "v1", True, id="singular"),
        pytest.param("services", "Service", "v1", True, id="services"),
        pytest.param("namespaces", "Namespace", "v1", False, id="namespaces"),
        pytest.param("nodes", "Node", "v1", False, id="nodes"),
        pytest.param("deployments.apps", "Deployment", "apps/v1", True, id="deployments"),
        pytest.param("deployment.apps", "Deployment", "apps/v1", True, id="deployment-singular"),
        pytest.param("statefulsets.apps", "StatefulSet", "apps/v1", True, id="statefulsets"),
        pytest.param("jobs.batch", "Job", "batch/v1", True, id="jobs"),
        pytest.param("ingresses.networking.k8s.io", "Ingress", "networking.k8s.io/v1", True, id="ingress"),
    ],
)
def test_lookup_known_resources(text: str, kind: str, api_version: str, namespaced: bool) -> None:
    info = lookup_resource(text)
    assert info is not None
    assert (info.kind, info.api_version, info.namespaced) == (kind, api_version, namespaced)


def test_unknown_resource_is_none() -> None:
    assert lookup_resource("widgets.example.com") is None
    assert lookup_resource(GroupResource("pods", "apps")) is None


def test_known_resources_are_unique() -> None:
    names = [info.group_resource for info in KNOWN_RESOURCES]
    assert len(names) == len(set(names))


def test_reference_for_namespaced_and_cluster_scoped_objects() -> None:
    deployments = lookup_resource("deployments.apps")
    nodes = lookup_resource("nodes")
    assert deployments is not None
    assert nodes is not None
    assert deployments.reference("web", namespace="shop") == ObjectReference(
        kind="Deployment", name="web", api_version="apps/v1", namespace="shop"
    )
    assert nodes.reference("n1", namespace="ignored") == ObjectReference(
        kind="Node", name="n1", api_version="v1"
    )
    with pytest.raises(ValueError, match="namespace is required"):
        deployments.reference("web")


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"kind": ""}, id="no-kind"),
        pytest.param({"name": ""}, id="no-name"),
        pytest.param({"api_version": ""}, id="no-api-version"),
        pytest.param({"namespace": ""}, id="empty-namespace"),
    ],
)
def test_object_reference_validation(kwargs: dict[str, str]) -> None:
    arguments = {"kind": "Pod", "name": "p", "api_version": "v1", "namespace": "shop"} | kwargs
    with pytest.raises(ValueError):  # noqa: PT011
        ObjectReference(**arguments)
