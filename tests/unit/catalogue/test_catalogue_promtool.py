"""Rendered queries against Prometheus's own parser and engine (``promtool``).

* Every query the catalogue can render (each preset metric x resource, wildcard and named,
  with a metric selector; the example file's metric; external metrics) is written as a recording
  rule and must pass ``promtool check rules``.
* The one-query staleness scheme is proven on the real engine with ``promtool test rules``: for
  input series we know, the rendered query returns exactly the value and sample-time samples we
  list, and ``interpret`` reads those samples into the expected statuses.
"""

from __future__ import annotations

import math
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from metrics_adapter.catalogue import (
    Api,
    Catalogue,
    ValueStatus,
    default_catalogue,
    interpret,
    interpret_external,
    load_config,
    plan_custom_query,
    plan_external_query,
)
from metrics_adapter.kube import GroupResource, LabelSelector, parse_selector
from metrics_adapter.promql import Expr, InstantVector, Labels, Sample, binary, call, count_by

pytestmark = [pytest.mark.integration]

EXAMPLE = Path(__file__).parents[3] / "examples" / "config" / "servescale.yaml"
PODS = GroupResource("pods")
DEPLOYMENTS = GroupResource("deployments", "apps")
EVAL_SECONDS = 240.0


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=60, check=False)


def _every_query(catalogue: Catalogue) -> list[str]:
    queries: list[str] = []
    custom_selector = parse_selector("version in (v1.2,v2),!canary,zone=eu-1")
    for definition in catalogue:
        if definition.api is Api.EXTERNAL:
            assert definition.external is not None
            selector = LabelSelector()
            if definition.external.labels:
                selector = parse_selector(f"{definition.external.labels[0]} in (a.b,c)")
            queries.append(plan_external_query(definition, namespace="workers", selector=selector).promql)
            continue
        for association in definition.associations:
            namespace = "ml" if association.namespaced else None
            for name in (None, "llama-7d9f8-x2k4p"):
                for selector in (None, custom_selector):
                    plan = plan_custom_query(
                        definition,
                        resource=association.resource,
                        namespace=namespace,
                        metric_selector=selector,
                        object_name=name,
                    )
                    queries.append(plan.promql)
    return queries


def test_every_rendered_query_passes_promtool_check_rules(tmp_path: Path) -> None:
    queries = sorted(set(_every_query(default_catalogue())) | set(_every_query(load_config(EXAMPLE))))
    assert len(queries) > 100
    rules = [
        {"record": f"servescale_check:rule_{index}", "expr": query} for index, query in enumerate(queries)
    ]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "catalogue", "rules": rules}]}), encoding="utf-8")
    result = _promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


# --- the one-query scheme on the real engine -------------------------------------------------

STEADY = "x20"  # 21 samples, one every 15 s: 0 s .. 300 s


def _series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f'{key}="{value}"' for key, value in labels.items())
    return {"series": f"{name}{{{inner}}}", "values": values}


