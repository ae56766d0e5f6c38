"""Autoscaling alert rules rendered from settings, and their hand-written promtool scenarios."""

from __future__ import annotations

import pytest

from alerts.autoscaling.promtool_tests import autoscaling_test_file
from alerts.autoscaling.rules import (
    ADAPTER_ERRORS,
    ADAPTER_VALUES_LEFT_OUT,
    GPU_SATURATED,
    HPA_AT_MAX,
    HPA_REPLICAS_MISMATCH,
    QUEUE_GROWING_AT_MAX,
    AutoscalingAlertSettings,
    GpuMetric,
    QueueSource,
    autoscaling_rule_groups,
)
from alerts.rules.links import AlertLinks
from alerts.rules.model import AlertingRule
from metrics_adapter.promql import Duration


def _rules(settings: AutoscalingAlertSettings | None = None) -> dict[str, list[AlertingRule]]:
    out: dict[str, list[AlertingRule]] = {}
    for group in autoscaling_rule_groups(settings):
        for rule in group.alerting_rules:
            out.setdefault(rule.alert, []).append(rule)
    return out


def test_default_rules_and_groups() -> None:
    groups = autoscaling_rule_groups()
    assert [group.name for group in groups] == ["servescale-autoscaling", "servescale-autoscaling-adapter"]
    rules = _rules()
    assert {name: len(found) for name, found in rules.items()} == {
        HPA_AT_MAX: 1,
        HPA_REPLICAS_MISMATCH: 1,
        GPU_SATURATED: 1,
        QUEUE_GROWING_AT_MAX: 2,
        ADAPTER_VALUES_LEFT_OUT: 1,
        ADAPTER_ERRORS: 1,
    }


@pytest.mark.parametrize(
    ("alert", "expr", "for_", "severity"),
    [
        pytest.param(
            HPA_AT_MAX,
            "(kube_horizontalpodautoscaler_status_current_replicas >= "
            "kube_horizontalpodautoscaler_spec_max_replicas) and on(namespace, horizontalpodautoscaler) "
            "(kube_horizontalpodautoscaler_spec_max_replicas > "
            "kube_horizontalpodautoscaler_spec_min_replicas)",
            "15m",
            "ticket",
            id="hpa-at-max",
        ),
        pytest.param(
            HPA_REPLICAS_MISMATCH,
            "kube_horizontalpodautoscaler_status_desired_replicas != "
            "kube_horizontalpodautoscaler_status_current_replicas",
            "15m",
            "ticket",
            id="mismatch",
        ),
        pytest.param(
            GPU_SATURATED,
            'avg by (exported_namespace, workload) (label_replace(DCGM_FI_DEV_GPU_UTIL{exported_pod!=""}, '
            '"workload", "$1", "exported_pod", "(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}")) > 90',
            "10m",
            "ticket",
            id="gpu",
        ),
        pytest.param(
            ADAPTER_VALUES_LEFT_OUT,
            "sum by (metric, reason) (increase(servescale_adapter_values_left_out_total[5m])) > 0",
            "10m",
            "ticket",
            id="left-out",
        ),
        pytest.param(
            ADAPTER_ERRORS,
            'sum by (route, metric, code) (increase(servescale_adapter_requests_total{code=~"5.."}[5m])) > 0',
            "5m",
            "page",
            id="adapter-errors",
        ),
    ],
)
def test_default_rule_shapes(alert: str, expr: str, for_: str, severity: str) -> None:
    [rule] = _rules()[alert]
    assert rule.expr.render() == expr
    assert rule.for_ is not None
    assert rule.for_.render() == for_
    assert rule.label("severity") == severity


def test_queue_rule_joins_growth_with_hpa_at_max_per_namespace() -> None:
    vllm = _rules()[QUEUE_GROWING_AT_MAX][0]
    text = vllm.expr.render()
    assert text.startswith(
        "(sum by (namespace) (deriv(vllm:num_requests_waiting[10m])) > 0) and on(namespace) ("
    )
    assert vllm.label("queue_metric") == "vllm:num_requests_waiting"


