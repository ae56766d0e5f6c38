"""Our dashboard lint, after the rules of grafana/dashboard-linter that matter for these boards.

Per board: a ``datasource`` variable of type prometheus (template-datasource-rule). Per panel: a
description and a unit (panel-title-description-rule, panel-units-rule), the ``$datasource``
datasource (panel-datasource-rule), at least one query (panel-no-targets-rule). Per query: it parses
as PromQL with the Grafana variables filled in (target-promql-rule); ``rate``/``increase``/``irate``
read ``$__rate_interval`` or ``$__range`` (target-rate-interval-rule); counters (``_total``,
``_count``, ``_bucket``, ``_sum``) are read only under ``rate``/``increase``/``irate``
(target-counter-agg-rule; a series the catalogue reads as a gauge, such as Triton's
``nv_inference_pending_request_count``, is a gauge whatever its name); and every metric it reads
is one the catalogue, our recording rules or the declared sources (:data:`KNOWN_SOURCES`) provide,
so no panel queries a name nothing produces.

Knows promql-parser and the board model; nothing about how boards are built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import promql_parser as pp

from metrics_adapter.catalogue import Catalogue
from metrics_adapter.catalogue.recipes import Gauge, leaves
from slo import record_names

from .board import Board, iter_panels

__all__ = [
    "KNOWN_SOURCES",
    "KnownMetrics",
    "LintIssue",
    "known_metrics",
    "lint_board",
    "substitute_variables",
]

KNOWN_SOURCES = frozenset(
    {
        # kube-state-metrics
        "kube_deployment_spec_replicas",
        "kube_deployment_status_replicas_available",
        "kube_horizontalpodautoscaler_info",
        "kube_horizontalpodautoscaler_spec_max_replicas",
        "kube_horizontalpodautoscaler_spec_min_replicas",
        "kube_horizontalpodautoscaler_spec_target_metric",
        "kube_horizontalpodautoscaler_status_condition",
        "kube_horizontalpodautoscaler_status_current_replicas",
        "kube_horizontalpodautoscaler_status_desired_replicas",
        "kube_horizontalpodautoscaler_status_target_metric",
        "kube_pod_container_resource_requests",
        "kube_pod_owner",
        "kube_replicaset_owner",
        # dcgm-exporter fields beyond the catalogue's
        "DCGM_FI_DEV_POWER_USAGE",
        "DCGM_FI_DEV_GPU_TEMP",
        # Prometheus' own alert series
        "ALERTS",
        # the metrics adapter's own metrics (metrics_adapter/self_metrics.py)
        "servescale_adapter_requests_total",
        "servescale_adapter_request_duration_seconds_bucket",
        "servescale_adapter_prometheus_query_duration_seconds_bucket",
        "servescale_adapter_prometheus_query_errors_total",
        "servescale_adapter_values_left_out_total",
        "servescale_adapter_cache_results_total",
    }
)
"""Series the boards read that neither the catalogue nor our rules define, each from a named source."""

_RATE_FUNCTIONS = frozenset({"rate", "increase", "irate"})
_COUNTER_SUFFIXES = ("_total", "_count", "_bucket", "_sum")
_RANGE_VARIABLES = {"$__rate_interval": "61s", "$__range": "3601s", "$__range_s": "3600"}
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_RECORD = re.compile(r"^slo:sli_error:ratio_rate[0-9a-z]+$")


@dataclass(frozen=True)
class LintIssue:
    board: str
    panel: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.board} / {self.panel}: {self.rule}: {self.message}"


def substitute_variables(expr: str, values: dict[str, str] | None = None) -> str:
    """``expr`` with Grafana's range variables set to nominal durations and ``$var`` to ``values``
    (or to ``x``), so a PromQL parser or Prometheus can read it."""
    for name in sorted(_RANGE_VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, _RANGE_VARIABLES[name])
    given = values or {}
    return _VARIABLE.sub(lambda match: given.get(match.group(1), "x"), expr)


@dataclass(frozen=True)
class KnownMetrics:
    names: frozenset[str]
    """Every series name the boards may read."""
    gauges: frozenset[str]
    """Names the catalogue reads as gauges (exempt from the counter rule)."""


def known_metrics(catalogue: Catalogue) -> KnownMetrics:
    """Catalogue series, our records and the declared sources; the catalogue's gauges."""
    all_leaves = [leaf for definition in catalogue for leaf in leaves(definition.value)]
    names = {leaf.series.metric for leaf in all_leaves}
    gauges = frozenset(leaf.series.metric for leaf in all_leaves if isinstance(leaf, Gauge))
    records = {
        getattr(record_names, name)
        for name in dir(record_names)
        if name.isupper() and isinstance(getattr(record_names, name), str)
    }
    return KnownMetrics(frozenset(names | {name for name in records if ":" in name} | KNOWN_SOURCES), gauges)


