"""PromQL the boards share: catalogue metrics as a dashboard reads them, and the pod-to-workload join.

* :func:`catalogue_value`: a metric of the user's catalogue exactly as the server plans it (the
  query ``servescale metrics explain`` prints), with its range windows set to ``$__rate_interval``
  and without the sample-time part the server uses for staleness. ``None`` when the metric is not in
  the catalogue (its preset is off), so the panel is left out. A Deployment value the server derives
  from its pods (``fromPods``) is the same aggregation over the pods of ``$workload``.
* :func:`workload_pods`: one sample of value 1 per pod of ``$workload`` in ``$namespace``, from
  kube-state-metrics' ownership chain (pod -> ReplicaSet -> Deployment), never a pod-name regex.
  :func:`of_workload` keeps the samples of a per-pod expression whose pods belong to it.

Knows the catalogue's query planning and typed PromQL; nothing about panels.
"""

from __future__ import annotations

from dataclasses import replace

from metrics_adapter.catalogue import Catalogue
from metrics_adapter.catalogue.definition import PODS
from metrics_adapter.catalogue.query import plan_custom_query
from metrics_adapter.catalogue.recipes import with_window
from metrics_adapter.kube import GroupResource
from metrics_adapter.promql import Expr, Selector, aggregate, binary, eq, label_replace, max_by

from .panels import RATE_INTERVAL

__all__ = [
    "DEPLOYMENTS",
    "NAMESPACE",
    "WORKLOAD",
    "catalogue_value",
    "of_workload",
    "pod_label",
    "workload_pods",
]

NAMESPACE = "$namespace"
WORKLOAD = "$workload"
DEPLOYMENTS = GroupResource("deployments", "apps")


def catalogue_value(
    catalogue: Catalogue,
    name: str,
    *,
    resource: GroupResource = PODS,
    object_name: str | None = None,
) -> Expr | None:
    """The catalogue's value query for ``name`` in ``$namespace`` (see the module docstring)."""
    if name not in catalogue:
        return None
    definition = catalogue.get(name)
    if definition.association(resource) is None:
        return None
    definition = replace(definition, value=with_window(definition.value, RATE_INTERVAL))
    plan = plan_custom_query(definition, resource=resource, namespace=NAMESPACE, object_name=object_name)
    if plan.from_pods is None:
        return plan.value_expr
    # No label carries the object: the server aggregates its pods' values (pod cache); here the
    # kube-state-metrics ownership chain selects the pods of ``$workload``.
    pods = of_workload(plan.value_expr, pod=pod_label(catalogue, name)[0])
    return aggregate(str(plan.from_pods), pods)


def pod_label(catalogue: Catalogue, name: str) -> tuple[str, str]:
    """The labels carrying the pod and its namespace in ``name``'s series (DCGM: maybe ``exported_*``)."""
    association = catalogue.get(name).association(PODS)
    if association is None or association.object_label is None:
        raise ValueError(f"{name} is not served for pods")
    return association.object_label, association.namespace_label or "namespace"


def workload_pods(namespace: str = NAMESPACE, workload: str = WORKLOAD) -> Expr:
    """``1`` per ``(namespace, pod)`` owned by the Deployment ``workload`` through its ReplicaSets."""
    pods = label_replace(
        Selector("kube_pod_owner", (eq("namespace", namespace), eq("owner_kind", "ReplicaSet"))),
        "replicaset",
        "$1",
        "owner_name",
        "(.*)",
    )
    replicasets = max_by(
        Selector(
            "kube_replicaset_owner",
            (eq("namespace", namespace), eq("owner_kind", "Deployment"), eq("owner_name", workload)),
        ),
        "namespace",
        "replicaset",
    )
    owned = binary("*", pods, replicasets, on=("namespace", "replicaset"), group_left=())
    return max_by(owned, "namespace", "pod")


def of_workload(per_pod: Expr, *, pod: str = "pod") -> Expr:
    """``per_pod`` (one sample per pod of ``$namespace``, its pod in label ``pod``) restricted to the
    pods of ``$workload``; the result carries ``pod``."""
    expr = per_pod if pod == "pod" else label_replace(per_pod, "pod", "$1", pod, "(.*)")
    return binary("*", expr, workload_pods(), on=("pod",))
