"""Hand-written ``promtool test rules`` scenarios for the autoscaling alerts, one group per alert.

Each scenario feeds one workload that must fire and at least one look-alike that must not (a
fixed-size HPA, a converged HPA, an idle workload, an unassigned GPU, a queue in a namespace with
room to scale, a healthy response code), and checks both "not yet" (before ``for`` elapses) and
"firing" with the exact labels and expanded annotations. Scenarios follow the configured settings
(label names, thresholds, durations), so they test the rules actually rendered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from metrics_adapter.promql import Duration

from ..promtool.model import (
    AlertTest,
    ExpectedAlert,
    InputSeries,
    SeriesValues,
    TestFile,
    TestGroup,
    expand_annotation,
)
from ..rules.model import AlertingRule, label_set
from .rules import (
    ADAPTER_ERRORS,
    ADAPTER_VALUES_LEFT_OUT,
    GPU_SATURATED,
    HPA_AT_MAX,
    HPA_REPLICAS_MISMATCH,
    QUEUE_GROWING_AT_MAX,
    AutoscalingAlertSettings,
    GpuMetric,
    autoscaling_rule_groups,
)

__all__ = ["autoscaling_test_file"]

_STEP = Duration.minutes(1)
_NS = "ml"


def _minutes(duration: Duration) -> int:
    return -(-duration.milliseconds // 60_000)


def _rule(settings: AutoscalingAlertSettings, alert: str) -> AlertingRule:
    for group in autoscaling_rule_groups(settings):
        for rule in group.alerting_rules:
            if rule.alert == alert:
                return rule
    raise KeyError(alert)


def _expect(rule: AlertingRule, labels: dict[str, str], value: float) -> ExpectedAlert:
    full = {**labels, **dict(rule.labels)}
    annotations = {name: expand_annotation(text, full, value) for name, text in rule.annotations}
    return ExpectedAlert(label_set(full), label_set(annotations))


def _checks(
    rule: AlertingRule, for_: Duration, expected: ExpectedAlert, *, settle: int = 1
) -> tuple[AlertTest, ...]:
    """Quiet one minute before ``for_`` has elapsed (plus ``settle`` warm-up minutes), firing after."""
    wait = _minutes(for_) + settle
    return (
        AlertTest(Duration.minutes(wait - 2), rule.alert),
        AlertTest(Duration.minutes(wait + 1), rule.alert, (expected,)),
    )


def _hpa(settings: AutoscalingAlertSettings, name: str) -> dict[str, str]:
    return {**dict(settings.hpa_matchers), "namespace": _NS, "horizontalpodautoscaler": name}


class _Replicas(NamedTuple):
    """An HPA's current and desired replicas and its min/max bounds, held for a whole scenario."""

    current: int
    desired: int
    low: int
    high: int


_REPLICA_METRICS = (
    "kube_horizontalpodautoscaler_status_current_replicas",
    "kube_horizontalpodautoscaler_status_desired_replicas",
    "kube_horizontalpodautoscaler_spec_min_replicas",
    "kube_horizontalpodautoscaler_spec_max_replicas",
)


def _hpa_series(
    settings: AutoscalingAlertSettings, name: str, replicas: _Replicas, *, samples: int
) -> list[InputSeries]:
    labels = _hpa(settings, name)
    return [
        InputSeries.of(metric, labels, SeriesValues().hold(value, samples))
        for metric, value in zip(_REPLICA_METRICS, replicas, strict=True)
    ]


def _hpa_group(
    settings: AutoscalingAlertSettings,
    alert: str,
    title: str,
    for_: Duration,
    hpas: dict[str, _Replicas],
    firing: tuple[str, int],
) -> TestGroup:
    """One HPA alert over ``hpas``; only ``firing`` (the HPA's name and the alert's value) fires."""
    rule = _rule(settings, alert)
    samples = _minutes(for_) + 10
    series = [
        item
        for hpa, replicas in hpas.items()
        for item in _hpa_series(settings, hpa, replicas, samples=samples)
    ]
    firing_hpa, value = firing
    expected = _expect(rule, _hpa(settings, firing_hpa), value)
    return TestGroup(title, _STEP, tuple(series), _checks(rule, for_, expected))


def _hpa_at_max_group(settings: AutoscalingAlertSettings) -> TestGroup:
    hpas = {
        "llama": _Replicas(current=8, desired=8, low=2, high=8),
        "fixed": _Replicas(current=3, desired=3, low=3, high=3),
        "roomy": _Replicas(current=4, desired=4, low=1, high=8),
    }
    return _hpa_group(
        settings, HPA_AT_MAX, "hpa at max replicas", settings.at_max_for, hpas, firing=("llama", 8)
    )


def _mismatch_group(settings: AutoscalingAlertSettings) -> TestGroup:
    hpas = {
        "pending": _Replicas(current=4, desired=6, low=1, high=8),
        "settled": _Replicas(current=5, desired=5, low=1, high=8),
    }
    return _hpa_group(
        settings,
        HPA_REPLICAS_MISMATCH,
        "hpa desired != current",
        settings.mismatch_for,
        hpas,
        firing=("pending", 6),
    )