INPUT = [
    # DCGM behind the default ServiceMonitor: workload labels arrive as exported_*.
    _series(
        "DCGM_FI_DEV_GPU_UTIL", {"exported_pod": "a", "exported_namespace": "ml", "gpu": "0"}, "40" + STEADY
    ),
    _series(
        "DCGM_FI_DEV_GPU_UTIL", {"exported_pod": "a", "exported_namespace": "ml", "gpu": "1"}, "60" + STEADY
    ),
    _series(
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE", {"exported_pod": "mig", "exported_namespace": "ml"}, "0.5" + STEADY
    ),
    _series("DCGM_FI_DEV_GPU_UTIL", {"exported_pod": "s", "exported_namespace": "ml"}, "30 30 30"),
    _series("DCGM_FI_DEV_GPU_UTIL", {"exported_pod": "other", "exported_namespace": "prod"}, "99" + STEADY),
    _series("DCGM_FI_DEV_GPU_UTIL", {"exported_pod": "", "exported_namespace": "", "gpu": "7"}, "0" + STEADY),
    _series("DCGM_FI_DEV_FB_USED", {"exported_pod": "a", "exported_namespace": "ml"}, "2000" + STEADY),
    _series("DCGM_FI_DEV_FB_FREE", {"exported_pod": "a", "exported_namespace": "ml"}, "6000" + STEADY),
    _series("DCGM_FI_DEV_FB_USED", {"exported_pod": "b", "exported_namespace": "ml"}, "1000" + STEADY),
    _series("DCGM_FI_DEV_FB_FREE", {"exported_pod": "b", "exported_namespace": "ml"}, "3000"),
    # Istio: 75% of requests within 100 ms, all within 250 ms; the source reporter must not count.
    *(
        _series(
            "istio_request_duration_milliseconds_bucket",
            {
                "reporter": "destination",
                "destination_workload": "llama",
                "destination_workload_namespace": "ml",
                "le": le,
            },
            f"0+{step}x20",
        )
        for le, step in (("100", 3), ("250", 4), ("+Inf", 4))
    ),
    _series(
        "istio_request_duration_milliseconds_bucket",
        {
            "reporter": "source",
            "destination_workload": "llama",
            "destination_workload_namespace": "ml",
            "le": "100",
        },
        "0+50x20",
    ),
    *(
        _series(
            "istio_request_duration_milliseconds_bucket",
            {
                "reporter": "destination",
                "destination_workload": "idle",
                "destination_workload_namespace": "ml",
                "le": le,
            },
            "9" + STEADY,
        )
        for le in ("100", "+Inf")
    ),
    *(
        _series(
            "istio_request_duration_seconds_bucket",
            {
                "reporter": "destination",
                "destination_workload": "old",
                "destination_workload_namespace": "ml",
                "le": le,
            },
            f"0+{step}x20",
        )
        for le, step in (("0.1", 3), ("0.25", 4), ("+Inf", 4))
    ),
    _series(
        "istio_requests_total", {"reporter": "destination", "namespace": "ml", "pod": "web-1"}, "0+15x20"
    ),
    _series("istio_requests_total", {"reporter": "source", "namespace": "ml", "pod": "web-1"}, "0+300x20"),
    # Queues: Triton sums its models; vLLM where Triton has nothing.
    _series(
        "nv_inference_pending_request_count", {"namespace": "ml", "pod": "t", "model": "a"}, "2" + STEADY
    ),
    _series(
        "nv_inference_pending_request_count", {"namespace": "ml", "pod": "t", "model": "b"}, "3" + STEADY
    ),
    _series("vllm:num_requests_waiting", {"namespace": "ml", "pod": "v", "engine": "0"}, "7" + STEADY),
    *(
        _series(
            "kafka_consumergroup_lag",
            {"consumergroup": group, "topic": "jobs", "partition": p},
            f"{lag}" + STEADY,
        )
        for group, p, lag in (("embed", "0", 10), ("embed", "1", 20), ("embed", "2", 30), ("other", "0", 500))
    ),
]

CATALOGUE = default_catalogue()
SAMPLE_TIME = {"servescale_part": "sample_time"}
P95_DEPLOYMENTS = plan_custom_query(
    CATALOGUE.get("istio_request_duration_p95_ms"), resource=DEPLOYMENTS, namespace="ml"
).expr
CASES: list[tuple[str, Expr, list[tuple[dict[str, str], float]]]] = [
    (
        "gpu-utilization: avg of GPUs, MIG fallback, stale pod, other namespace and unassigned GPU left out",
        plan_custom_query(CATALOGUE.get("gpu_utilization_percent"), resource=PODS, namespace="ml").expr,
        [
            ({"exported_pod": "a"}, 50),
            ({"exported_pod": "mig"}, 50),
            ({"exported_pod": "s"}, 30),
            ({"exported_pod": "a", **SAMPLE_TIME}, 240),
            ({"exported_pod": "mig", **SAMPLE_TIME}, 240),
            ({"exported_pod": "s", **SAMPLE_TIME}, 30),
        ],
    ),
    (
        "gpu-memory-utilization: the oldest of the gauges read is the value's age",
        plan_custom_query(
            CATALOGUE.get("gpu_memory_utilization_percent"), resource=PODS, namespace="ml"
        ).expr,
        [
            ({"exported_pod": "a"}, 25),
            ({"exported_pod": "b"}, 25),
            ({"exported_pod": "a", **SAMPLE_TIME}, 240),
            ({"exported_pod": "b", **SAMPLE_TIME}, 0),
        ],
    ),
    (
        "p95 per deployment: interpolated in the 100-250 ms bucket; seconds histogram x 1000",
        # ``== self`` drops NaN samples, which promtool 2.42 cannot compare (see the next case);
        # ``round`` hides the last bits of float interpolation.
        call("round", binary("==", P95_DEPLOYMENTS, P95_DEPLOYMENTS)),
        [({"destination_workload": "llama"}, 220), ({"destination_workload": "old"}, 220)],
    ),
    (
        "p95 without traffic is NaN",
        count_by(
            binary("!=", P95_DEPLOYMENTS, P95_DEPLOYMENTS),
            "destination_workload",
        ),
        [({"destination_workload": "idle"}, 1)],
    ),
    (
        "requests per second per pod, destination reporter only",
        plan_custom_query(CATALOGUE.get("istio_requests_per_second"), resource=PODS, namespace="ml").expr,
        [({"pod": "web-1"}, 1)],
    ),
    (
        "inference queue: Triton summed over models, else vLLM",
        plan_custom_query(CATALOGUE.get("inference_queue_depth"), resource=PODS, namespace="ml").expr,
        [
            ({"pod": "t"}, 5),
            ({"pod": "v"}, 7),
            ({"pod": "t", **SAMPLE_TIME}, 240),
            ({"pod": "v", **SAMPLE_TIME}, 240),
        ],
    ),
    (
        "kafka lag summed over the selected group's partitions",
        plan_external_query(
            CATALOGUE.get("kafka_consumergroup_lag"),
            namespace="workers",
            selector=parse_selector("consumergroup=embed"),
        ).expr,
        [({}, 60), (SAMPLE_TIME, 240)],
    ),
]


