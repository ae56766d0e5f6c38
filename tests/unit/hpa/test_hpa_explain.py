"""``explain``: the plain-English lines name the branch, the pods set aside, the rule that held or limited."""

from __future__ import annotations

import pytest
from hpa_builders import (
    NOW,
    QUEUE_DOWN,
    config,
    external_value,
    harness_pods,
    harness_reader,
    hpa,
    levels,
    old_state,
    pods_metric,
    reader,
    run,
)

from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.spec.horizontal_pod_autoscaler import HorizontalPodAutoscaler, MetricSpec, MetricTarget
from autoscaler.hpa.spec.objects import Scale
from autoscaler.hpa.status.explain import explain
from autoscaler.hpa.status.result import ReconcileResult


def lines_for(result: ReconcileResult, target: HorizontalPodAutoscaler) -> str:
    return "\n".join(explain(result, target))


def test_explains_invalid_metrics_blocking_a_scale_down() -> None:
    target = hpa(pods_metric(), external_value())
    result = run(target, current=4, metrics=reader(qps=[2000] * 4, failures=[QUEUE_DOWN]), state=old_state(4))
    text = lines_for(result, target)
    assert "invalid -- failed to get queue external metric value" in text
    assert "1 of 2 metrics are invalid" in text
    assert "Error returned by the cycle: failed to compute desired number of replicas" in text
    assert "Result:" not in text


def test_explains_legacy_stabilisation() -> None:
    target = hpa(pods_metric())
    result = run(target, current=5, metrics=reader(qps=[3000] * 5))  # seeded 5 holds a proposal of 2
    text = lines_for(result, target)
    assert "Stabilisation held the count at 5, the highest recommendation of 300s." in text
    assert "Result: keep 5 replicas." in text


@pytest.mark.parametrize(
    ("current", "max_replicas", "expected"),
    [
        pytest.param(0, 10, "scaling is disabled", id="disabled"),
        pytest.param(12, 10, "Above maxReplicas: set to 10", id="above-max"),
    ],
)
def test_explains_pre_metric_branches(current: int, max_replicas: int, expected: str) -> None:
    target = hpa(pods_metric(), max_replicas=max_replicas)
    result = run(target, current=current, metrics=reader(), pods=[])
    assert expected in lines_for(result, target)


def test_explains_missing_pod_assumption() -> None:
    # 2 of 4 pods report: 990/4000 = 24% of a 100% target -> missing pods counted at 100% of request
    spec = MetricSpec(
        type="Resource", name="cpu", target=MetricTarget(type="Utilization", average_utilization=100)
    )
    target = hpa(spec)
    result = reconcile(
        target,
        scale=Scale(4, 4, "name=test-pod"),
        pods=harness_pods(4, requests=["1"] * 4),
        reader=harness_reader(levels(400, 95)),
        state=old_state(4),
        now=NOW,
        config=config(),
    )
    text = lines_for(result, target)
    assert "Set aside as missing: test-pod-2 (no metric sample), test-pod-3 (no metric sample)." in text
    assert "Rebalancing: missing pods assumed at 100% of their request (scale-down)." in text
    assert "proposes 3 replicas" in text
