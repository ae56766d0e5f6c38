"""Query building: one PromQL expression per API request, whatever the number of objects.

The query is scoped by the namespace label (and by the object label when one named object is
asked, e.g. ``destination_workload="llama"``), grouped by the object label
(``sum by (pod) (rate(...[1m]))``), and never lists pod names: the provider filters the grouped
result with its pod cache, so the query text does not grow with the number of pods.

Staleness in the same query: for recipes that read gauges (see ``tracks_sample_age``), the value
expression is joined with the newest raw sample time per object::

    <value by (pod)> or label_replace(<max by (pod) (timestamp(<gauge series>))>,
                                      "servescale_part", "sample_time", "", "")

The second operand's label sets carry ``servescale_part``, so ``or`` keeps both; ``interpret``
pairs them again. When a ratio or sum reads several gauges, each one's newest-sample time is
tagged with its own ``servescale_part`` value before ``min by (pod)`` takes the oldest of them
(without the tags ``or`` would drop series whose labels coincide once the name is gone).

Knows recipes, definitions and the typed PromQL nodes; produces no text itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics_adapter.kube import GroupResource, LabelSelector
from metrics_adapter.promql import (
    Expr,
    Matcher,
    add,
    aggregate,
    div,
    eq,
    histogram_quantile,
    increase,
    label_replace,
    mul,
    ne,
    or_,
    rate,
    timestamp,
)

from .definition import PART_LABEL, PODS, Api, MetricDefinition
from .errors import UnsupportedResourceError
from .recipes import (
    Aggregation,
    FirstOf,
    Gauge,
    HistogramQuantile,
    Increase,
    Rate,
    Ratio,
    Recipe,
    Series,
    Sum,
    tracks_sample_age,
)
from .selectors import selector_matchers

__all__ = [
    "SAMPLE_TIME_PART",
    "QueryPlan",
    "build_query",
    "plan_custom_query",
    "plan_external_query",
]

SAMPLE_TIME_PART = "sample_time"


@dataclass(frozen=True)
class QueryPlan:
    """A query and how to read its result.

    ``group_labels``: the labels that identify one result item (``("pod",)``; ``()`` for a summed
    external metric). ``from_pods``: when set, the result holds per-pod values and the provider
    aggregates them into values of the owning objects. ``tracks_sample_age``: the result also
    holds sample-time samples (marked ``servescale_part="sample_time"``).
    """

    expr: Expr
    group_labels: tuple[str, ...]
    from_pods: Aggregation | None = None
    tracks_sample_age: bool = False
    value: Expr | None = None
    """The value part alone, without the sample-time part (what a dashboard plots); ``None``: ``expr``."""

    @property
    def promql(self) -> str:
        return self.expr.render()

    @property
    def value_expr(self) -> Expr:
        return self.expr if self.value is None else self.value


@dataclass(frozen=True)
class _Scope:
    extra: tuple[Matcher, ...]
    group: tuple[str, ...]
    aggregation: Aggregation


def _by(scope: _Scope, op: Aggregation | str, expr: Expr, *first: str) -> Expr:
    labels = (*first, *scope.group)
    return aggregate(op, expr, by=labels or None)


def _scaled(expr: Expr, scale: float | None) -> Expr:
    return expr if scale is None else mul(expr, scale)


def _value(recipe: Recipe, scope: _Scope) -> Expr:
    match recipe:
        case Gauge(series=series, scale=scale):
            return _scaled(_by(scope, scope.aggregation, series.selector(scope.extra)), scale)
        case Rate(series=series, window=window, scale=scale):
            return _scaled(_by(scope, scope.aggregation, rate(series.selector(scope.extra), window)), scale)
        case Increase(series=series, window=window, scale=scale):
            inner = increase(series.selector(scope.extra), window)
            return _scaled(_by(scope, scope.aggregation, inner), scale)
        case HistogramQuantile(series=series, quantile=q, window=window, le_label=le, scale=scale):
            buckets = _by(scope, Aggregation.SUM, rate(series.selector(scope.extra), window), le)
            return _scaled(histogram_quantile(q, buckets), scale)
        case Ratio(numerator=numerator, denominator=denominator, scale=scale):
            return _scaled(div(_value(numerator, scope), _value(denominator, scope)), scale)
        case Sum(terms=terms, scale=scale):
            total = _value(terms[0], scope)
            for term in terms[1:]:
                total = add(total, _value(term, scope))
            return _scaled(total, scale)
        case FirstOf(alternatives=alternatives):
            chosen = _value(alternatives[0], scope)
            for alternative in alternatives[1:]:
                chosen = or_(chosen, _value(alternative, scope))
            return chosen
    raise TypeError(f"not a recipe: {recipe!r}")


def _age_parts(recipe: Recipe, scope: _Scope) -> list[tuple[Series | None, Expr]]:
    """Independent newest-sample-time expressions of ``recipe``, keyed by series to drop repeats."""
    match recipe:
        case Gauge(series=series):
            newest = _by(scope, Aggregation.MAX, timestamp(series.selector(scope.extra)))
            return [(series, newest)]
        case Ratio(numerator=numerator, denominator=denominator):
            return _unique([*_age_parts(numerator, scope), *_age_parts(denominator, scope)])
        case Sum(terms=terms):
            return _unique([part for term in terms for part in _age_parts(term, scope)])
        case FirstOf(alternatives=alternatives) if tracks_sample_age(recipe):
            chosen = _combine(_age_parts(alternatives[0], scope), scope)
            for alternative in alternatives[1:]:
                chosen = or_(chosen, _combine(_age_parts(alternative, scope), scope))
            return [(None, chosen)]
    return []


def _unique(parts: list[tuple[Series | None, Expr]]) -> list[tuple[Series | None, Expr]]:
    seen: set[Series] = set()
    unique: list[tuple[Series | None, Expr]] = []
    for series, expr in parts:
        if series is not None:
            if series in seen:
                continue
            seen.add(series)
        unique.append((series, expr))
    return unique


def _combine(parts: list[tuple[Series | None, Expr]], scope: _Scope) -> Expr:
    """The oldest of several newest-sample times, per object."""
    if len(parts) == 1:
        return parts[0][1]
    tagged = [label_replace(expr, PART_LABEL, str(index), "", "") for index, (_, expr) in enumerate(parts)]
    joined: Expr = tagged[0]
    for part in tagged[1:]:
        joined = or_(joined, part)
    return _by(scope, Aggregation.MIN, joined)


def _plan(definition: MetricDefinition, scope: _Scope, from_pods: Aggregation | None = None) -> QueryPlan:
    value = _value(definition.value, scope)
    if not definition.checks_staleness:
        return QueryPlan(value, scope.group, from_pods)
    sample_time = _combine(_age_parts(definition.value, scope), scope)
    marked = label_replace(sample_time, PART_LABEL, SAMPLE_TIME_PART, "", "")
    return QueryPlan(or_(value, marked), scope.group, from_pods, tracks_sample_age=True, value=value)


def plan_custom_query(
    definition: MetricDefinition,
    *,
    resource: GroupResource,
    namespace: str | None,
    metric_selector: LabelSelector | None = None,
    object_name: str | None = None,
) -> QueryPlan:
    """The query for a custom metrics request.

    ``namespace`` is required for namespaced resources and must be None otherwise (a metric about
    the Namespace ``ml`` is ``resource=namespaces, object_name="ml"``). ``object_name`` None means
    every object (the provider filters by the object ``labelSelector``). For ``fromPods``
    associations the query is the per-pod query of the namespace, whatever the object.

    Raises ``UnsupportedResourceError`` (404) when the metric is not served for ``resource`` and
    ``SelectorTranslationError`` (400) for a selector PromQL cannot express.
    """
    if definition.api is not Api.CUSTOM:
        raise UnsupportedResourceError(definition.name, str(resource))
    association = definition.association(resource)
    if association is None:
        served = tuple(str(r) for r in definition.resources)
        raise UnsupportedResourceError(definition.name, str(resource), served=served)
    if association.namespaced != (namespace is not None):
        scope_word = "needs" if association.namespaced else "takes no"
        raise ValueError(f"{resource} {scope_word} a namespace")
    selected = selector_matchers(metric_selector)
    from_pods = association.from_pods
    if from_pods is not None:
        pods = definition.association(PODS)
        assert pods is not None
        association, object_name = pods, None
    label = association.object_label
    assert label is not None
    scope: list[Matcher] = []
    if association.namespace_label is not None and namespace is not None:
        scope.append(eq(association.namespace_label, namespace))
    scope.append(ne(label, "") if object_name is None else eq(label, object_name))
    return _plan(definition, _Scope((*scope, *selected), (label,), definition.aggregation), from_pods)


def plan_external_query(
    definition: MetricDefinition, *, namespace: str | None, selector: LabelSelector | None = None
) -> QueryPlan:
    """The query for an external metrics request; the namespace matters only for namespaced metrics.

    Raises ``UnsupportedResourceError`` for a custom metric and ``SelectorTranslationError`` for a
    selector that names a label the metric does not offer or that PromQL cannot express.
    """
    spec = definition.external
    if definition.api is not Api.EXTERNAL or spec is None:
        raise UnsupportedResourceError(definition.name, "external metrics")
    allowed = spec.labels or None
    selected = selector_matchers(selector, allowed=allowed, parameter="labelSelector")
    scope: tuple[Matcher, ...] = ()
    if spec.namespaced:
        if namespace is None:
            raise ValueError(f"external metric {definition.name} is namespaced: a namespace is required")
        scope = (eq(spec.namespace_label, namespace),)
    return _plan(definition, _Scope((*scope, *selected), spec.group_labels, definition.aggregation))


def build_query(
    definition: MetricDefinition,
    *,
    resource: GroupResource | None = None,
    namespace: str | None = None,
    metric_selector: LabelSelector | None = None,
    object_name: str | None = None,
) -> Expr:
    """The expression of :func:`plan_custom_query` (custom) or :func:`plan_external_query` (external)."""
    if definition.api is Api.EXTERNAL:
        return plan_external_query(definition, namespace=namespace, selector=metric_selector).expr
    if resource is None:
        raise ValueError(f"custom metric {definition.name}: a resource is required")
    return plan_custom_query(
        definition,
        resource=resource,
        namespace=namespace,
        metric_selector=metric_selector,
        object_name=object_name,
    ).expr
