"""Autoscaling: per HPA its replicas, scale events, time at max and unable to scale; the metrics the
user's catalogue serves for its Deployment, each with the HPA's target; the adapter's own health.

Every served-metric panel runs the query ``servescale metrics explain`` prints for that metric on
the Deployment (windows at ``$__rate_interval``), beside kube-state-metrics' target for it
(``kube_horizontalpodautoscaler_spec_target_metric``). The Deployment is the HPA's scale target
(``kube_horizontalpodautoscaler_info``), chosen through the ``workload`` variable.

Knows the panel factory, the shared queries and the adapter's metric names.
"""

from __future__ import annotations

from dataclasses import replace

from metrics_adapter.catalogue import Api, MetricDefinition
from metrics_adapter.catalogue.query import plan_external_query
from metrics_adapter.catalogue.recipes import with_window
from metrics_adapter.promql import (
    BinOp,
    Expr,
    RangeSelector,
    Selector,
    Subquery,
    avg_over_time,
    binary,
    call,
    eq,
    histogram_quantile,
    rate,
    sum_by,
)

from ..assemble import BoardSpec, Row, Variable
from ..inputs import BoardInputs
from ..panels import RANGE, RATE_INTERVAL, Kind, PanelSpec, Query
from ..queries import DEPLOYMENTS, NAMESPACE, WORKLOAD, catalogue_value

__all__ = ["UID", "autoscaling_board", "unit_of"]

UID = "servescale-autoscaling"
_HPA = (eq("namespace", NAMESPACE), eq("horizontalpodautoscaler", "$hpa"))
_UNITS = {"1/s": "reqps", "%": "percent", "ms": "ms", "s": "s", "MiB": "decmbytes", "ratio": "percentunit"}


def unit_of(definition: MetricDefinition) -> str:
    """Grafana's unit for a catalogue unit (``short`` for counts such as requests or messages)."""
    return _UNITS.get(definition.unit, "short")


def _hpa(metric: str, *extra: tuple[str, str]) -> Selector:
    return Selector(f"kube_horizontalpodautoscaler_{metric}", (*_HPA, *(eq(k, v) for k, v in extra)))


def _condition(condition: str, status: str) -> Selector:
    return _hpa("status_condition", ("condition", condition), ("status", status))


def _replicas_panels() -> list[PanelSpec]:
    current, maximum = _hpa("status_current_replicas"), _hpa("spec_max_replicas")
    return [
        PanelSpec(
            "Replicas: current, desired, min, max",
            "The HPA's current and desired replicas against its bounds (kube-state-metrics).",
            "short",
            [
                Query(current, "current"),
                Query(_hpa("status_desired_replicas"), "desired"),
                Query(_hpa("spec_min_replicas"), "min"),
                Query(maximum, "max"),
            ],
        ),
        PanelSpec(
            "Scale events",
            "Changes of the desired replica count within each interval: every scale-out or scale-in.",
            "short",
            [
                Query(
                    call("changes", RangeSelector(_hpa("status_desired_replicas"), RATE_INTERVAL)),
                    "scale events",
                )
            ],
            kind=Kind.STACKED,
            width=6,
        ),
    ]


def _stuck_panels() -> list[PanelSpec]:
    """Shares of the range the HPA could not add capacity or could not scale at all."""
    current, maximum = _hpa("status_current_replicas"), _hpa("spec_max_replicas")
    at_max = binary(BinOp.GE, current, maximum, bool_modifier=True)
    return [
        PanelSpec(
            "Time at max replicas",
            "Share of the dashboard's range the HPA ran at maxReplicas: it could not add capacity.",
            "percentunit",
            [Query(avg_over_time(Subquery(at_max, RANGE)), "at max")],
            kind=Kind.STAT,
            width=3,
        ),
        PanelSpec(
            "Time unable to scale",
            "Share of the range with AbleToScale=false or ScalingActive=false (no metric, or the scale "
            "subresource failed): the HPA held its replicas whatever the load.",
            "percentunit",
            [
                Query(
                    avg_over_time(Subquery(_condition("AbleToScale", "false"), RANGE)), "AbleToScale=false"
                ),
                Query(
                    avg_over_time(Subquery(_condition("ScalingActive", "false"), RANGE)),
                    "ScalingActive=false",
                ),
            ],
            kind=Kind.STAT,
            width=3,
        ),
    ]


def _hpa_panels() -> list[PanelSpec]:
    target = PanelSpec(
        "Metric value against target (kube-state-metrics)",
        "What the HPA last read for each of its metrics (status) against the target in its spec.",
        "short",
        [
            Query(_hpa("status_target_metric"), "{{metric_name}} current"),
            Query(_hpa("spec_target_metric"), "{{metric_name}} target"),
        ],
    )
    return [*_replicas_panels(), *_stuck_panels(), target]


