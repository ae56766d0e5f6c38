"""The PromQL behind a backtest or a recommendation: a workload's metric history and its replicas.

The metric query is the one the metrics API runs (``plan_custom_query`` / ``plan_external_query``
of the catalogue), so a replay sees what the HPA saw:

* a custom metric with a ``deployments.apps`` object label (istio): the Deployment's value, one
  series (``destination_workload="llama"``) -- the workload total for additive metrics, the
  workload's quantile or ratio otherwise;
* a custom metric computed from pods (queues, dcgm): the namespace's per-pod query; the caller keeps
  the pods named like the Deployment's (``<deployment>-<hash>-<suffix>``) and sums (additive) or
  averages them per timestamp;
* an external metric: its query with the HPA's metric selector; series are summed, as the
  controller sums the items.

"Additive" (the value of a workload is the sum over its pods: request rates, queue depths) decides
the replay kind (``replay_spec``). A recommendation may read a Deployment's metric over another
rate window than the catalogue's (``rate_window``: every rate and quantile window of the recipe).
Pure: builds typed PromQL (rendered only by the reader, ``prometheus_history``), fetches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler, MetricSourceType
from autoscaler.simulation.replay_spec import ReplayKind, UnsupportedReplayError, replay_kind, single_metric
from metrics_adapter.catalogue import (
    PART_LABEL,
    Aggregation,
    Api,
    Catalogue,
    FirstOf,
    Gauge,
    Increase,
    MetricDefinition,
    Rate,
    Recipe,
    Sum,
    UnknownMetricError,
    plan_custom_query,
    plan_external_query,
    with_window,
)
from metrics_adapter.kube import GroupResource
from metrics_adapter.promql import Duration, Expr, Selector, eq

__all__ = ["PART_LABEL", "HistoryQuery", "is_additive", "metric_history_query", "replicas_query"]

PODS = GroupResource("pods")
DEPLOYMENTS = GroupResource("deployments", "apps")


@dataclass(frozen=True)
class HistoryQuery:
    """``expr`` read over a grid: with ``pod_label``/``pod_pattern`` set, keep series whose pod label
    matches, then ``combine`` them.

    ``window`` is the longest range window the PromQL reads (None for gauges only).
    """

    expr: Expr
    combine: str  # "sum" or "mean" over the series kept at each timestamp
    additive: bool
    pod_label: str | None = None
    pod_pattern: re.Pattern[str] | None = None
    window: Duration | None = None

    @property
    def promql(self) -> str:
        """The PromQL text, for showing to people (the reader renders ``expr`` itself)."""
        return self.expr.render()


def _additive_recipe(recipe: Recipe) -> bool:
    match recipe:
        case Rate() | Increase() | Gauge():
            return True
        case Sum(terms=terms):
            return all(_additive_recipe(term) for term in terms)
        case FirstOf(alternatives=alternatives):
            return all(_additive_recipe(alternative) for alternative in alternatives)
    return False


def is_additive(definition: MetricDefinition) -> bool:
    """Whether a workload's value is the sum of its pods' values."""
    deployments = definition.association(DEPLOYMENTS)
    if deployments is not None and deployments.from_pods is not None:
        return deployments.from_pods is Aggregation.SUM
    return definition.aggregation is Aggregation.SUM and _additive_recipe(definition.value)


def _definition(catalogue: Catalogue, name: str) -> MetricDefinition:
    try:
        return catalogue.get(name)
    except UnknownMetricError as exc:
        raise UnsupportedReplayError(f"metric {name!r} is not in the catalogue") from exc


def deployment_history_query(
    catalogue: Catalogue,
    metric: str,
    *,
    namespace: str,
    deployment: str,
    rate_window: Duration | None = None,
) -> HistoryQuery:
    """The Deployment's value of a custom metric over time, over ``rate_window`` when given."""
    definition = _definition(catalogue, metric)
    if definition.api is not Api.CUSTOM:
        raise UnsupportedReplayError(f"metric {metric!r} is external: it has no per-Deployment value")
    if rate_window is not None:
        definition = replace(definition, value=with_window(definition.value, rate_window))
    additive = is_additive(definition)
    association = definition.association(DEPLOYMENTS)
    if association is not None and association.object_label is not None:
        plan = plan_custom_query(
            definition, resource=DEPLOYMENTS, namespace=namespace, object_name=deployment
        )
        return HistoryQuery(plan.expr, "sum", additive, window=definition.window)
    pods = definition.association(PODS)
    if pods is None or pods.object_label is None:
        raise UnsupportedReplayError(f"metric {metric!r} is served neither for Deployments nor for pods")
    plan = plan_custom_query(definition, resource=PODS, namespace=namespace)
    pattern = re.compile(rf"^{re.escape(deployment)}-[a-z0-9]+-[a-z0-9]+$")
    combine = "sum" if additive else "mean"
    return HistoryQuery(plan.expr, combine, additive, pods.object_label, pattern, definition.window)


def metric_history_query(
    hpa: HorizontalPodAutoscaler, catalogue: Catalogue
) -> tuple[HistoryQuery, ReplayKind]:
    """The history query of the HPA's only metric and the replay kind it implies."""
    spec = single_metric(hpa)
    if spec.type == MetricSourceType.EXTERNAL:
        definition = _definition(catalogue, spec.name)
        if definition.api is not Api.EXTERNAL:
            raise UnsupportedReplayError(f"metric {spec.name!r} is not an external metric")
        plan = plan_external_query(definition, namespace=hpa.namespace, selector=spec.metric_selector)
        return HistoryQuery(plan.expr, "sum", True), replay_kind(hpa, additive=True)
    if hpa.scale_target_ref.kind != "Deployment":
        raise UnsupportedReplayError("a replay of a Pods metric needs a Deployment target")
    query = deployment_history_query(
        catalogue, spec.name, namespace=hpa.namespace, deployment=hpa.scale_target_ref.name
    )
    return query, replay_kind(hpa, additive=query.additive)


def replicas_query(series: str, *, namespace: str, deployment: str) -> HistoryQuery:
    """A kube-state-metrics Deployment series (``kube_deployment_status_replicas``...) of one Deployment."""
    selector = Selector(series, (eq("namespace", namespace), eq("deployment", deployment)))
    return HistoryQuery(selector, "sum", additive=True)
