"""deploy/base: every manifest is a valid Kubernetes object and the wiring between them holds.

Built with the builtin kustomize builder (no kubectl needed); the overlays, rendered through
``kubectl kustomize`` too, are checked in tests/integration/test_deploy_render.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from servescale.deploy.kustomize import build

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
OBJECTS = build(DEPLOY / "base")


def find(kind: str, name: str) -> dict[str, Any]:
    matches = [o for o in OBJECTS if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}"
    return matches[0]


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: f"{o['kind']}/{o['metadata']['name']}")
def test_object_validates_strictly_against_kubernetes_schema(obj: dict[str, Any]) -> None:
    kubernetes_validate.validate(obj, "1.33", strict=True)


def test_every_metrics_group_version_is_registered_with_v1beta2_preferred() -> None:
    services = {o["metadata"]["name"]: o["spec"] for o in OBJECTS if o["kind"] == "APIService"}
    assert set(services) == {
        "v1beta1.custom.metrics.k8s.io",
        "v1beta2.custom.metrics.k8s.io",
        "v1beta1.external.metrics.k8s.io",
    }
    for name, spec in services.items():
        assert name == f"{spec['version']}.{spec['group']}"
        assert spec["service"] == {"name": "servescale", "namespace": "servescale", "port": 443}
    assert (
        services["v1beta2.custom.metrics.k8s.io"]["versionPriority"]
        > services["v1beta1.custom.metrics.k8s.io"]["versionPriority"]
    )


def test_auth_reader_binding_lives_in_kube_system() -> None:
    binding = find("RoleBinding", "servescale-auth-reader")
    assert binding["metadata"]["namespace"] == "kube-system"
    assert binding["roleRef"]["name"] == "extension-apiserver-authentication-reader"


def test_service_targets_the_secure_port_and_probes_use_the_health_port() -> None:
    deployment = find("Deployment", "servescale")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert f"--secure-port={ports['https']}" in container["args"]
    assert f"--health-port={ports['health']}" in container["args"]
    assert container["readinessProbe"]["httpGet"]["port"] == "health"
    service = find("Service", "servescale")
    assert {"name": "https", "port": 443, "targetPort": "https"} in service["spec"]["ports"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["selector"] == selector
    assert deployment["spec"]["template"]["metadata"]["labels"].items() >= selector.items()
