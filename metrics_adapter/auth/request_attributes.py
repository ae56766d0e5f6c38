"""Authorisation attributes of a request, derived from its method and path like Kubernetes does.

Follows apiserver's request-info parsing, the source of every SubjectAccessReview an aggregated
server sends:

- ``/apis/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`` is a resource
  request (``/api/<version>/...`` for the core group). ``namespaces/<ns>`` followed by more parts
  sets the namespace; alone (or followed by ``status``/``finalize``) it is the ``namespaces``
  resource named ``<ns>``. Parts after the subresource are ignored.
- Verb from the method: GET/HEAD -> ``get`` with a name, ``list`` without (``watch`` with
  ``?watch=true`` or a ``/watch/`` prefix part); POST ``create``; PUT ``update``; PATCH ``patch``;
  DELETE ``delete`` / ``deletecollection``. A list narrowed by ``fieldSelector=metadata.name=<n>``
  gets name ``<n>``.
- Everything else (``/apis``, ``/apis/<group>``, ``/apis/<group>/<version>``, ``/openapi/v2``,
  ``/metrics``) is a non-resource request: path and the lower-cased method (``get``).

So ``GET /apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps`` is
get pods/rps named ``*`` in ``shop``; ``GET /apis/external.metrics.k8s.io/v1beta1/namespaces/w/q``
is list ``q`` in ``w``. ``path`` is the decoded path (``%2A`` already ``*``). Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["NonResourceAttributes", "RequestAttributes", "ResourceAttributes", "derive_request_attributes"]

_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})
_METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


@dataclass(frozen=True)
class ResourceAttributes:
    verb: str
    group: str
    version: str
    resource: str
    namespace: str = ""
    name: str = ""
    subresource: str = ""

    def to_wire(self) -> dict[str, Any]:
        """``resourceAttributes`` of a SubjectAccessReview spec (empty fields left out)."""
        fields = {
            "namespace": self.namespace,
            "verb": self.verb,
            "group": self.group,
            "version": self.version,
            "resource": self.resource,
            "subresource": self.subresource,
            "name": self.name,
        }
        return {key: value for key, value in fields.items() if value}


@dataclass(frozen=True)
class NonResourceAttributes:
    path: str
    verb: str

    def to_wire(self) -> dict[str, Any]:
        return {"path": self.path, "verb": self.verb}


RequestAttributes = ResourceAttributes | NonResourceAttributes


def _read_verb(method: str) -> str | None:
    return "get" if method in ("GET", "HEAD") else None


def _is_path_segment(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/%=")


def _name_from_field_selector(query: list[tuple[str, str]]) -> str:
    selector = next((value for key, value in query if key == "fieldSelector"), "")
    for requirement in selector.split(","):
        for operator in ("==", "="):
            field_name, found, value = requirement.partition(operator)
            value = value.strip()
            if found and field_name.strip() == "metadata.name" and _is_path_segment(value):
                return value
    return ""


def derive_request_attributes(method: str, path: str, *, query_string: str = "") -> RequestAttributes:
    method = method.upper()
    parts = path.strip("/").split("/") if path.strip("/") else []
    non_resource = NonResourceAttributes(path=path, verb=method.lower())
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return non_resource
    group = ""
    rest = parts[1:]
    if parts[0] == "apis":
        if len(rest) < 3:
            return non_resource
        group, rest = rest[0], rest[1:]
    version, rest = rest[0], rest[1:]
    query = parse_qsl(query_string, keep_blank_values=True)

    verb = _METHOD_VERBS.get(method) or _read_verb(method) or method.lower()
    if rest and rest[0] in ("watch", "proxy"):
        verb, rest = rest[0], rest[1:]

    namespace = ""
    if len(rest) >= 2 and rest[0] == "namespaces":
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0] if rest else ""
    name = rest[1] if len(rest) >= 2 else ""
    subresource = rest[2] if len(rest) >= 3 and verb != "proxy" else ""

    if not name:
        if verb == "get":
            watch = next((v for k, v in query if k == "watch"), "")
            verb = "watch" if watch.lower() in ("true", "1") else "list"
        elif verb == "delete":
            verb = "deletecollection"
    if verb in ("list", "watch") and not name:
        name = _name_from_field_selector(query)
    return ResourceAttributes(
        verb=verb,
        group=group,
        version=version,
        resource=resource,
        namespace=namespace,
        name=name,
        subresource=subresource,
    )