def _gpu_group(settings: AutoscalingAlertSettings) -> TestGroup:
    rule = _rule(settings, GPU_SATURATED)
    samples = _minutes(settings.gpu_for) + 10
    ratio = settings.gpu_metric is GpuMetric.GR_ENGINE_ACTIVE
    threshold = Decimal(str(settings.gpu_threshold_percent))
    busy = (threshold + 4, threshold + 6)  # average: threshold + 5
    idle = threshold / 2

    def gpu(pod: str, index: str, percent: Decimal) -> InputSeries:
        # An unassigned GPU carries an empty pod label, which Prometheus stores as no label.
        labels = {settings.gpu_namespace_label: _NS, "gpu": index, "UUID": f"GPU-{index}"}
        if pod:
            labels[settings.gpu_pod_label] = pod
        value = percent / 100 if ratio else percent
        return InputSeries.of(settings.gpu_metric.value, labels, SeriesValues().hold(value, samples))

    series = [
        gpu("llama-7c5b9d8f6-x2k4q", "0", min(busy[0], Decimal(100))),
        gpu("llama-7c5b9d8f6-abcde", "1", min(busy[1], Decimal(100))),
        gpu("bert-5d8f7c6b9-qwert", "2", idle),
        gpu("", "3", Decimal(100)),
    ]
    average = (min(busy[0], Decimal(100)) + min(busy[1], Decimal(100))) / 2
    labels = {settings.gpu_namespace_label: _NS}
    if settings.gpu_workload_pattern is not None:
        labels["workload"] = "llama"
    tests: tuple[AlertTest, ...] = ()
    if average > threshold:
        tests = _checks(rule, settings.gpu_for, _expect(rule, labels, float(average)))
    return TestGroup("gpu saturation per workload", _STEP, tuple(series), tests)


def _queue_group(settings: AutoscalingAlertSettings) -> TestGroup:
    rules = [
        rule
        for group in autoscaling_rule_groups(settings)
        for rule in group.alerting_rules
        if rule.alert == QUEUE_GROWING_AT_MAX
    ]
    samples = _minutes(settings.queue_for) + _minutes(settings.queue_deriv_window) + 10
    series = [
        *_hpa_series(settings, "llama", _Replicas(current=8, desired=8, low=1, high=8), samples=samples),
    ]
    expected = []
    for source, rule in zip(settings.queue_sources, rules, strict=True):
        for namespace in (_NS, "spare"):
            labels = {source.namespace_label: namespace, "pod": f"{namespace}-worker"}
            series.append(InputSeries.of(source.metric, labels, SeriesValues().grow(2, samples)))
        expected.append(_expect(rule, {source.namespace_label: _NS, "namespace": _NS}, 0.0))
    wait = _minutes(settings.queue_for) + 2
    tests = (
        AlertTest(Duration.minutes(wait - 3), QUEUE_GROWING_AT_MAX),
        AlertTest(Duration.minutes(wait + 1), QUEUE_GROWING_AT_MAX, tuple(expected)),
    )
    return TestGroup("queue growing while at max replicas", _STEP, tuple(series), tests)


def _adapter_group(settings: AutoscalingAlertSettings) -> TestGroup:
    left_out, errors = _rule(settings, ADAPTER_VALUES_LEFT_OUT), _rule(settings, ADAPTER_ERRORS)
    samples = (
        _minutes(settings.left_out_for)
        + _minutes(settings.adapter_errors_for)
        + _minutes(settings.adapter_window)
        + 10
    )
    window_minutes = _minutes(settings.adapter_window)
    series = [
        InputSeries.of(
            "servescale_adapter_values_left_out_total",
            {"metric": "vllm_queue_depth", "reason": "stale"},
            SeriesValues().grow(3, samples),
        ),
        InputSeries.of(
            "servescale_adapter_values_left_out_total",
            {"metric": "vllm_queue_depth", "reason": "nan"},
            SeriesValues().hold(7, samples),
        ),
        InputSeries.of(
            "servescale_adapter_requests_total",
            {"route": "custom", "metric": "vllm_queue_depth", "code": "503"},
            SeriesValues().grow(2, samples),
        ),
        InputSeries.of(
            "servescale_adapter_requests_total",
            {"route": "custom", "metric": "vllm_queue_depth", "code": "200"},
            SeriesValues().grow(50, samples),
        ),
    ]
    tests = (
        *_checks(
            left_out,
            settings.left_out_for,
            _expect(left_out, {"metric": "vllm_queue_depth", "reason": "stale"}, 3 * window_minutes),
        ),
        *_checks(
            errors,
            settings.adapter_errors_for,
            _expect(
                errors, {"route": "custom", "metric": "vllm_queue_depth", "code": "503"}, 2 * window_minutes
            ),
        ),
    )
    return TestGroup("adapter values left out and errors", _STEP, tuple(series), tests)


def autoscaling_test_file(settings: AutoscalingAlertSettings, *, rule_file: str) -> TestFile:
    """The promtool test file for ``rule_file`` rendered from ``settings``."""
    groups = autoscaling_rule_groups(settings)
    return TestFile(
        rule_files=(rule_file,),
        evaluation_interval=_STEP,
        group_eval_order=tuple(group.name for group in groups),
        groups=(
            _hpa_at_max_group(settings),
            _mismatch_group(settings),
            _gpu_group(settings),
            _queue_group(settings),
            _adapter_group(settings),
        ),
    )
