"""Whole reconcile cycles (horizontal_test.go): branches, invalid metrics, seeding, scale to zero."""

from __future__ import annotations

import pytest
from hpa_builders import (
    NOW,
    NS,
    OLD,
    QUEUE_DOWN,
    condition,
    config,
    external_value,
    harness_pods,
    hpa,
    old_state,
    pods_metric,
    reader,
    run,
)

from autoscaler.hpa.behavior.state import Recommendation
from autoscaler.hpa.metrics.static_reader import (
    CustomMetricValue,
    FailingMetric,
    StaticMetricsReader,
)
from autoscaler.hpa.reconcile import reconcile
from autoscaler.hpa.spec.horizontal_pod_autoscaler import (
    Behavior,
    Condition,
    CrossVersionObjectReference,
    MetricSpec,
    MetricTarget,
    ScalingRules,
)
from autoscaler.hpa.spec.objects import Pod
from autoscaler.hpa.status.result import Branch

# --- metrics and normalisation --------------------------------------------------------------


def test_scale_up_with_conditions_and_status() -> None:
    # qps avg 20000 / 10000 = 2.0 -> ceil(2.0 * 3) = 6; legacy cap max(6, 4) = 6
    result = run(hpa(pods_metric()), current=3, metrics=reader(qps=[20000] * 3))
    assert (result.desired_replicas, result.scale_updated, result.error) == (6, True, None)
    assert condition(result, "AbleToScale") == ("True", "SucceededRescale")
    assert condition(result, "ScalingActive") == ("True", "ValidMetricFound")
    assert condition(result, "ScalingLimited") == ("False", "DesiredWithinRange")
    assert result.last_scale_time == NOW
    assert result.current_metrics is not None
    assert result.current_metrics[0].current is not None
    assert result.current_metrics[0].current.average_value_milli == 20000


def test_legacy_scale_up_limit() -> None:
    # avg 50000 / 10000 = 5.0 -> ceil(5.0 * 2) = 10, capped at int32(max(2 * 2, 4)) = 4
    result = run(hpa(pods_metric(), max_replicas=20), current=2, metrics=reader(qps=[50000] * 2))
    assert result.desired_replicas == 4
    assert condition(result, "ScalingLimited") == ("True", "ScaleUpLimit")


def test_first_cycle_seeding_blocks_scale_down() -> None:
    # 0.3 -> ceil(0.3 * 5 = 1.5) = 2, but the seeded recommendation 5 (now) holds the count at 5
    result = run(hpa(pods_metric()), current=5, metrics=reader(qps=[3000] * 5))
    assert (result.desired_replicas, result.scale_updated) == (5, False)
    assert condition(result, "AbleToScale") == ("True", "ScaleDownStabilized")
    assert result.state is not None
    assert result.state.recommendations == (Recommendation(5, NOW), Recommendation(2, NOW))


def test_scale_down_after_the_window() -> None:
    # the only recommendation is 10 min old: its slot is reused and the scale-down goes through
    result = run(hpa(pods_metric()), current=5, metrics=reader(qps=[3000] * 5), state=old_state(5))
    assert (result.desired_replicas, result.scale_updated) == (2, True)
    assert result.state is not None
    assert result.state.recommendations == (Recommendation(2, NOW),)


def test_behavior_path_stores_scale_events() -> None:
    # behaviour set (defaults): 2.0 * 3 -> 6; limit max(3 + 4, ceil(3 * 2)) = 7 -> 6; event +3 stored
    target = hpa(pods_metric(), behavior=Behavior())
    result = run(target, current=3, metrics=reader(qps=[20000] * 3))
    assert result.desired_replicas == 6
    assert result.state is not None
    assert [e.replica_change for e in result.state.scale_up_events] == [3]


def test_behavior_with_only_tolerance_switches_path() -> None:
    # a behavior holding only a tolerance selects the behaviour path: scale-up limited by the
    # default policies, max(2 + 4, ceil(2 * 2)) = 6, not by the legacy max(4, 4) = 4
    target = hpa(pods_metric(), max_replicas=20, behavior=Behavior(scale_up=ScalingRules(tolerance=0.1)))
    result = run(target, current=2, metrics=reader(qps=[50000] * 2))
    assert (
        result.desired_replicas,
        result.decision.normalization.path if result.decision.normalization else None,
    ) == (
        6,
        "behavior",
    )


