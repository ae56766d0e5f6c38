"""``explain``: the exact PromQL a request for a metric would run, with its association and policy.

Backs ``servescale metrics explain``. The query is built by the same ``plan_*_query`` functions
the server uses, so what is printed is what runs. Knows the catalogue and query planning; does
no I/O.
"""

from __future__ import annotations

import json

from metrics_adapter.kube import GroupResource, parse_group_resource, parse_selector

from .catalogue import Catalogue
from .definition import Api, Association, ExternalResult, MetricDefinition
from .query import QueryPlan, plan_custom_query, plan_external_query

__all__ = ["explain"]

_DEFAULT_NAMESPACE = "default"


def _quoted(text: str) -> str:
    return json.dumps(text)


def _policy(definition: MetricDefinition) -> str:
    policy = definition.policy
    parts = ["NaN/Inf -> no value"]
    if definition.checks_staleness:
        parts.append(f"stale after {policy.max_staleness_seconds:g} s without a new gauge sample -> no value")
    if policy.fallback_value is not None:
        parts.append(f"missing, NaN or stale -> fallback {policy.fallback_value}")
    elif policy.zero_when_absent:
        parts.append("expected but absent -> 0 (zeroWhenAbsent)")
    else:
        parts.append("absent -> no item")
    return "; ".join(parts)


def _association(definition: MetricDefinition, association: Association) -> str:
    if association.from_pods is not None:
        pods = next(a for a in definition.associations if a.object_label is not None and a.from_pods is None)
        how = association.from_pods.value
        return (
            f"no label carries {association.resource}: the value of each is the {how} "
            f"of the values of the pods it owns (pods by label {_quoted(pods.object_label or '')}, "
            "ownership from the pod cache)"
        )
    scope = ""
    if association.namespace_label is not None:
        scope = f", namespace label {_quoted(association.namespace_label)}"
    return f"object label {_quoted(association.object_label or '')}{scope}; one value per object"


def _custom(
    definition: MetricDefinition,
    *,
    resource: GroupResource | None,
    namespace: str | None,
    selector: str | None,
    object_name: str | None,
) -> tuple[list[str], QueryPlan]:
    resource = resource or definition.associations[0].resource
    association = definition.association(resource)
    lines = [f"served for  {', '.join(str(r) for r in definition.resources)}"]
    if association is not None and not association.namespaced:
        object_name = object_name or namespace
        namespace = None
    elif association is not None and namespace is None:
        namespace = _DEFAULT_NAMESPACE
    plan = plan_custom_query(
        definition,
        resource=resource,
        namespace=namespace,
        metric_selector=parse_selector(selector),
        object_name=object_name,
    )
    assert association is not None
    target = f"object {_quoted(object_name)}" if object_name else "every object (filtered by labelSelector)"
    where = f" in namespace {_quoted(namespace)}" if namespace else ""
    chosen = f", metricLabelSelector {_quoted(selector)}" if selector else ""
    lines.append(f"request     {resource}{where}: {target}{chosen}")
    lines.append(f"association {_association(definition, association)}")
    return lines, plan


def _external(
    definition: MetricDefinition, *, namespace: str | None, selector: str | None
) -> tuple[list[str], QueryPlan]:
    spec = definition.external
    assert spec is not None
    namespace = namespace or _DEFAULT_NAMESPACE
    plan = plan_external_query(definition, namespace=namespace, selector=parse_selector(selector))
    selectable = ", ".join(spec.labels) if spec.labels else "any label"
    scope = f"namespace label {_quoted(spec.namespace_label)}" if spec.namespaced else "not namespaced"
    result = (
        f"one item per {', '.join(spec.labels)}"
        if spec.result is ExternalResult.PER_SERIES
        else "one item: the sum of every matching series"
    )
    chosen = f", labelSelector {_quoted(selector)}" if selector else ""
    return [
        f"request     namespace {_quoted(namespace)} ({scope}){chosen}",
        f"selectable  {selectable}",
        f"result      {result}",
    ], plan


def explain(
    catalogue: Catalogue,
    name: str,
    *,
    namespace: str | None = None,
    selector: str | None = None,
    resource: str | GroupResource | None = None,
    object_name: str | None = None,
) -> str:
    """A few lines on the metric, the request, association and policy, then the PromQL it runs.

    ``resource`` defaults to the metric's first resource and ``namespace`` to ``default``.
    ``selector`` is the metricLabelSelector (custom) or labelSelector (external). Raises what a
    request would: ``UnknownMetricError``, ``UnsupportedResourceError``, ``SelectorError``,
    ``SelectorTranslationError``.
    """
    definition = catalogue.get(name)
    if isinstance(resource, str):
        resource = parse_group_resource(resource)
    origin = f", from {definition.origin}" if definition.origin else ""
    unit = f", unit {definition.unit}" if definition.unit else ""
    lines = [f"metric      {definition.name} ({definition.api.value} metric{unit}{origin})"]
    if definition.description:
        lines.append(f"            {definition.description}")
    if definition.api is Api.CUSTOM:
        details, plan = _custom(
            definition, resource=resource, namespace=namespace, selector=selector, object_name=object_name
        )
    else:
        details, plan = _external(definition, namespace=namespace, selector=selector)
    lines.extend(details)
    window = definition.window
    if window is not None:
        lines.append(f"window      {window.render()} (windowSeconds {window.seconds:g})")
    lines.append(f"policy      {_policy(definition)}")
    if plan.tracks_sample_age:
        lines.append(
            '            samples labelled servescale_part="sample_time" carry the newest sample time'
        )
    lines.append("PromQL")
    lines.append(plan.promql)
    return "\n".join(lines) + "\n"