def _served(definition: MetricDefinition, inputs: BoardInputs) -> PanelSpec | None:
    value = catalogue_value(inputs.catalogue, definition.name, resource=DEPLOYMENTS, object_name=WORKLOAD)
    if value is None:
        return None
    return PanelSpec(
        definition.name,
        f"{definition.description or definition.name} Served for the Deployment as "
        f"`servescale metrics explain {definition.name}` prints it; the HPA's target beside it.",
        unit_of(definition),
        [
            Query(value, "{{deployment}}{{destination_workload}} value"),
            Query(_hpa("spec_target_metric", ("metric_name", definition.name)), "target"),
        ],
        width=8,
    )


def _external(definition: MetricDefinition) -> PanelSpec:
    spec = definition.external
    assert spec is not None
    windowed = replace(definition, value=with_window(definition.value, RATE_INTERVAL))
    expr: Expr = plan_external_query(windowed, namespace=NAMESPACE if spec.namespaced else None).value_expr
    return PanelSpec(
        definition.name,
        f"{definition.description or definition.name} External metric, as the API serves it.",
        unit_of(definition),
        [Query(expr, definition.name)],
        width=8,
    )


def _adapter_rate_by(title: str, description: str, metric: str, label: str) -> PanelSpec:
    """The per-second rate of one of the adapter's counters, stacked by ``label``."""
    return PanelSpec(
        title,
        description,
        "reqps",
        [Query(sum_by(rate(Selector(metric), RATE_INTERVAL), label), f"{{{{{label}}}}}")],
        kind=Kind.STACKED,
        width=8,
    )


def _adapter_panels() -> list[PanelSpec]:
    seconds = Selector("servescale_adapter_request_duration_seconds_bucket")
    upstream = Selector("servescale_adapter_prometheus_query_duration_seconds_bucket")
    latency = PanelSpec(
        "Metrics API latency p99",
        "99th percentile of the API's answer time, and of the Prometheus queries behind it.",
        "s",
        [
            Query(histogram_quantile(0.99, sum_by(rate(seconds, RATE_INTERVAL), "le")), "API p99"),
            Query(histogram_quantile(0.99, sum_by(rate(upstream, RATE_INTERVAL), "le")), "Prometheus p99"),
        ],
        width=8,
    )
    return [
        _adapter_rate_by(
            "Metrics API requests by code",
            "Requests the HPA controller (or anyone) sent to the metrics API, by HTTP code.",
            "servescale_adapter_requests_total",
            "code",
        ),
        latency,
        _adapter_rate_by(
            "Prometheus query errors by kind",
            "Failed queries: timeout, unavailable (refused, reset, 5xx, 429), query (rejected), response.",
            "servescale_adapter_prometheus_query_errors_total",
            "kind",
        ),
        _adapter_rate_by(
            "Values left out by reason",
            "Objects answered without a value (never a made-up one): empty, nan, stale, future, absent.",
            "servescale_adapter_values_left_out_total",
            "reason",
        ),
        _adapter_rate_by(
            "Cache outcomes",
            "Metric lookups answered from the cache (hit), by a query (miss) or by joining one (coalesced).",
            "servescale_adapter_cache_results_total",
            "outcome",
        ),
    ]


def autoscaling_board(inputs: BoardInputs) -> BoardSpec:
    custom = [d for d in inputs.catalogue if d.api is Api.CUSTOM]
    served = [panel for d in custom if (panel := _served(d, inputs)) is not None]
    external = [_external(d) for d in inputs.catalogue if d.api is Api.EXTERNAL]
    rows = [Row("HPA $hpa", _hpa_panels())]
    if served:
        rows.append(Row("Metrics served for $workload", served))
    if external:
        rows.append(Row("External metrics", external))
    rows.append(Row("Metrics adapter", _adapter_panels()))
    return BoardSpec(
        uid=UID,
        title="ServeScale / Autoscaling",
        description="Per HPA: replicas, scale events, saturation, the metrics it scales on against their "
        "targets, and the metrics adapter's health.",
        variables=[
            Variable("namespace", "namespace", "kube_horizontalpodautoscaler_spec_max_replicas"),
            Variable(
                "hpa",
                "horizontalpodautoscaler",
                'kube_horizontalpodautoscaler_spec_max_replicas{namespace="$namespace"}',
            ),
            Variable(
                "workload",
                "scaletargetref_name",
                'kube_horizontalpodautoscaler_info{namespace="$namespace", horizontalpodautoscaler="$hpa"}',
                description="The HPA's scale target",
            ),
        ],
        rows=rows,
    )