@pytest.mark.parametrize(
    ("gate", "expected"),
    [
        # avg 10500 / 10000 = 1.05: the HPA's 1% scale-up tolerance applies only with the gate on
        pytest.param(True, 4, id="gate-on-uses-hpa-tolerance"),  # ceil(1.05 * 3 = 3.15) = 4
        pytest.param(False, 3, id="gate-off-uses-flag"),
    ],
)
def test_configurable_tolerance_gate(gate: bool, expected: int) -> None:
    target = hpa(pods_metric(), behavior=Behavior(scale_up=ScalingRules(tolerance=0.01)))
    result = run(
        target, current=3, metrics=reader(qps=[10500] * 3), cfg=config(hpa_configurable_tolerance=gate)
    )
    assert result.desired_replicas == expected


# --- invalid metrics --------------------------------------------------------------------------


def test_invalid_metric_blocks_scale_down() -> None:
    # qps proposes ceil(0.2 * 4) = 1 < C = 4 while queue failed: nothing changes
    target = hpa(pods_metric(), external_value(), desired=4)
    result = run(target, current=4, metrics=reader(qps=[2000] * 4, failures=[QUEUE_DOWN]), state=old_state(4))
    assert (result.desired_replicas, result.scale_updated) == (4, False)
    assert result.decision.branch == Branch.INVALID_METRICS
    assert condition(result, "ScalingActive") == ("False", "FailedGetExternalMetric")
    assert result.error == (
        "failed to compute desired number of replicas based on listed metrics for"
        " Deployment/test-namespace/frontend: invalid metrics (1 invalid out of 2), first error is:"
        " failed to get queue external metric value: failed to get external metric queue:"
        " unable to get external metric test-namespace/queue/nil: unable to fetch metrics from"
        " external metrics API: the server is currently unable to handle the request"
    )
    assert result.current_metrics is not None
    assert result.current_metrics[1].type == ""


def test_invalid_metric_does_not_block_scale_up() -> None:
    target = hpa(pods_metric(), external_value())
    result = run(target, current=2, metrics=reader(qps=[20000] * 2, failures=[QUEUE_DOWN]))
    assert (result.desired_replicas, result.scale_updated) == (4, True)
    assert condition(result, "ScalingActive") == ("True", "ValidMetricFound")
    assert result.error is not None
    assert result.error.startswith("invalid metrics (1 invalid out of 2)")


def test_invalid_metric_does_not_block_a_hold() -> None:
    # qps within tolerance proposes C = 3 (not < C): the cycle goes on, still returning the error
    target = hpa(pods_metric(), external_value())
    result = run(target, current=3, metrics=reader(qps=[10000] * 3, failures=[QUEUE_DOWN]))
    assert (result.desired_replicas, result.decision.branch) == (3, Branch.METRICS)
    assert result.error is not None


def test_all_metrics_invalid() -> None:
    target = hpa(pods_metric(), desired=7)
    result = run(target, current=3, metrics=reader(failures=[FailingMetric("Pods")]))
    assert (result.desired_replicas, result.scale_updated) == (7, False)
    assert condition(result, "ScalingActive") == ("False", "FailedGetPodsMetric")
    assert result.conditions[1].message == (
        "the HPA was unable to compute the replica count: unable to get metric qps:"
        " unable to fetch metrics from custom metrics API:"
        " the server is currently unable to handle the request"
    )


def test_unknown_metric_type_is_invalid() -> None:
    result = run(hpa(MetricSpec(type="Banana", name="", target=None)), current=3, metrics=reader())
    assert condition(result, "ScalingActive") == ("False", "InvalidMetricSourceType")
    assert result.error is not None
    assert 'unknown metric source type "Banana"' in result.error


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        pytest.param(None, "selector is required", id="missing"),
        pytest.param("name in (a", "couldn't convert selector", id="unparsable"),
    ],
)
def test_invalid_selector(selector: str | None, message: str) -> None:
    result = run(hpa(pods_metric()), current=3, metrics=reader(qps=[20000] * 3), selector=selector)
    assert condition(result, "ScalingActive") == ("False", "InvalidSelector")
    assert result.current_metrics is None
    assert message in (result.error or "")


# --- pre-metric branches ------------------------------------------------------------------------


def test_above_max_scales_to_max_without_metrics() -> None:
    result = run(hpa(pods_metric(), max_replicas=5), current=8, metrics=reader())
    assert (result.desired_replicas, result.scale_updated, result.current_metrics) == (5, True, None)
    assert result.decision.branch == Branch.ABOVE_MAX


def test_below_min_scales_to_min() -> None:
    result = run(hpa(pods_metric(), min_replicas=4), current=2, metrics=reader())
    assert (result.desired_replicas, result.decision.branch) == (4, Branch.BELOW_MIN)


def test_scale_read_failure() -> None:
    result = reconcile(
        hpa(pods_metric(), desired=3),
        scale=None,
        pods=[],
        reader=reader(),
        state=None,
        now=NOW,
        config=config(),
    )
    assert condition(result, "AbleToScale") == ("False", "FailedGetScale")
    assert (result.desired_replicas, result.state) == (3, None)


