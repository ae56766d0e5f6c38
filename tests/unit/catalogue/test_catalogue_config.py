"""The YAML configuration: defaults without a file, errors naming entry and field, the example file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from metrics_adapter.catalogue import (
    PRESET_NAMES,
    Api,
    ConfigError,
    UnknownMetricError,
    default_catalogue,
    load_config,
    parse_config,
    plan_custom_query,
)
from metrics_adapter.kube import GroupResource, build_custom_metrics_resource_list

EXAMPLE = Path(__file__).parents[3] / "examples" / "config" / "servescale.yaml"
PODS = GroupResource("pods")

PRESET_METRICS = {
    "istio_requests_per_second",
    "istio_request_error_ratio",
    "istio_request_duration_p50_ms",
    "istio_request_duration_p90_ms",
    "istio_request_duration_p95_ms",
    "istio_request_duration_p99_ms",
    "gpu_utilization_percent",
    "gpu_memory_used_mib",
    "gpu_memory_free_mib",
    "gpu_memory_utilization_percent",
    "triton_queue_depth",
    "vllm_queue_depth",
    "inference_queue_depth",
    "rabbitmq_queue_messages_ready",
    "kafka_consumergroup_lag",
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "servescale.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text))
    return str(caught.value)


def test_without_a_file_every_preset_is_on() -> None:
    catalogue = load_config(None)
    assert set(catalogue.names) == PRESET_METRICS
    assert set(default_catalogue().names) == PRESET_METRICS
    assert PRESET_NAMES == ("istio", "dcgm", "queues")


def test_discovery_comes_from_configuration_and_is_consistent() -> None:
    catalogue = default_catalogue()
    resources = catalogue.custom_resources()
    assert resources
    listing = build_custom_metrics_resource_list("v1beta2", resources)  # refuses mixed scopes
    names = {resource.name for resource in listing.resources}
    assert "deployments.apps/gpu_utilization_percent" in names
    assert "namespaces/istio_requests_per_second" in names
    assert all(r.namespaced for r in listing.resources if not r.name.startswith("namespaces/"))
    assert not any(r.namespaced for r in listing.resources if r.name.startswith("namespaces/"))
    assert catalogue.external_metrics() == ["kafka_consumergroup_lag", "rabbitmq_queue_messages_ready"]


def test_an_empty_file_means_defaults(tmp_path: Path) -> None:
    assert set(load_config(_write(tmp_path, "")).names) == PRESET_METRICS


def test_unknown_metric_is_a_key_error() -> None:
    catalogue = default_catalogue()
    with pytest.raises(KeyError) as caught:
        catalogue.get("nope")
    assert isinstance(caught.value, UnknownMetricError)
    assert str(caught.value) == "no metric named 'nope' is configured"
    with pytest.raises(UnknownMetricError, match="no external metric"):
        catalogue.get("istio_requests_per_second", api=Api.EXTERNAL)


def test_the_example_file_loads(tmp_path: Path) -> None:
    catalogue = load_config(EXAMPLE)
    assert set(catalogue.names) > PRESET_METRICS
    custom = catalogue.get("triton_queue_wait_ms")
    assert custom.origin == 'metrics[0] "triton_queue_wait_ms"'
    promql = plan_custom_query(custom, resource=GroupResource("deployments", "apps"), namespace="ml").promql
    assert "rate(nv_inference_queue_duration_us" in promql
    assert promql.endswith("* 0.001")
    p95 = plan_custom_query(catalogue.get("istio_request_duration_p95_ms"), resource=PODS, namespace="ml")
    assert "[2m]" in p95.promql, "latencyWindow of the example applies"


_GOOD_METRIC = """
  - name: good_{n}
    value: {{kind: gauge, series: g_{n}}}
    resources: {{pods: {{}}}}
"""


def _entries(*extra: str, good: int = 3) -> str:
    return "metrics:\n" + "".join(_GOOD_METRIC.format(n=n) for n in range(good)) + "".join(extra)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            _entries(
                """
  - name: queue_wait
    value: {kind: rate, series: q_total, window: 5x}
    resources: {pods: {}}
