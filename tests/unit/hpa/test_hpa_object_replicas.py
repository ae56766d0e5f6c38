"""Object and External metric proposals: the cases of upstream replica_calculator_test.go and the edges.

Values are milli-units. Value targets: r = usage / V, proposal ceil(r * ready pods) outside the band.
AverageValue targets: r = usage / (A * S), proposal ceil(usage / A), reported ceil(usage / S).
"""

from __future__ import annotations

import pytest
from hpa_builders import harness_pods

from autoscaler.hpa.go_numeric import MAX_INT32, MAX_INT64, MIN_INT64
from autoscaler.hpa.metrics.calculation import CalculationError
from autoscaler.hpa.metrics.object_replicas import (
    per_pod_replicas,
    sum_external_for_average,
    sum_external_for_value,
    value_replicas,
)
from autoscaler.hpa.metrics.tolerance import Tolerances

TOL = Tolerances(scale_down=0.1, scale_up=0.1)


@pytest.mark.parametrize(
    ("current", "usage", "target", "readiness", "expected"),
    [
        # 20000 / 15000 = 1.3333; ceil(1.3333 * 3 ready = 4.0) = 4
        pytest.param(3, 20000, 15000, None, 4, id="scale-up-object"),
        # only 1 of 3 pods Running and Ready: 50000 / 10000 = 5.0 * 1 = 5 (15 if unready counted)
        pytest.param(3, 50000, 10000, ["False", "True", "False"], 5, id="object-ignores-unready-pods"),
        # external: 8600 / 4400 = 1.9545 * 1 ready = 1.95 -> 2 (6 if unready counted)
        pytest.param(3, 8600, 4400, ["False", "True", "False"], 2, id="external-ignores-unready-pods"),
        # 8600 / 4400 = 1.9545 * 1 = 2
        pytest.param(1, 8600, 4400, None, 2, id="scale-up-external"),
        # 12000 / 20000 = 0.6 * 5 = 3
        pytest.param(5, 12000, 20000, None, 3, id="scale-down-object"),
        # 8600 / 14334 = 0.59997 * 5 = 2.9998 -> 3
        pytest.param(5, 8600, 14334, None, 3, id="scale-down-external"),
        # 20666 / 20000 = 1.0333 within -> keep 3
        pytest.param(3, 20666, 20000, None, 3, id="tolerance-object"),
        # 8600 / 8888 = 0.9676 within -> keep 3
        pytest.param(3, 8600, 8888, None, 3, id="tolerance-external"),
        # no ready pod: proposal 0 (raised to minReplicas by normalisation later)
        pytest.param(2, 30000, 10000, ["False", "False"], 0, id="no-ready-pods-proposes-zero"),
    ],
)
def test_value_replicas(
    current: int, usage: int, target: int, readiness: list[str] | None, expected: int
) -> None:
    pods = harness_pods(current, readiness=readiness)
    calc = value_replicas(
        current_replicas=current, usage=usage, target_milli=target, tolerances=TOL, pods=pods
    )
    assert (calc.replicas, calc.usage) == (expected, usage)


def test_value_replicas_counts_deleting_pods_as_ready() -> None:
    # Deleting pods are not excluded from the Running-and-Ready count: 2.0 * 2 = 4
    pods = harness_pods(2, deleting=[False, True])
    calc = value_replicas(current_replicas=2, usage=20000, target_milli=10000, tolerances=TOL, pods=pods)
    assert calc.replicas == 4


def test_value_replicas_needs_pods_outside_the_band() -> None:
    with pytest.raises(CalculationError) as info:
        value_replicas(current_replicas=2, usage=30000, target_milli=10000, tolerances=TOL, pods=[])
    assert (
        str(info.value)
        == "unable to calculate ready pods: no pods returned by selector while calculating replica count"
    )


