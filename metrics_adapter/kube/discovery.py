"""Legacy discovery documents for the metrics API groups, and the aggregated-discovery check.

* ``GET /apis`` -> ``APIGroupList`` of both groups (their entries carry no kind/apiVersion);
* ``GET /apis/<group>`` -> ``APIGroup`` with versions preferred first (v1beta2 for custom);
* ``GET /apis/<group>/<version>`` -> ``APIResourceList``: one entry per served metric, named
  ``<group-resource>/<metric>`` for custom metrics (``pods/rps``, ``deployments.apps/rps``,
  ``namespaces/rps``) and ``<metric>`` for external ones, with ``singularName: ""``, kind
  ``MetricValueList``/``ExternalMetricValueList`` and verbs ``["get"]``.

The kube-aggregator converts these lists for aggregated discovery and fails the whole
group-version if one group-resource is listed both namespaced and cluster-scoped, so the
builder refuses that. The aggregator asks ``/apis`` for ``APIGroupDiscoveryList`` only and
falls back to legacy discovery only on 406: ``accepts_only_aggregated_discovery`` tells the
server when to answer 406. Knows nothing of HTTP frameworks or of how metrics are configured.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

from pydantic import Field

from metrics_adapter.kube.api_groups import (
    CUSTOM_METRICS_GROUP,
    CUSTOM_METRICS_VERSIONS,
    EXTERNAL_METRICS_GROUP,
    EXTERNAL_METRICS_VERSIONS,
    versions_of,
)
from metrics_adapter.kube.resources import GroupResource, parse_group_resource
from metrics_adapter.kube.wire import WireModel

__all__ = [
    "APIGroup",
    "APIGroupList",
    "APIResource",
    "APIResourceList",
    "GroupVersionForDiscovery",
    "MetricResource",
    "accepts_only_aggregated_discovery",
    "build_api_group",
    "build_api_group_list",
    "build_custom_metrics_resource_list",
    "build_external_metrics_resource_list",
]


class GroupVersionForDiscovery(WireModel):
    group_version: str
    version: str


class APIGroup(WireModel):
    """``APIGroup``; ``kind``/``apiVersion`` are ``None`` (omitted) inside an ``APIGroupList``."""

    kind: Literal["APIGroup"] | None = "APIGroup"
    api_version: Literal["v1"] | None = "v1"
    name: str
    versions: list[GroupVersionForDiscovery]
    preferred_version: GroupVersionForDiscovery


class APIGroupList(WireModel):
    kind: Literal["APIGroupList"] = "APIGroupList"
    api_version: Literal["v1"] = "v1"
    groups: list[APIGroup]


class APIResource(WireModel):
    name: str
    singular_name: str = ""
    namespaced: bool
    group: str | None = None
    version: str | None = None
    kind: str
    verbs: list[str] = Field(default_factory=lambda: ["get"])
    short_names: list[str] | None = None
    categories: list[str] | None = None


class APIResourceList(WireModel):
    kind: Literal["APIResourceList"] = "APIResourceList"
    api_version: Literal["v1"] = "v1"
    group_version: str
    resources: list[APIResource]


class MetricResource(NamedTuple):
    """One discoverable custom metric: ``("pods", "rps", True)``."""

    group_resource: str | GroupResource
    metric: str
    namespaced: bool


def _group_version(group: str, version: str) -> GroupVersionForDiscovery:
    return GroupVersionForDiscovery(group_version=f"{group}/{version}", version=version)


def build_api_group(group: str, *, in_list: bool = False) -> APIGroup:
    """The ``APIGroup`` document of a served group; ``ValueError`` for any other group."""
    versions = versions_of(group)
    if not versions:
        raise ValueError(f"API group {group!r} is not served here")
    return APIGroup(
        kind=None if in_list else "APIGroup",
        api_version=None if in_list else "v1",
        name=group,
        versions=[_group_version(group, version) for version in versions],
        preferred_version=_group_version(group, versions[0]),
    )


def build_api_group_list() -> APIGroupList:
    """``GET /apis``: both metrics groups."""
    return APIGroupList(
        groups=[
            build_api_group(group, in_list=True) for group in (CUSTOM_METRICS_GROUP, EXTERNAL_METRICS_GROUP)
        ]
    )


def build_custom_metrics_resource_list(
    version: str, metrics: Iterable[tuple[str | GroupResource, str, bool]]
) -> APIResourceList:
    """``GET /apis/custom.metrics.k8s.io/<version>`` from ``(group-resource, metric, namespaced)``.

    Entries are sorted by name, duplicates removed; ``MetricResource`` tuples or plain ones.

    Raises ``ValueError`` for an unserved version, or when one group-resource is given as both
    namespaced and cluster-scoped.
    """
    if version not in CUSTOM_METRICS_VERSIONS:
        raise ValueError(f"{CUSTOM_METRICS_GROUP} does not serve version {version!r}")
    scope: dict[GroupResource, bool] = {}
    names: dict[str, bool] = {}
    for group_resource, metric, namespaced in metrics:
        resource = parse_group_resource(group_resource) if isinstance(group_resource, str) else group_resource
        if scope.setdefault(resource, namespaced) != namespaced:
            raise ValueError(f"{resource} is listed both as namespaced and as cluster-scoped")
        names[f"{resource}/{metric}"] = namespaced
    return APIResourceList(
        group_version=f"{CUSTOM_METRICS_GROUP}/{version}",
        resources=[
            APIResource(name=name, namespaced=namespaced, kind="MetricValueList")
            for name, namespaced in sorted(names.items())
        ],
    )


def build_external_metrics_resource_list(metrics: Iterable[str]) -> APIResourceList:
    """``GET /apis/external.metrics.k8s.io/v1beta1``: one namespaced entry per metric name."""
    return APIResourceList(
        group_version=f"{EXTERNAL_METRICS_GROUP}/{EXTERNAL_METRICS_VERSIONS[0]}",
        resources=[
            APIResource(name=metric, namespaced=True, kind="ExternalMetricValueList")
            for metric in sorted(set(metrics))
        ],
    )


def _media_params(media_range: str) -> dict[str, str]:
    """The parameters of one media range (``type/subtype;k=v;...``), keys lowercased."""
    parsed: dict[str, str] = {}
    for param in media_range.split(";")[1:]:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"')
    return parsed


def _is_refused(params: dict[str, str]) -> bool:
    """A media range with ``q=0`` means "not acceptable"."""
    try:
        return float(params.get("q", "1")) == 0
    except ValueError:
        return False


def accepts_only_aggregated_discovery(accept: str | None) -> bool:
    """Whether an ``Accept`` header admits nothing but ``APIGroupDiscoveryList`` (v2 or v2beta1).

    Such a request (the kube-aggregator's ``GET /apis``) must get 406 from a server without
    aggregated discovery, so that the aggregator falls back to ``/apis/<group>/<version>``.
    A missing header, ``*/*`` or plain ``application/json`` anywhere in it returns False.
    """
    if not accept or not accept.strip():
        return False
    considered = 0
    for media_range in accept.split(","):
        if not media_range.strip():
            continue
        params = _media_params(media_range)
        if _is_refused(params):
            continue
        considered += 1
        if params.get("g") != "apidiscovery.k8s.io" or params.get("as") != "APIGroupDiscoveryList":
            return False
    return considered > 0