"""
            ),
            'metrics[3] "queue_wait": value.window: invalid duration "5x"',
            id="brief-example",
        ),
        pytest.param(
            _entries(
                """
  - name: deep
    value:
      kind: ratio
      numerator: {kind: rate, series: a_total}
      denominator:
        kind: firstOf
        alternatives:
          - {kind: gauge, series: b}
          - {kind: increase, series: c_total, window: 90}
    resources: {pods: {}}
""",
                good=0,
            ),
            'metrics[0] "deep": value.denominator.alternatives[1].window: invalid duration 90',
            id="nested-path",
        ),
        pytest.param(
            "presets:\n  istio:\n    rateWindw: 1m\n",
            "presets.istio.rateWindw: unknown field",
            id="typo-in-preset",
        ),
        pytest.param(
            "presets:\n  istio:\n    rate_window: 1m\n",
            "presets.istio.rate_window: unknown field (keys are camelCase",
            id="snake-case-key",
        ),
        pytest.param(
            "presets:\n  dcgm:\n    podLabels: honor\n",
            "presets.dcgm.podLabels: Input should be 'exported' or 'pod'",
            id="dcgm-pod-labels",
        ),
        pytest.param(
            "presets:\n  istio:\n    exclude: [istio_nope]\n",
            "presets.istio: preset istio has no metric istio_nope",
            id="unknown-exclude",
        ),
        pytest.param(
            "labels:\n  pod: kubernetes.pod\n",
            "labels.pod: invalid label name 'kubernetes.pod'",
            id="bad-global-label",
        ),
        pytest.param(
            _entries("  - {name: x, resources: {pods: {}}}\n", good=1),
            'metrics[1] "x": value: Field required',
            id="missing-value",
        ),
        pytest.param(
            _entries("  - {name: x, value: {series: a}, resources: {pods: {}}}\n", good=0),
            'metrics[0] "x": value: needs a kind: one of gauge, rate',
            id="missing-kind",
        ),
        pytest.param(
            _entries("  - {name: x, value: {kind: avg, series: a}, resources: {pods: {}}}\n", good=0),
            "metrics[0] \"x\": value: Input tag 'avg' found using 'kind' does not match",
            id="unknown-kind",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: {metric: a, labels: {bad-label: v}}}, "
                "resources: {pods: {}}}\n",
                good=0,
            ),
            "metrics[0] \"x\": value.series.labels.bad-label: invalid label name 'bad-label'",
            id="bad-series-label",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: {metric: a, labels: {code: {regex: '5(('}}}}, "
                "resources: {pods: {}}}\n",
                good=0,
            ),
            'metrics[0] "x": value.series.labels.code.regex: invalid regex "5(("',
            id="bad-regex",
        ),
        pytest.param(
            _entries("  - {name: x, value: {kind: gauge, series: 'a b'}, resources: {pods: {}}}\n", good=0),
            "metrics[0] \"x\": value.series.metric: invalid metric name 'a b'",
            id="bad-metric-name",
        ),
        pytest.param(
            _entries("  - {name: x, value: {kind: gauge, series: a}}\n", good=0),
            'metrics[0] "x": resources: a custom metric needs at least one resource',
            id="custom-without-resources",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: a}, resources: {Deployments.apps: {}}}\n", good=0
            ),
            'metrics[0] "x": resources.Deployments.apps: resource',
            id="bad-group-resource",
        ),
        pytest.param(
            _entries("  - {name: x, value: {kind: gauge, series: a}, resources: {services: {}}}\n", good=0),
            'metrics[0] "x": resources.services: needs a label',
            id="resource-without-label",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: a}, resources: {nodes: {label: node, "
                "namespaceLabel: namespace}}}\n",
                good=0,
            ),
            'metrics[0] "x": resources.nodes.namespaceLabel: nodes is cluster-scoped',
            id="cluster-scoped-with-namespace-label",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: a}, "
                "resources: {deployments.apps: {fromPods: avg}}}\n",
                good=0,
            ),
            'metrics[0] "x": resources: fromPods needs a pods association',
            id="from-pods-without-pods",
        ),
        pytest.param(
            _entries(
                "  - {name: x, api: external, value: {kind: gauge, series: a}, resources: {pods: {}}}\n",
                good=0,
            ),
            'metrics[0] "x": resources: an external metric has no resources',
            id="external-with-resources",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: a}, resources: {pods: {}}, zeroWhenAbsent: true, "
                "fallbackValue: 1}\n",
                good=0,
            ),
            'metrics[0] "x": fallbackValue: give either zeroWhenAbsent or fallbackValue',
            id="zero-and-fallback",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: gauge, series: a}, resources: {pods: {}}, "
                "fallbackValue: .nan}\n",
                good=0,
            ),
            'metrics[0] "x": fallbackValue: Input should be a finite number',
            id="nan-fallback",
        ),
        pytest.param(
            _entries(
                "  - {name: x, value: {kind: histogramQuantile, series: h_bucket, quantile: 95}, "
                "resources: {pods: {}}}\n",
                good=0,
            ),
            'metrics[0] "x": value.quantile: Input should be less than or equal to 1',
            id="quantile-out-of-range",
        ),
        pytest.param(
            _entries(
                "  - {name: 'bad name', value: {kind: gauge, series: a}, resources: {pods: {}}}\n", good=0
            ),
            'metrics[0] "bad name": name: invalid metric name "bad name"',
            id="bad-api-name",
        ),
        pytest.param(
            _entries("  - just-a-string\n", good=0), "metrics[0]: must be a mapping", id="not-a-mapping"
        ),
        pytest.param(
            _entries(
                "  - {name: istio_requests_per_second, value: {kind: gauge, series: a}, "
                "resources: {pods: {}}}\n"
            ),
            "metric name 'istio_requests_per_second' is defined twice: by preset istio and by "
            'metrics[3] "istio_requests_per_second"',
            id="duplicate-of-preset",
        ),
        pytest.param(
            _entries("  - {name: good_0, value: {kind: gauge, series: b}, resources: {pods: {}}}\n", good=1),
            'metric name \'good_0\' is defined twice: by metrics[0] "good_0" and by metrics[1] "good_0"',
            id="duplicate-user-metrics",
        ),
        pytest.param(
            "presets:\n  istio: {enabled: false}\n  dcgm: {enabled: false}\n  queues: {enabled: false}\n",
            "no custom metric is defined",
            id="nothing-enabled",
        ),
        pytest.param(
            "presets:\n  istio: {}\n  istio: {}\n", "duplicate key 'istio'", id="duplicate-yaml-key"
        ),
        pytest.param("presets: [\n", "invalid YAML", id="invalid-yaml"),
        pytest.param("- a\n- b\n", "the configuration must be a mapping", id="top-level-list"),
    ],
)
def test_errors_name_entry_and_field(tmp_path: Path, text: str, expected: str) -> None:
    message = _errors(tmp_path, text)
    assert expected in message
    assert message.startswith(str(tmp_path / "servescale.yaml") + ": ")


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    message = _errors(
        tmp_path,
        _entries(
            "  - {name: a, value: {kind: rate, series: x, window: 1q}, resources: {pods: {}}}\n"
            "  - {name: b, value: {kind: gauge, series: y}}\n",
            good=1,
        ),
    )
    assert len(message.splitlines()) == 2
    assert 'metrics[1] "a": value.window' in message
    assert 'metrics[2] "b": resources' in message


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path / "missing.yaml")


def test_scrape_labels_and_defaults_flow_into_presets_and_metrics() -> None:
    catalogue = parse_config(
        {
            "labels": {"pod": "kubernetes_pod_name", "namespace": "kubernetes_namespace"},
            "defaults": {"rateWindow": "3m", "maxStalenessSeconds": 45},
            "presets": {"dcgm": {"maxStalenessSeconds": None}},
            "metrics": [
                {
                    "name": "jobs_per_second",
                    "value": {"kind": "rate", "series": "jobs_total"},
                    "resources": {"pods": None},
                },
                {
                    "name": "fresh",
                    "value": {"kind": "gauge", "series": "g"},
                    "resources": {"pods": {}},
                    "maxStalenessSeconds": 10,
                },
            ],
        }
    )
    rps = plan_custom_query(catalogue.get("istio_requests_per_second"), resource=PODS, namespace="ml").promql
    assert rps == (
        'sum by (kubernetes_pod_name) (rate(istio_requests_total{reporter="destination", '
        'kubernetes_namespace="ml", kubernetes_pod_name!=""}[3m]))'
    )
    jobs = plan_custom_query(catalogue.get("jobs_per_second"), resource=PODS, namespace="ml").promql
    assert 'jobs_total{kubernetes_namespace="ml", kubernetes_pod_name!=""}[3m]' in jobs
    assert catalogue.get("triton_queue_depth").policy.max_staleness_seconds == 45
    assert catalogue.get("gpu_memory_used_mib").policy.max_staleness_seconds is None
    assert not catalogue.get("gpu_memory_used_mib").checks_staleness
    assert catalogue.get("fresh").policy.max_staleness_seconds == 10
    dcgm_pods = catalogue.get("gpu_memory_used_mib").association(PODS)
    assert dcgm_pods is not None
    assert dcgm_pods.object_label == "exported_pod", "dcgm's own labels do not follow the scrape's"


def test_user_metric_vocabulary() -> None:
    catalogue = parse_config(
        {
            "presets": {"istio": {"enabled": False}, "dcgm": {"enabled": False}},
            "metrics": [
                {
                    "name": "slow_share",
                    "description": "share of slow requests",
                    "unit": "ratio",
                    "value": {
                        "kind": "ratio",
                        "numerator": {
                            "kind": "increase",
                            "series": {
                                "metric": "h_bucket",
                                "labels": {"le": "+Inf", "code": {"notRegex": "5.."}},
                            },
                            "window": "10m",
                        },
                        "denominator": {
                            "kind": "sum",
                            "terms": [
                                {"kind": "increase", "series": "a_total", "window": "10m"},
                                {
                                    "kind": "increase",
                                    "series": {"metric": "b_total", "labels": {"x": {"notEquals": "1"}}},
                                },
                            ],
                        },
                        "scale": 100,
                    },
                    "aggregation": "max",
                    "resources": {
                        "pods": {},
                        "statefulsets.apps": {"label": "statefulset"},
                        "inferenceservices.serving.kserve.io": {"fromPods": "min"},
                        "nodes": {"label": "node"},
                    },
                    "fallbackValue": 0.5,
                },
                {
                    "name": "lag",
                    "api": "external",
                    "value": {"kind": "gauge", "series": "lag"},
                    "external": {"labels": ["topic"], "namespaced": True, "result": "perSeries"},
                    "zeroWhenAbsent": True,
                },
            ],
        }
    )
    definition = catalogue.get("slow_share")
    assert definition.policy.fallback_value == Decimal("0.5")
    sets = plan_custom_query(
        definition, resource=GroupResource("statefulsets", "apps"), namespace="ml", object_name="db"
    ).promql
    assert (
        'max by (statefulset) (increase(h_bucket{le="+Inf", code!~"5..", namespace="ml", '
        'statefulset="db"}[10m]))' in sets
    )
    assert 'b_total{x!="1", namespace="ml", statefulset="db"}[1m]' in sets, "default rate window"
    nodes = plan_custom_query(
        definition, resource=GroupResource("nodes"), namespace=None, object_name="n1"
    ).promql
    assert 'node="n1"' in nodes
    assert "namespace=" not in nodes
    lag = catalogue.get("lag")
    assert lag.external is not None
    assert lag.external.namespace_label == "namespace"
    assert lag.policy.zero_when_absent
    by_resource = {str(r.group_resource): r.namespaced for r in catalogue.custom_resources()}
    assert by_resource == {
        "inferenceservices.serving.kserve.io": True,
        "nodes": False,
        "pods": True,
        "statefulsets.apps": True,
        "deployments.apps": True,
    }


def test_yaml_round_trip_of_the_example_is_plain_data() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert set(parse_config(data).names) == set(load_config(EXAMPLE).names)
