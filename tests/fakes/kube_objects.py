"""A fake kube-apiserver serving read-only objects, so that a real ``kubectl get`` can print them.

It answers GET requests at the HTTP boundary with the documented shapes of the Kubernetes API:

* ``/version`` (``version.Info``, 1.32 unless told otherwise), which kubectl asks first;
* legacy discovery: ``/api`` (``APIVersions``), ``/api/v1`` and ``/apis/{group}/{version}``
  (``APIResourceList``), ``/apis`` (``APIGroupList``) and ``/apis/{group}`` (``APIGroup``), for
  the core group (namespaces, pods), ``apps/v1`` (deployments and their ``scale`` subresource),
  ``autoscaling/v2`` (horizontalpodautoscalers, short name ``hpa``) and ``metrics.k8s.io/v1beta1``
  (pods and nodes). Aggregated discovery is not offered: a request asking for
  ``as=APIGroupDiscoveryList`` gets the legacy document with ``Content-Type: application/json``,
  as from a server without it, and the client falls back to per-version documents;
* collections (``PodList``, ``DeploymentList``, ``PodMetricsList``...) with
  ``metadata.resourceVersion`` and items *without* ``kind``/``apiVersion``, as the API server
  lists them; ``?labelSelector=`` filters by labels (``=``, ``==``, ``!=``, ``in``, ``notin``,
  ``key``, ``!key``); ``limit`` is honoured without ever needing a ``continue`` token here;
* single objects, with their ``kind`` and ``apiVersion``;
* ``deployments/{name}/scale``: an ``autoscaling/v1`` ``Scale`` built from the Deployment
  (``spec.replicas`` omitted when 0, ``status.selector`` the string form of its label selector);
* anything else, including ``/openapi/v2`` and ``/openapi/v3``: a 404 ``Status``.

The resource tables follow the API server's published discovery documents, trimmed to the
resources served here. Objects are loaded with :meth:`FakeKubeObjects.add` as complete JSON
objects (``apiVersion``, ``kind``, ``metadata.name``...) and are returned as given. Every request
is recorded. :meth:`FakeKubeObjects.serve` runs it with uvicorn on a free loopback port in a
background thread.

This fake knows nothing of autoscaling decisions or of the project's own parsers.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes.kube_apiserver import serve_app

__all__ = ["FakeKubeObjects", "ObjectRequest"]

JsonObject = dict[str, Any]

_CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
_SUB = ["get", "patch", "update"]


@dataclass(frozen=True)
class _Resource:
    name: str
    kind: str
    singular: str = ""
    namespaced: bool = True
    verbs: tuple[str, ...] = tuple(_CRUD)
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    group: str | None = None  # only for subresources of another group (Scale)
    version: str | None = None

    def document(self) -> JsonObject:
        doc: JsonObject = {
            "name": self.name,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": list(self.verbs),
        }
        if self.group is not None:
            doc["group"], doc["version"] = self.group, self.version
        if self.short_names:
            doc["shortNames"] = list(self.short_names)
        if self.categories:
            doc["categories"] = list(self.categories)
        return doc


_RESOURCES: dict[str, tuple[_Resource, ...]] = {
    "v1": (
        _Resource("namespaces", "Namespace", "namespace", namespaced=False, short_names=("ns",)),
        _Resource("pods", "Pod", "pod", short_names=("po",), categories=("all",)),
        _Resource("pods/status", "Pod", verbs=tuple(_SUB)),
    ),
    "apps/v1": (
        _Resource("deployments", "Deployment", "deployment", short_names=("deploy",), categories=("all",)),
        _Resource("deployments/scale", "Scale", verbs=tuple(_SUB), group="autoscaling", version="v1"),
        _Resource("deployments/status", "Deployment", verbs=tuple(_SUB)),
    ),
    "autoscaling/v2": (
        _Resource(
            "horizontalpodautoscalers",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscaler",
            short_names=("hpa",),
            categories=("all",),
        ),
        _Resource("horizontalpodautoscalers/status", "HorizontalPodAutoscaler", verbs=tuple(_SUB)),
    ),
    "metrics.k8s.io/v1beta1": (
        _Resource("nodes", "NodeMetrics", namespaced=False, verbs=("get", "list")),
        _Resource("pods", "PodMetrics", verbs=("get", "list")),
    ),
}
_GROUPS = ("apps", "autoscaling", "metrics.k8s.io")


def _status(code: int, reason: str, message: str, details: JsonObject | None = None) -> JsonObject:
    body: JsonObject = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


def _not_found() -> tuple[int, JsonObject]:
    return 404, _status(404, "NotFound", "the server could not find the requested resource")


def _split_selector(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


_SET = re.compile(r"^(\S+)\s+(in|notin)\s*\(([^()]*)\)$")
_EQUALITY = re.compile(r"^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$")


def label_selector_matches(selector: str, labels: Mapping[str, str]) -> bool:
    """Whether ``labels`` satisfy a ``labelSelector`` query parameter (every clause must hold)."""
    for clause in _split_selector(selector):
        if match := _SET.match(clause):
            key, op, values = match[1], match[2], {v.strip() for v in match[3].split(",")}
            if (op == "in") != (key in labels and labels[key] in values):
                return False
        elif match := _EQUALITY.match(clause):
            key, op, value = match[1], match[2], match[3]
            if (labels.get(key) == value) != (op != "!="):
                return False
        elif clause.startswith("!"):
            if clause[1:].strip() in labels:
                return False
        elif clause not in labels:
            return False
    return True


def selector_string(selector: Mapping[str, Any]) -> str:
    """A ``metav1.LabelSelector`` in the string form the scale subresource reports, keys sorted."""
    clauses: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expression in selector.get("matchExpressions") or ():
        key, op, values = expression["key"], expression["operator"], sorted(expression.get("values") or ())
        text = {
            "In": f"{key} in ({','.join(values)})",
            "NotIn": f"{key} notin ({','.join(values)})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }[op]
        clauses.append((key, text))
    return ",".join(text for _, text in sorted(clauses))


@dataclass(frozen=True)
class ObjectRequest:
    method: str
    path: str
    query: str
    accept: str | None


class FakeKubeObjects:
    def __init__(
        self, *, server_version: tuple[int, int, int] = (1, 32, 4), resource_version: int = 1
    ) -> None:
        major, minor, patch = server_version
        self.version: JsonObject = {  # version.Info
            "major": str(major),
            "minor": str(minor),
            "gitVersion": f"v{major}.{minor}.{patch}",
            "gitTreeState": "clean",
            "compiler": "gc",
            "platform": "linux/amd64",
        }
        self._objects: dict[tuple[str, str, str | None, str], JsonObject] = {}
        self._resource_version = resource_version
        self.requests: list[ObjectRequest] = []
        self.app = self._build_app()

    def add(self, obj: Mapping[str, Any]) -> None:
        """Store a complete object; its ``apiVersion`` and ``kind`` say where it is served."""
        group_version, kind = obj["apiVersion"], obj["kind"]
        resource = next(
            (r for r in _RESOURCES.get(group_version, ()) if r.kind == kind and "/" not in r.name), None
        )
        if resource is None:
            raise ValueError(f"{kind} of {group_version} is not served by this fake")
        metadata = obj["metadata"]
        namespace = metadata.get("namespace") if resource.namespaced else None
        self._objects[(group_version, resource.name, namespace, metadata["name"])] = copy.deepcopy(dict(obj))
        self._resource_version = max(self._resource_version, int(metadata.get("resourceVersion") or 0))

    # -- request handling -------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: Mapping[str, str], *, host: str = ""
    ) -> tuple[int, JsonObject]:
        if method != "GET":
            return 405, _status(405, "MethodNotAllowed", f"the server does not allow this method: {method}")
        parts = [p for p in path.split("/") if p]
        if parts == ["version"]:
            return 200, dict(self.version)
        if parts == ["api"]:
            addresses = [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}] if host else []
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": addresses}
        if parts == ["apis"]:
            return 200, {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [self._group(g) for g in _GROUPS],
            }
        if parts[:1] == ["api"] and len(parts) >= 2:
            return self._versioned(parts[1], parts[2:], query)
        if parts[:1] == ["apis"] and len(parts) == 2 and parts[1] in _GROUPS:
            return 200, {"kind": "APIGroup", "apiVersion": "v1", **self._group(parts[1])}
        if parts[:1] == ["apis"] and len(parts) >= 3:
            return self._versioned(f"{parts[1]}/{parts[2]}", parts[3:], query)
        return _not_found()

    @staticmethod
    def _group(name: str) -> JsonObject:
        versions = [
            {"groupVersion": gv, "version": gv.split("/")[1]}
            for gv in _RESOURCES
            if gv.startswith(f"{name}/")
        ]
        return {"name": name, "versions": versions, "preferredVersion": versions[0]}

    def _versioned(
        self, group_version: str, rest: list[str], query: Mapping[str, str]
    ) -> tuple[int, JsonObject]:
        resources = _RESOURCES.get(group_version)
        if resources is None:
            return _not_found()
        if not rest:
            return 200, {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": group_version,
                "resources": [r.document() for r in resources],
            }
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        resource = next((r for r in resources if r.name == rest[0]), None)
        if resource is None or len(rest) > 3 or (namespace is not None and not resource.namespaced):
            return _not_found()
        if len(rest) == 1:
            return self._list(group_version, resource, namespace, query)
        key = (group_version, resource.name, namespace if resource.namespaced else None, rest[1])
        obj = self._objects.get(key)
        if obj is None:
            group = group_version.split("/")[0] if "/" in group_version else ""
            qualified = f"{resource.name}.{group}" if group else resource.name
            details = {"name": rest[1], "kind": resource.name, **({"group": group} if group else {})}
            return 404, _status(404, "NotFound", f'{qualified} "{rest[1]}" not found', details)
        if len(rest) == 2:
            return 200, copy.deepcopy(obj)
        if f"{resource.name}/{rest[2]}" == "deployments/scale":
            return 200, self._scale(obj)
        return _not_found()

    def _list(
        self, group_version: str, resource: _Resource, namespace: str | None, query: Mapping[str, str]
    ) -> tuple[int, JsonObject]:
        selector = query.get("labelSelector", "")
        items = [
            copy.deepcopy(obj)
            for (gv, name, ns, _), obj in sorted(self._objects.items(), key=lambda kv: str(kv[0]))
            if gv == group_version
            and name == resource.name
            and (namespace is None or ns == namespace)
            and label_selector_matches(selector, obj["metadata"].get("labels") or {})
        ]
        for item in items:  # the API server lists items without their type
            item.pop("kind", None)
            item.pop("apiVersion", None)
        limit = int(query.get("limit") or 0)
        if limit > 0:
            items = items[:limit]
        return 200, {
            "kind": f"{resource.kind}List",
            "apiVersion": group_version,
            "metadata": {"resourceVersion": str(self._resource_version)},
            "items": items,
        }

    @staticmethod
    def _scale(deployment: Mapping[str, Any]) -> JsonObject:
        meta = deployment["metadata"]
        spec_replicas = deployment.get("spec", {}).get("replicas", 1)
        status = deployment.get("status") or {}
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                key: meta[key]
                for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                if key in meta
            },
            "spec": {"replicas": spec_replicas} if spec_replicas else {},
            "status": {
                "replicas": status.get("replicas", 0),
                "selector": selector_string(deployment["spec"].get("selector") or {}),
            },
        }

    # -- serving ----------------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        async def any_path(request: Request) -> JSONResponse:
            self.requests.append(
                ObjectRequest(
                    request.method, request.url.path, request.url.query, request.headers.get("accept")
                )
            )
            code, body = self.handle(
                request.method,
                request.url.path,
                dict(request.query_params),
                host=request.headers.get("host", ""),
            )
            return JSONResponse(body, status_code=code, media_type="application/json")

        return app

    def serve(self) -> AbstractContextManager[str]:
        """Run on ``127.0.0.1:<free port>`` in a thread; yields the base URL."""
        return serve_app(self.app)
