"""Request paths of the custom and external metrics APIs, parsed into frozen requests.

Custom metrics routes (custom-metrics-apiserver ``installer/cmhandlers.go``), under
``/apis/custom.metrics.k8s.io/<v1beta1|v1beta2>/``:

=============================================  ============================================
``namespaces/{ns}/{resource}/{name}/{metric}``  one namespaced object
``namespaces/{ns}/{resource}/*/{metric}``       all objects in ``ns`` matching labelSelector
``namespaces/{ns}/metrics/{metric}``            the Namespace object ``ns`` itself
``{resource}/{name}/{metric}``                  one cluster-scoped object (``nodes/n1/...``)
``{resource}/*/{metric}``                       all cluster-scoped objects matching labelSelector
=============================================  ============================================

A metric about a namespace is a request for the cluster-scoped resource ``namespaces`` whose
object name is ``ns`` (``namespace`` is ``None``), as the Go server rewrites it;
``namespaces/*/metrics/{m}`` is its wildcard form. ``namespaces/{ns}/{metric}`` is not a route
and is refused, like every other shape. External metrics have one route:
``/apis/external.metrics.k8s.io/v1beta1/namespaces/{ns}/{metric}``, where ``labelSelector``
selects *series* of the metric.

Segments may arrive percent-encoded (``%2A`` for ``*``) and are decoded once. Names are
validated strictly, and both selectors are parsed here so that a bad one fails the request
early; they are kept in canonical string form (``None`` when empty). Errors raise
``RequestPathError`` or ``SelectorError`` (both become 400). Knows nothing of HTTP frameworks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from metrics_adapter.kube.api_groups import (
    CUSTOM_METRICS_GROUP,
    CUSTOM_METRICS_VERSIONS,
    EXTERNAL_METRICS_GROUP,
    EXTERNAL_METRICS_VERSIONS,
)
from metrics_adapter.kube.errors import GroupResourceError, RequestPathError
from metrics_adapter.kube.labels import dns1123_label_errors
from metrics_adapter.kube.resources import GroupResource, parse_group_resource
from metrics_adapter.kube.selector import LabelSelector
from metrics_adapter.kube.selector_parser import parse_selector

__all__ = [
    "ALL_OBJECTS",
    "CustomMetricRequest",
    "ExternalMetricRequest",
    "parse_custom_metric_path",
    "parse_external_metric_path",
]

ALL_OBJECTS = "*"
_NAMESPACES = GroupResource("namespaces")
_OBJECT_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.:]*[A-Za-z0-9])?")
_METRIC_NAME = re.compile(r"[A-Za-z0-9_:][-A-Za-z0-9_.:]*")
_NAME_MAX = 253


@dataclass(frozen=True, slots=True)
class CustomMetricRequest:
    """A parsed custom metrics request; ``name`` is an object name or ``"*"`` (all matching)."""

    version: str
    group_resource: GroupResource
    namespace: str | None
    name: str
    metric: str
    label_selector: str | None = None
    metric_label_selector: str | None = None

    @property
    def is_wildcard(self) -> bool:
        return self.name == ALL_OBJECTS

    @property
    def object_selector(self) -> LabelSelector:
        """The ``labelSelector`` (selects objects); empty when absent."""
        return parse_selector(self.label_selector)

    @property
    def metric_selector(self) -> LabelSelector:
        """The ``metricLabelSelector`` (selects series of the metric); empty when absent."""
        return parse_selector(self.metric_label_selector)


@dataclass(frozen=True, slots=True)
class ExternalMetricRequest:
    """A parsed external metrics request; ``label_selector`` selects series of the metric."""

    namespace: str
    metric: str
    label_selector: str | None = None

    @property
    def metric_selector(self) -> LabelSelector:
        return parse_selector(self.label_selector)


def _canonical_selector(text: str | None) -> str | None:
    return str(parse_selector(text)) or None


def _segments(path: str, group: str, versions: tuple[str, ...]) -> tuple[str, list[str]]:
    """Split ``/apis/<group>/<version>/...`` into the version and the decoded remaining segments."""
    if "?" in path or "#" in path:
        raise RequestPathError("invalid request path: pass the path without its query string")
    parts = path.split("/")
    if len(parts) < 4 or parts[0] != "" or parts[1] != "apis" or parts[2] != group:
        raise RequestPathError(f"invalid request path: expected /apis/{group}/<version>/...")
    version = parts[3]
    if version not in versions:
        raise RequestPathError(f"invalid request path: {group} serves versions {', '.join(versions)}")
    rest = [unquote(part) for part in parts[4:]]
    if any(not part for part in rest):
        raise RequestPathError("invalid request path: empty path segment")
    return version, rest


def _check_namespace(namespace: str) -> str:
    if problems := dns1123_label_errors(namespace):
        raise RequestPathError(f"invalid request path: namespace {namespace!r}: " + "; ".join(problems))
    return namespace


def _check_object_name(name: str) -> str:
    if name != ALL_OBJECTS and (len(name) > _NAME_MAX or not _OBJECT_NAME.fullmatch(name)):
        raise RequestPathError(f"invalid request path: object name {name!r} is not a valid name or '*'")
    return name


def _check_metric(metric: str) -> str:
    if len(metric) > _NAME_MAX or not _METRIC_NAME.fullmatch(metric):
        raise RequestPathError(
            f"invalid request path: metric name {metric!r} "
            "must consist of alphanumerics, '_', ':', '-' or '.'"
        )
    return metric


def _group_resource(text: str) -> GroupResource:
    try:
        return parse_group_resource(text)
    except GroupResourceError as exc:
        raise RequestPathError(f"invalid request path: {exc}") from exc


def parse_custom_metric_path(
    path: str, *, label_selector: str | None = None, metric_label_selector: str | None = None
) -> CustomMetricRequest:
    """Parse a custom metrics request path and its two selector query parameters."""
    version, rest = _segments(path, CUSTOM_METRICS_GROUP, CUSTOM_METRICS_VERSIONS)
    objects = _canonical_selector(label_selector)
    series = _canonical_selector(metric_label_selector)
    match rest:
        case ["namespaces", namespace, "metrics", metric]:
            if namespace != ALL_OBJECTS:
                _check_namespace(namespace)
            return CustomMetricRequest(
                version,
                _NAMESPACES,
                None,
                namespace,
                _check_metric(metric),
                label_selector=objects,
                metric_label_selector=series,
            )
        case ["namespaces", namespace, resource, name, metric] if resource != "metrics":
            return CustomMetricRequest(
                version,
                _group_resource(resource),
                _check_namespace(namespace),
                _check_object_name(name),
                _check_metric(metric),
                label_selector=objects,
                metric_label_selector=series,
            )
        case [resource, name, metric] if resource != "namespaces":
            return CustomMetricRequest(
                version,
                _group_resource(resource),
                None,
                _check_object_name(name),
                _check_metric(metric),
                label_selector=objects,
                metric_label_selector=series,
            )
    raise RequestPathError(
        "invalid request path: expected namespaces/{ns}/{resource}/{name}/{metric}, "
        "namespaces/{ns}/metrics/{metric} or {resource}/{name}/{metric}"
    )


def parse_external_metric_path(path: str, *, label_selector: str | None = None) -> ExternalMetricRequest:
    """Parse ``/apis/external.metrics.k8s.io/v1beta1/namespaces/{ns}/{metric}``."""
    _, rest = _segments(path, EXTERNAL_METRICS_GROUP, EXTERNAL_METRICS_VERSIONS)
    match rest:
        case ["namespaces", namespace, metric]:
            return ExternalMetricRequest(
                _check_namespace(namespace), _check_metric(metric), _canonical_selector(label_selector)
            )
    raise RequestPathError("invalid request path: expected namespaces/{ns}/{metric}")