# --- scale to zero ---------------------------------------------------------------------------------

SCALED_TO_ZERO = Condition("ScaledToZero", "True", "ScaledToZero", "", OLD)


@pytest.mark.parametrize(
    ("gate", "conditions", "min_replicas", "expected", "active"),
    [
        # gate off: C = 0 disables scaling
        pytest.param(False, [SCALED_TO_ZERO], 0, 0, ("False", "ScalingDisabled"), id="gate-off-disabled"),
        # gate on but the workload was not scaled to zero by the HPA: still disabled
        pytest.param(True, [], 0, 0, ("False", "ScalingDisabled"), id="manual-zero-disabled"),
        # gate on, ScaledToZero=True, External metric: ceil(25000 / 10000 = 2.5) = 3 (cap 4)
        pytest.param(True, [SCALED_TO_ZERO], 0, 3, ("True", "ValidMetricFound"), id="scale-from-zero"),
    ],
)
def test_scale_from_zero_gate(
    gate: bool, conditions: list[Condition], min_replicas: int, expected: int, active: tuple[str, str]
) -> None:
    target = hpa(external_value(), min_replicas=min_replicas, conditions=conditions)
    result = run(
        target, current=0, metrics=reader(queue=[25000]), cfg=config(hpa_scale_to_zero=gate), pods=[]
    )
    assert (result.desired_replicas, condition(result, "ScalingActive")) == (expected, active)


def test_scale_from_zero_sets_not_scaled_to_zero() -> None:
    target = hpa(external_value(), min_replicas=0, conditions=[SCALED_TO_ZERO])
    result = run(
        target, current=0, metrics=reader(queue=[25000]), cfg=config(hpa_scale_to_zero=True), pods=[]
    )
    assert condition(result, "ScaledToZero") == ("False", "NotScaledToZero")


def test_scale_to_zero_sets_condition() -> None:
    # queue empty: 0 / 10000 = 0 -> ceil(0 * 2 ready) = 0; min 0 and an External metric -> ScaledToZero
    target = hpa(external_value(), min_replicas=0)
    result = run(
        target, current=2, metrics=reader(queue=[0]), state=old_state(2), cfg=config(hpa_scale_to_zero=True)
    )
    assert (result.desired_replicas, condition(result, "ScaledToZero")) == (0, ("True", "ScaledToZero"))


def test_scale_from_zero_floor_raises_to_min() -> None:
    # min 2 with the behaviour path: 0 -> ceil(0.5) = 1 (min is not enforced upwards) -> floor 2
    target = hpa(external_value(), min_replicas=2, behavior=Behavior(), conditions=[SCALED_TO_ZERO])
    result = run(target, current=0, metrics=reader(queue=[5000]), cfg=config(hpa_scale_to_zero=True), pods=[])
    assert (result.desired_replicas, result.decision.scale_from_zero_floor) == (2, True)


def test_gate_off_removes_scaled_to_zero_on_rescale() -> None:
    target = hpa(pods_metric(), conditions=[SCALED_TO_ZERO])
    result = run(target, current=3, metrics=reader(qps=[20000] * 3))
    assert condition(result, "ScaledToZero") is None


# --- conditions ------------------------------------------------------------------------------------


def test_condition_transition_time_moves_only_on_status_change() -> None:
    previous = [
        Condition("AbleToScale", "True", "ReadyForNewScale", "", OLD),
        Condition("ScalingActive", "False", "FailedGetPodsMetric", "", OLD),
    ]
    result = run(hpa(pods_metric(), conditions=previous), current=3, metrics=reader(qps=[20000] * 3))
    times = {c.type: c.last_transition_time for c in result.conditions}
    assert times == {"AbleToScale": OLD, "ScalingActive": NOW, "ScalingLimited": NOW}


def test_pods_outside_namespace_or_selector_are_not_counted() -> None:
    # object metric Value target: 20000 / 10000 = 2.0 * ready pods; only the 2 matching pods count -> 4
    others = [
        Pod("elsewhere", namespace="other", labels={"name": "test-pod"}, phase="Running"),
        Pod("unrelated", namespace=NS, labels={"name": "other"}, phase="Running"),
    ]
    spec = MetricSpec(
        type="Object",
        name="rps",
        target=MetricTarget(type="Value", value_milli=10000),
        described_object=CrossVersionObjectReference("Ingress", "web"),
    )
    metrics = StaticMetricsReader(custom_metrics={"rps": (CustomMetricValue("Ingress", "web", 20000, NOW),)})
    result = run(hpa(spec), current=2, metrics=metrics, pods=[*harness_pods(2), *others])
    assert result.desired_replicas == 4