@pytest.mark.parametrize(
    ("usage", "target", "expected"),
    [
        # scale from zero ignores pods and tolerance: ceil(25000 / 10000 = 2.5) = 3
        pytest.param(25000, 10000, 3, id="from-zero-ceil"),
        # 10500 / 10000 = 1.05 would be within the band, but at C = 0 tolerance is not applied: 2
        pytest.param(10500, 10000, 2, id="from-zero-no-tolerance"),
        pytest.param(0, 10000, 0, id="from-zero-stays-zero"),
    ],
)
def test_value_replicas_from_zero(usage: int, target: int, expected: int) -> None:
    calc = value_replicas(current_replicas=0, usage=usage, target_milli=target, tolerances=TOL, pods=[])
    assert calc.replicas == expected


def test_value_replicas_caps_at_max_int32() -> None:
    pods = harness_pods(3)
    calc = value_replicas(current_replicas=3, usage=MAX_INT64, target_milli=1, tolerances=TOL, pods=pods)
    assert calc.replicas == MAX_INT32


@pytest.mark.parametrize(
    ("status", "usage", "target", "external", "expected", "reported"),
    [
        # S = 3: 20000 / (5000 * 3) = 1.3333 -> ceil(20000 / 5000) = 4; ceil(20000 / 3) = 6667
        pytest.param(3, 20000, 5000, False, 4, 6667, id="scale-up-per-pod-object"),
        # 8600 / (2150 * 3) = 1.3333 -> ceil(4.0) = 4; ceil(8600 / 3) = 2867
        pytest.param(3, 8600, 2150, True, 4, 2867, id="scale-up-per-pod-external"),
        # S = 5: 6000 / (2000 * 5) = 0.6 -> 3; 6000 / 5 = 1200
        pytest.param(5, 6000, 2000, False, 3, 1200, id="scale-down-per-pod-object"),
        # 8600 / (2867 * 5) = 0.5999 -> ceil(2.9996) = 3; 8600 / 5 = 1720
        pytest.param(5, 8600, 2867, True, 3, 1720, id="scale-down-per-pod-external"),
        # S = 4: 20166 / 20000 = 1.0083 within -> 4; ceil(5041.5) = 5042
        pytest.param(4, 20166, 5000, False, 4, 5042, id="tolerance-per-pod-object"),
        # 8600 / 8700 = 0.9885 within -> 3; 2867
        pytest.param(3, 8600, 2900, True, 3, 2867, id="tolerance-per-pod-external"),
        # S = 0: r = +Inf, proposal ceil(8600 / 2150) = 4; int64(+Inf) is MinInt64 on amd64
        pytest.param(0, 8600, 2150, True, 4, MIN_INT64, id="status-zero-inf"),
        # S = 0 and usage 0: r = NaN is never within the band -> ceil(0) = 0
        pytest.param(0, 0, 2150, False, 0, MIN_INT64, id="status-zero-nan"),
        # the External sum saturated at 2^63-1: reported as is, proposal capped at 2^31-1
        pytest.param(3, MAX_INT64, 1, True, MAX_INT32, MAX_INT64, id="external-saturated"),
    ],
)
def test_per_pod_replicas(
    status: int, usage: int, target: int, external: bool, expected: int, reported: int
) -> None:
    calc = per_pod_replicas(
        status_replicas=status, usage=usage, target_milli=target, tolerances=TOL, external=external
    )
    assert (calc.replicas, calc.usage) == (expected, reported)


@pytest.mark.parametrize(
    ("values", "value_sum", "average_sum"),
    [
        pytest.param([8600], 8600, 8600, id="single"),
        pytest.param([1000, 2500, 500], 4000, 4000, id="summed"),
        pytest.param([MAX_INT64, 1], MAX_INT64, MAX_INT64, id="positive-overflow-saturates"),
        pytest.param([MAX_INT64 - 5, 3], MAX_INT64 - 2, MAX_INT64 - 2, id="just-below-max"),
    ],
)
def test_external_sums(values: list[int], value_sum: int, average_sum: int) -> None:
    assert sum_external_for_value(values) == value_sum
    assert sum_external_for_average(values) == average_sum