def _labels(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'{key}="{value}"' for key, value in labels.items()) + "}"


def test_one_query_scheme_on_the_prometheus_engine(tmp_path: Path) -> None:
    tests: list[dict[str, Any]] = [
        {
            "interval": "15s",
            "input_series": INPUT,
            "promql_expr_test": [
                {
                    "expr": expr.render(),
                    "eval_time": f"{int(EVAL_SECONDS)}s",
                    "exp_samples": [
                        {"labels": _labels(labels), "value": value} for labels, value in expected
                    ],
                }
                for _, expr, expected in CASES
            ],
        }
    ]
    path = tmp_path / "scheme_test.yaml"
    path.write_text(
        yaml.safe_dump({"rule_files": [], "evaluation_interval": "1m", "tests": tests}), encoding="utf-8"
    )
    result = _promtool("test", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def _vector(samples: list[tuple[dict[str, str], float]]) -> InstantVector:
    return InstantVector(tuple(Sample(Labels(labels), EVAL_SECONDS, value) for labels, value in samples))


def test_interpret_reads_what_the_engine_returns() -> None:
    """The samples proven above, read back: statuses follow from values and sample times."""
    gpu = interpret(
        CATALOGUE.get("gpu_utilization_percent"),
        _vector(CASES[0][2]),
        group_label="exported_pod",
        now=EVAL_SECONDS,
        expected=["a", "mig", "s", "gone"],
    )
    assert [(v.name, v.status, v.value) for v in gpu] == [
        ("a", ValueStatus.OK, Decimal(50)),
        ("gone", ValueStatus.ABSENT, None),
        ("mig", ValueStatus.OK, Decimal(50)),
        ("s", ValueStatus.STALE, None),
    ]
    memory = interpret(
        CATALOGUE.get("gpu_memory_utilization_percent"),
        _vector(CASES[1][2]),
        group_label="exported_pod",
        now=240,
    )
    assert [(v.name, v.status) for v in memory] == [("a", ValueStatus.OK), ("b", ValueStatus.STALE)]
    p95 = interpret(
        CATALOGUE.get("istio_request_duration_p95_ms"),
        _vector([*CASES[2][2], ({"destination_workload": "idle"}, math.nan)]),
        group_label="destination_workload",
        now=EVAL_SECONDS,
    )
    assert [(v.name, v.status, v.value) for v in p95] == [
        ("idle", ValueStatus.NAN, None),
        ("llama", ValueStatus.OK, Decimal(220)),
        ("old", ValueStatus.OK, Decimal(220)),
    ]
    queue = interpret(
        CATALOGUE.get("inference_queue_depth"),
        _vector(CASES[5][2]),
        group_label="pod",
        now=EVAL_SECONDS,
        expected=["t", "v", "idle"],
    )
    assert [(v.name, v.value) for v in queue] == [("idle", Decimal(0)), ("t", Decimal(5)), ("v", Decimal(7))]
    [lag] = interpret_external(
        CATALOGUE.get("kafka_consumergroup_lag"), _vector(CASES[6][2]), now=EVAL_SECONDS
    )
    assert (lag.value, lag.status, lag.timestamp) == (Decimal(60), ValueStatus.OK, 240)
