"""Group-resources (``pods``, ``deployments.apps``) and the Kubernetes resources we know about.

A group-resource string is ``<plural resource>`` for the core group and ``<plural>.<group>``
otherwise (apimachinery ``schema.ParseGroupResource``: split at the first dot). The HPA always
sends plurals; singulars (``pod``, ``deployment.apps``) are normalised through the table below,
as a Go server would through discovery.

The table gives what a ``describedObject`` needs (kind, apiVersion) and whether the resource is
namespaced. Resources outside it are still valid group-resources; their callers must know the
kind themselves. Knows nothing of HTTP, PromQL or metrics configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics_adapter.kube.errors import GroupResourceError
from metrics_adapter.kube.labels import dns1123_subdomain_errors
from metrics_adapter.kube.values import ObjectReference

__all__ = ["KNOWN_RESOURCES", "GroupResource", "ResourceInfo", "lookup_resource", "parse_group_resource"]

_RESOURCE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_RESOURCE_MAX = 63


@dataclass(frozen=True, slots=True, order=True)
class GroupResource:
    """An API group and a plural resource name; the core group is ``""``."""

    resource: str
    group: str = ""

    def __post_init__(self) -> None:
        if len(self.resource) > _RESOURCE_MAX or not _RESOURCE.fullmatch(self.resource):
            raise GroupResourceError(
                f"resource {self.resource!r} must be a lowercase name of alphanumerics and '-'"
            )
        if self.group and (problems := dns1123_subdomain_errors(self.group)):
            raise GroupResourceError(f"group {self.group!r}: " + "; ".join(problems))

    def __str__(self) -> str:
        return f"{self.resource}.{self.group}" if self.group else self.resource


def parse_group_resource(text: str) -> GroupResource:
    """``deployments.apps`` -> GroupResource("deployments", "apps"); ``pods`` -> core group.

    Raises ``GroupResourceError`` for anything that is not a lowercase resource name optionally
    followed by ``.`` and a DNS subdomain.
    """
    resource, dot, group = text.partition(".")
    if dot and not group:
        raise GroupResourceError(f"group-resource {text!r} has an empty group")
    return GroupResource(resource, group)


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """What a ``describedObject`` needs about a resource, and its scope."""

    group_resource: GroupResource
    singular: str
    kind: str
    version: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        """``v1`` for the core group, ``<group>/<version>`` otherwise."""
        group = self.group_resource.group
        return f"{group}/{self.version}" if group else self.version

    def reference(self, name: str, *, namespace: str | None = None) -> ObjectReference:
        """An ``ObjectReference`` to the object ``name``; cluster-scoped objects get no namespace."""
        if self.namespaced and namespace is None:
            raise ValueError(f"{self.group_resource} is namespaced: a namespace is required")
        return ObjectReference(
            kind=self.kind,
            name=name,
            api_version=self.api_version,
            namespace=namespace if self.namespaced else None,
        )


def _info(
    plural: str, group: str, singular: str, kind: str, version: str, *, namespaced: bool
) -> ResourceInfo:
    return ResourceInfo(GroupResource(plural, group), singular, kind, version, namespaced)


KNOWN_RESOURCES: tuple[ResourceInfo, ...] = (
    _info("pods", "", "pod", "Pod", "v1", namespaced=True),
    _info("services", "", "service", "Service", "v1", namespaced=True),
    _info("namespaces", "", "namespace", "Namespace", "v1", namespaced=False),
    _info("nodes", "", "node", "Node", "v1", namespaced=False),
    _info(
        "persistentvolumeclaims", "", "persistentvolumeclaim", "PersistentVolumeClaim", "v1", namespaced=True
    ),
    _info("persistentvolumes", "", "persistentvolume", "PersistentVolume", "v1", namespaced=False),
    _info(
        "replicationcontrollers", "", "replicationcontroller", "ReplicationController", "v1", namespaced=True
    ),
    _info("deployments", "apps", "deployment", "Deployment", "v1", namespaced=True),
    _info("statefulsets", "apps", "statefulset", "StatefulSet", "v1", namespaced=True),
    _info("replicasets", "apps", "replicaset", "ReplicaSet", "v1", namespaced=True),
    _info("daemonsets", "apps", "daemonset", "DaemonSet", "v1", namespaced=True),
    _info("jobs", "batch", "job", "Job", "v1", namespaced=True),
    _info("cronjobs", "batch", "cronjob", "CronJob", "v1", namespaced=True),
    _info("ingresses", "networking.k8s.io", "ingress", "Ingress", "v1", namespaced=True),
    _info(
        "horizontalpodautoscalers",
        "autoscaling",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        "v2",
        namespaced=True,
    ),
    _info(
        "inferenceservices",
        "serving.kserve.io",
        "inferenceservice",
        "InferenceService",
        "v1beta1",
        namespaced=True,
    ),
    _info("rollouts", "argoproj.io", "rollout", "Rollout", "v1alpha1", namespaced=True),
)

_BY_NAME: dict[GroupResource, ResourceInfo] = {
    name: info
    for info in KNOWN_RESOURCES
    for name in (info.group_resource, GroupResource(info.singular, info.group_resource.group))
}


def lookup_resource(group_resource: GroupResource | str) -> ResourceInfo | None:
    """The known resource for a plural or singular group-resource, or ``None`` if unknown."""
    if isinstance(group_resource, str):
        group_resource = parse_group_resource(group_resource)
    return _BY_NAME.get(group_resource)