def _children(node: pp.Expr) -> list[pp.Expr]:
    if isinstance(node, pp.AggregateExpr | pp.ParenExpr | pp.UnaryExpr | pp.SubqueryExpr):
        return [node.expr]
    if isinstance(node, pp.BinaryExpr):
        return [node.lhs, node.rhs]
    if isinstance(node, pp.Call):
        return list(node.args)
    if isinstance(node, pp.MatrixSelector):
        return [node.vector_selector]
    return []


def _selectors(node: pp.Expr, under_rate: bool = False) -> Iterator[tuple[pp.VectorSelector, bool]]:
    """Every vector selector with whether it is read through rate/increase/irate."""
    if isinstance(node, pp.VectorSelector):
        yield node, under_rate
        return
    rate_here = isinstance(node, pp.Call) and node.func.name in _RATE_FUNCTIONS
    for child in _children(node):
        yield from _selectors(child, under_rate or rate_here if isinstance(node, pp.Call) else under_rate)


def _ranges(node: pp.Expr) -> Iterator[tuple[str, pp.Expr]]:
    """``(function, range argument)`` of every rate-like call."""
    if isinstance(node, pp.Call) and node.func.name in _RATE_FUNCTIONS:
        yield node.func.name, node.args[0]
    for child in _children(node):
        yield from _ranges(child)


def _metric(selector: pp.VectorSelector) -> str | None:
    if selector.name:
        return str(selector.name)
    names = [m.value for m in selector.matchers.matchers if m.name == "__name__"]
    return names[0] if names else None


def _query_issues(text: str, known: KnownMetrics) -> Iterator[tuple[str, str]]:
    uses_range_variable = "$__rate_interval" in text or "$__range" in text
    try:
        tree = pp.parse(substitute_variables(text))
    except (ValueError, RuntimeError) as exc:
        yield "target-promql-rule", f"does not parse: {exc}"
        return
    for function, _ in _ranges(tree):
        if not uses_range_variable:
            yield "target-rate-interval-rule", f"{function}() without $__rate_interval or $__range"
    for selector, under_rate in _selectors(tree):
        metric = _metric(selector)
        if metric is None:
            yield "target-metric-rule", "a selector without a metric name"
            continue
        if metric.endswith(_COUNTER_SUFFIXES) and not under_rate and metric not in known.gauges:
            yield "target-counter-agg-rule", f"counter {metric} read without rate/increase"
        if metric not in known.names and _RECORD.match(metric) is None:
            yield "target-metric-rule", f"{metric} is not in the catalogue, our rules or the declared sources"


def _panel_issues(panel: dict[str, Any], known: KnownMetrics) -> Iterator[tuple[str, str]]:
    if not str(panel.get("description", "")).strip():
        yield "panel-title-description-rule", "no description"
    if not panel.get("fieldConfig", {}).get("defaults", {}).get("unit"):
        yield "panel-units-rule", "no unit"
    if panel.get("datasource", {}).get("uid") != "${datasource}":
        yield "panel-datasource-rule", "the panel does not use the $datasource variable"
    targets = [target for target in panel.get("targets", []) if target.get("expr")]
    if not targets:
        yield "panel-no-targets-rule", "no query"
    for target in targets:
        yield from _query_issues(str(target["expr"]), known)


def lint_board(board: Board, known: KnownMetrics) -> list[LintIssue]:
    """Every issue of ``board`` (empty when it passes)."""
    issues: list[LintIssue] = []
    variables = board.model.get("templating", {}).get("list", [])
    if not any(v.get("type") == "datasource" and v.get("query") == "prometheus" for v in variables):
        issues.append(
            LintIssue(board.uid, "-", "template-datasource-rule", "no prometheus datasource variable")
        )
    for panel in iter_panels(board.model):
        for rule, message in _panel_issues(panel, known):
            issues.append(LintIssue(board.uid, str(panel.get("title", "?")), rule, message))
    return issues
