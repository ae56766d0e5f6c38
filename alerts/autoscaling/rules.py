"""Alerts on autoscaling health: HPAs pinned at max, not converging, GPUs saturated, queues growing
while no more replicas can come, and the metrics adapter failing to serve the values HPAs use.

Sources: kube-state-metrics HPA gauges (``kube_horizontalpodautoscaler_*``, labels ``namespace``,
``horizontalpodautoscaler``), dcgm-exporter (``DCGM_FI_DEV_GPU_UTIL`` in %, or
``DCGM_FI_PROF_GR_ENGINE_ACTIVE`` as a 0..1 ratio, workload labels usually ``exported_*``), vLLM /
Triton queue gauges, and the adapter's own ``servescale_adapter_*`` counters. Every alert carries a
``severity`` (``page`` or ``ticket``) for the Alertmanager routes in :mod:`alerts.alertmanager.routes`.

Annotations use only ``{{ $labels.x }}`` and ``{{ $value | humanize }}`` so generated promtool
tests can predict them. Knows nothing about SLOs or output formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from metrics_adapter.promql import (
    BinOp,
    Duration,
    Expr,
    Selector,
    avg_by,
    binary,
    deriv,
    eq,
    increase,
    label_replace,
    mul,
    ne,
    re,
    sum_by,
)

from ..rules.links import AlertLinks
from ..rules.model import AlertingRule, LabelSet, RuleGroup, label_set

__all__ = [
    "ADAPTER_ERRORS",
    "ADAPTER_VALUES_LEFT_OUT",
    "AUTOSCALING_ALERTS",
    "DEPLOYMENT_POD_PATTERN",
    "GPU_SATURATED",
    "HPA_AT_MAX",
    "HPA_REPLICAS_MISMATCH",
    "QUEUE_GROWING_AT_MAX",
    "AutoscalingAlertSettings",
    "GpuMetric",
    "QueueSource",
    "autoscaling_rule_groups",
]

HPA_AT_MAX = "HorizontalPodAutoscalerAtMaxReplicas"
HPA_REPLICAS_MISMATCH = "HorizontalPodAutoscalerReplicasMismatch"
GPU_SATURATED = "ModelServingGPUSaturated"
QUEUE_GROWING_AT_MAX = "ModelServingQueueGrowingAtMaxReplicas"
ADAPTER_VALUES_LEFT_OUT = "ServeScaleMetricValuesLeftOut"
ADAPTER_ERRORS = "ServeScaleAdapterErrors"

_HPA_CURRENT = "kube_horizontalpodautoscaler_status_current_replicas"
_HPA_DESIRED = "kube_horizontalpodautoscaler_status_desired_replicas"
_HPA_MAX = "kube_horizontalpodautoscaler_spec_max_replicas"
_HPA_MIN = "kube_horizontalpodautoscaler_spec_min_replicas"
_HPA_KEYS = ("namespace", "horizontalpodautoscaler")

_MINUTES_5 = Duration.minutes(5)
_MINUTES_10 = Duration.minutes(10)
_MINUTES_15 = Duration.minutes(15)

# A Deployment's pod is named <deployment>-<pod-template-hash>-<suffix>.
DEPLOYMENT_POD_PATTERN = "(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}"

_DEFAULT_SEVERITIES = {
    HPA_AT_MAX: "ticket",
    HPA_REPLICAS_MISMATCH: "ticket",
    GPU_SATURATED: "ticket",
    QUEUE_GROWING_AT_MAX: "page",
    ADAPTER_VALUES_LEFT_OUT: "ticket",
    ADAPTER_ERRORS: "page",
}


AUTOSCALING_ALERTS = tuple(_DEFAULT_SEVERITIES)


class GpuMetric(StrEnum):
    GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL"  # percent, not reported for MIG instances
    GR_ENGINE_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE"  # ratio 0..1, Volta and newer

    @property
    def scale_to_percent(self) -> float:
        return 100.0 if self is GpuMetric.GR_ENGINE_ACTIVE else 1.0


@dataclass(frozen=True)
class QueueSource:
    """A queue-depth gauge and the label naming the namespace its pods run in."""

    metric: str
    namespace_label: str = "namespace"


DEFAULT_QUEUE_SOURCES = (
    QueueSource("vllm:num_requests_waiting"),
    QueueSource("nv_inference_pending_request_count"),
)


@dataclass(frozen=True)
class AutoscalingAlertSettings:
    """Thresholds, durations and label names for the autoscaling alerts (defaults are the usual ones)."""

    hpa_matchers: LabelSet = ()
    at_max_for: Duration = _MINUTES_15
    mismatch_for: Duration = _MINUTES_15
    gpu_metric: GpuMetric = GpuMetric.GPU_UTIL
    gpu_threshold_percent: float = 90.0
    gpu_for: Duration = _MINUTES_10
    gpu_namespace_label: str = "exported_namespace"
    gpu_pod_label: str = "exported_pod"
    gpu_workload_pattern: str | None = DEPLOYMENT_POD_PATTERN
    queue_sources: tuple[QueueSource, ...] = DEFAULT_QUEUE_SOURCES
    queue_deriv_window: Duration = _MINUTES_10
    queue_for: Duration = _MINUTES_10
    adapter_window: Duration = _MINUTES_5
    left_out_for: Duration = _MINUTES_10
    adapter_errors_for: Duration = _MINUTES_5
    severities: LabelSet = ()
    extra_labels: LabelSet = ()
    links: AlertLinks = field(default_factory=AlertLinks)
    group_name: str = "servescale-autoscaling"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hpa_matchers", label_set(self.hpa_matchers))
        object.__setattr__(self, "extra_labels", label_set(self.extra_labels))
        object.__setattr__(self, "severities", label_set(self.severities))
        unknown = sorted(set(dict(self.severities)) - set(_DEFAULT_SEVERITIES))
        if unknown:
            raise ValueError(f"severities for unknown alerts: {', '.join(unknown)}")
        if not 0 < self.gpu_threshold_percent <= 100:
            raise ValueError(f"gpu_threshold_percent must be in (0, 100], got {self.gpu_threshold_percent}")

    def severity(self, alert: str) -> str:
        return dict(self.severities).get(alert, _DEFAULT_SEVERITIES[alert])

    @property
    def gpu_group_by(self) -> tuple[str, ...]:
        if self.gpu_workload_pattern is None:
            return (self.gpu_namespace_label,)
        return (self.gpu_namespace_label, "workload")


def _hpa(settings: AutoscalingAlertSettings, metric: str) -> Selector:
    return Selector(metric, tuple(eq(name, value) for name, value in settings.hpa_matchers))


def hpa_at_max(settings: AutoscalingAlertSettings) -> Expr:
    """HPAs whose current replicas reached max, ignoring fixed-size HPAs (max == min)."""
    at_max = binary(BinOp.GE, _hpa(settings, _HPA_CURRENT), _hpa(settings, _HPA_MAX))
    can_scale = binary(BinOp.GT, _hpa(settings, _HPA_MAX), _hpa(settings, _HPA_MIN))
    return binary(BinOp.AND, at_max, can_scale, on=_HPA_KEYS)


def _rule(
    settings: AutoscalingAlertSettings,
    alert: str,
    expr: Expr,
    *,
    for_: Duration,
    summary: str,
    description: str,
    labels: dict[str, str] | None = None,
) -> AlertingRule:
    annotations = {"summary": summary, "description": description, **settings.links.annotations(alert=alert)}
    return AlertingRule(
        alert=alert,
        expr=expr,
        for_=for_,
        labels=label_set(
            {**dict(settings.extra_labels), **(labels or {}), "severity": settings.severity(alert)}
        ),
        annotations=label_set(annotations),
    )


_HPA_NAME = "{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }}"


def _hpa_rules(settings: AutoscalingAlertSettings) -> list[AlertingRule]:
    mismatch = binary(BinOp.NE, _hpa(settings, _HPA_DESIRED), _hpa(settings, _HPA_CURRENT))
    return [
        _rule(
            settings,
            HPA_AT_MAX,
            hpa_at_max(settings),
            for_=settings.at_max_for,
            summary=f"HPA {_HPA_NAME} has been at its maximum replicas for {settings.at_max_for}.",
            description=(
                f"HPA {_HPA_NAME} runs {{{{ $value | humanize }}}} replicas, its maximum, and cannot "
                "add capacity. Raise maxReplicas or check that the scaling metric is sane."
            ),
        ),
        _rule(
            settings,
            HPA_REPLICAS_MISMATCH,
            mismatch,
            for_=settings.mismatch_for,
            summary=f"HPA {_HPA_NAME} has not reached its desired replicas for {settings.mismatch_for}.",
            description=(
                f"HPA {_HPA_NAME} wants {{{{ $value | humanize }}}} replicas but runs a different number: "
                "pods may be pending (GPUs, quota) or failing to start."
            ),
        ),
    ]


def gpu_utilisation_percent(settings: AutoscalingAlertSettings) -> Expr:
    """Average GPU busy percentage per workload (GPUs not assigned to a pod are left out)."""
    series: Expr = Selector(settings.gpu_metric.value, (ne(settings.gpu_pod_label, ""),))
    if settings.gpu_workload_pattern is not None:
        pattern = settings.gpu_workload_pattern
        series = label_replace(series, "workload", "$1", settings.gpu_pod_label, pattern)
    average: Expr = avg_by(series, *settings.gpu_group_by)
    scale = settings.gpu_metric.scale_to_percent
    return average if scale == 1.0 else mul(average, scale)


def _gpu_rule(settings: AutoscalingAlertSettings) -> AlertingRule:
    expr = binary(BinOp.GT, gpu_utilisation_percent(settings), settings.gpu_threshold_percent)
    where = " ".join(f"{{{{ $labels.{label} }}}}" for label in settings.gpu_group_by)
    return _rule(
        settings,
        GPU_SATURATED,
        expr,
        for_=settings.gpu_for,
        summary=f"GPUs of {where} are saturated.",
        description=(
            f"Average GPU utilisation of {where} is {{{{ $value | humanize }}}}%, above "
            f"{settings.gpu_threshold_percent:g}% for {settings.gpu_for}: add replicas or GPUs."
        ),
    )


def queue_growing_at_max(settings: AutoscalingAlertSettings, source: QueueSource) -> Expr:
    """Queue depth rising (positive ``deriv``) in a namespace where an HPA is at max replicas."""
    growth: Expr = sum_by(deriv(Selector(source.metric), settings.queue_deriv_window), source.namespace_label)
    if source.namespace_label != "namespace":
        growth = label_replace(growth, "namespace", "$1", source.namespace_label, "(.*)")
    return binary(BinOp.AND, binary(BinOp.GT, growth, 0), hpa_at_max(settings), on=("namespace",))


def _queue_rules(settings: AutoscalingAlertSettings) -> list[AlertingRule]:
    return [
        _rule(
            settings,
            QUEUE_GROWING_AT_MAX,
            queue_growing_at_max(settings, source),
            for_=settings.queue_for,
            labels={"queue_metric": source.metric},
            summary="Requests are queueing up in {{ $labels.namespace }} while its HPA is at max replicas.",
            description=(
                f"{source.metric} in {{{{ $labels.namespace }}}} has been rising for {settings.queue_for} "
                "and the HPA cannot add replicas: latency will keep growing until capacity is added."
            ),
        )
        for source in settings.queue_sources
    ]


def _adapter_rules(settings: AutoscalingAlertSettings) -> list[AlertingRule]:
    window = settings.adapter_window
    left_out = sum_by(
        increase(Selector("servescale_adapter_values_left_out_total"), window), "metric", "reason"
    )
    errors = sum_by(
        increase(Selector("servescale_adapter_requests_total", (re("code", "5.."),)), window),
        "route",
        "metric",
        "code",
    )
    return [
        _rule(
            settings,
            ADAPTER_VALUES_LEFT_OUT,
            binary(BinOp.GT, left_out, 0),
            for_=settings.left_out_for,
            summary="Metric {{ $labels.metric }} is being served without values ({{ $labels.reason }}).",
            description=(
                "The ServeScale adapter left out {{ $value | humanize }} values of {{ $labels.metric }} "
                f"in the last {window} (reason {{{{ $labels.reason }}}}): HPAs using it cannot scale on it."
            ),
        ),
        _rule(
            settings,
            ADAPTER_ERRORS,
            binary(BinOp.GT, errors, 0),
            for_=settings.adapter_errors_for,
            summary="The ServeScale adapter answers {{ $labels.code }} for {{ $labels.metric }}.",
            description=(
                "{{ $value | humanize }} {{ $labels.route }} requests for {{ $labels.metric }} failed with "
                f"{{{{ $labels.code }}}} in the last {window}: HPAs relying on it are stuck."
            ),
        ),
    ]


def autoscaling_rule_groups(settings: AutoscalingAlertSettings | None = None) -> tuple[RuleGroup, ...]:
    """The autoscaling group (HPA, GPU, queues) and the adapter group, in a stable order."""
    settings = settings or AutoscalingAlertSettings()
    scaling = [*_hpa_rules(settings), _gpu_rule(settings), *_queue_rules(settings)]
    return (
        RuleGroup(settings.group_name, tuple(scaling)),
        RuleGroup(f"{settings.group_name}-adapter", tuple(_adapter_rules(settings))),
    )