def test_queue_with_another_namespace_label_is_relabelled() -> None:
    settings = AutoscalingAlertSettings(
        queue_sources=(QueueSource("kn_serving_queue_depth", "k8s_namespace_name"),)
    )
    [rule] = _rules(settings)[QUEUE_GROWING_AT_MAX]
    assert rule.expr.render().startswith(
        '(label_replace(sum by (k8s_namespace_name) (deriv(kn_serving_queue_depth[10m])), "namespace", "$1", '
        '"k8s_namespace_name", "(.*)") > 0) and on(namespace)'
    )


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            AutoscalingAlertSettings(gpu_metric=GpuMetric.GR_ENGINE_ACTIVE, gpu_threshold_percent=85),
            "(avg by (exported_namespace, workload) (label_replace("
            'DCGM_FI_PROF_GR_ENGINE_ACTIVE{exported_pod!=""}, "workload", "$1", "exported_pod", '
            '"(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}")) * 100) > 85',
            id="ratio-metric-scaled",
        ),
        pytest.param(
            AutoscalingAlertSettings(
                gpu_namespace_label="namespace", gpu_pod_label="pod", gpu_workload_pattern=None
            ),
            'avg by (namespace) (DCGM_FI_DEV_GPU_UTIL{pod!=""}) > 90',
            id="honor-labels-per-namespace",
        ),
    ],
)
def test_gpu_grouping_and_metric_are_configurable(settings: AutoscalingAlertSettings, expected: str) -> None:
    [rule] = _rules(settings)[GPU_SATURATED]
    assert rule.expr.render() == expected


def test_hpa_selector_severity_overrides_extra_labels_and_links() -> None:
    settings = AutoscalingAlertSettings(
        hpa_matchers=(("job", "kube-state-metrics"),),
        severities=((HPA_AT_MAX, "page"),),
        extra_labels=(("team", "platform"),),
        links=AlertLinks(runbook_url="https://rb/{alert}", dashboard_url="https://g/{slo}"),
        at_max_for=Duration.minutes(30),
    )
    [rule] = _rules(settings)[HPA_AT_MAX]
    assert (
        'kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}' in rule.expr.render()
    )
    assert dict(rule.labels) == {"severity": "page", "team": "platform"}
    assert dict(rule.annotations)["runbook_url"] == f"https://rb/{HPA_AT_MAX}"
    assert "dashboard_url" not in dict(rule.annotations)  # an SLO link has no SLO here
    assert "for 30m" in dict(rule.annotations)["summary"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"severities": (("NoSuchAlert", "page"),)}, "unknown alerts", id="unknown-alert"),
        pytest.param({"gpu_threshold_percent": 120.0}, "gpu_threshold_percent", id="threshold"),
        pytest.param({"extra_labels": (("bad-name", "x"),)}, "invalid label name", id="label-name"),
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AutoscalingAlertSettings(**kwargs)  # type: ignore[arg-type]


def test_hand_written_scenarios_follow_the_settings() -> None:
    settings = AutoscalingAlertSettings(
        gpu_namespace_label="namespace", gpu_pod_label="pod", at_max_for=Duration.minutes(20)
    )
    document = autoscaling_test_file(settings, rule_file="autoscaling.rules.yaml").to_dict()
    groups = {group["name"]: group for group in document["tests"]}
    at_max = groups["hpa at max replicas"]["alert_rule_test"]
    assert [check["eval_time"] for check in at_max] == ["19m", "22m"]
    assert at_max[0]["exp_alerts"] == []
    assert at_max[1]["exp_alerts"][0]["exp_labels"] == {
        "horizontalpodautoscaler": "llama",
        "namespace": "ml",
        "severity": "ticket",
    }
    gpu_series = [series["series"] for series in groups["gpu saturation per workload"]["input_series"]]
    assert all(series.startswith("DCGM_FI_DEV_GPU_UTIL{") for series in gpu_series)
    assert any('pod="llama-7c5b9d8f6-x2k4q"' in series for series in gpu_series)
    assert document["group_eval_order"] == ["servescale-autoscaling", "servescale-autoscaling-adapter"]
