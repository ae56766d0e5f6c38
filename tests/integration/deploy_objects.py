"""Checks on rendered Kubernetes objects, shared by the deploy tests.

* ``validate_object``: Kubernetes 1.33 schemas (``kubernetes-validate``, strict) for built-in kinds;
  for ServiceMonitor, PrometheusRule, Certificate and Issuer the CRDs' own OpenAPI v3 schemas from
  ``tests/data/crds/`` (upstream files), made strict the way the API server's field validation is:
  an unknown field is an error unless the schema preserves unknown fields.
* ``restricted_violations``: the Pod Security Standards "restricted" profile (v1.33) on a pod spec.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

CRD_DIR = Path(__file__).resolve().parents[1] / "data" / "crds"
KUBERNETES_VERSION = "1.33"


def _strict(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` wherever properties are listed and nothing
    says unknown fields are kept (``x-kubernetes-preserve-unknown-fields``)."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _strict(value) for key, value in schema.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> the strict OpenAPI schema of that served version."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(CRD_DIR.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not crd:
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served"):
                    schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                    schema["properties"]["metadata"] = {"type": "object"}
                    schemas[(f"{group}/{version['name']}", kind)] = _strict(schema)
    return schemas


def validate_object(obj: dict[str, Any]) -> None:
    """Raise when ``obj`` is not valid for its kind (see the module docstring)."""
    key = (obj["apiVersion"], obj["kind"])
    schemas = crd_schemas()
    if key in schemas:
        # Not jsonschema.validate: that first checks the schema's own patterns as ECMA regexes, and
        # the upstream CRDs carry Go (RE2) patterns such as ^(?i)(abort|warn)?$.
        jsonschema.Draft7Validator(schemas[key]).validate(obj)
        # ObjectMeta is the same for every kind: check it through a built-in kind's schema.
        kubernetes_validate.validate(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": obj["metadata"]},
            KUBERNETES_VERSION,
            strict=True,
        )
        return
    kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


_ALLOWED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod.get("containers", []), *pod.get("ephemeralContainers", [])]


def restricted_violations(pod: dict[str, Any]) -> list[str]:
    """What in ``pod`` (a PodSpec) the restricted profile forbids; empty when it complies.

    Baseline: no host namespaces, privileged containers, added capabilities beyond the baseline
    set, hostPath volumes or host ports. Restricted adds: only the listed volume types, no privilege
    escalation, runAsNonRoot (pod or every container), no runAsUser 0, seccomp RuntimeDefault or
    Localhost, all capabilities dropped and only NET_BIND_SERVICE added back.
    """
    problems = []
    pod_sc = pod.get("securityContext") or {}
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(field):
            problems.append(f"{field} is true")
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= _ALLOWED_VOLUMES:
            problems.append(f"volume {volume['name']}: type {sorted(kinds)} not allowed")
    if pod_sc.get("runAsUser") == 0:
        problems.append("pod runAsUser is 0")
    pod_seccomp = (pod_sc.get("seccompProfile") or {}).get("type")
    for container in _containers(pod):
        name = container["name"]
        sc = container.get("securityContext") or {}
        if sc.get("privileged"):
            problems.append(f"{name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: allowPrivilegeEscalation is not false")
        if not sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")):
            problems.append(f"{name}: runAsNonRoot is not true")
        if sc.get("runAsUser") == 0:
            problems.append(f"{name}: runAsUser is 0")
        seccomp = (sc.get("seccompProfile") or {}).get("type", pod_seccomp)
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"{name}: seccompProfile is {seccomp!r}")
        capabilities = sc.get("capabilities") or {}
        if "ALL" not in capabilities.get("drop", []):
            problems.append(f"{name}: capabilities do not drop ALL")
        if set(capabilities.get("add", [])) - {"NET_BIND_SERVICE"}:
            problems.append(f"{name}: adds capabilities {capabilities['add']}")
        if any(port.get("hostPort") for port in container.get("ports", [])):
            problems.append(f"{name}: uses a hostPort")
    return problems
