"""Reading results back: ok / NaN / ±Inf / stale / absent, zeroWhenAbsent, fallback, external, fromPods."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from metrics_adapter.catalogue import (
    AbsentPolicy,
    AppliedPolicy,
    Association,
    ExternalSpec,
    Gauge,
    MetricDefinition,
    ObjectValue,
    Rate,
    Series,
    UnsupportedResourceError,
    ValueStatus,
    interpret,
    interpret_external,
    object_values_from_pods,
)
from metrics_adapter.catalogue.definition import PODS, Api
from metrics_adapter.catalogue.recipes import Aggregation
from metrics_adapter.kube import GroupResource
from metrics_adapter.promql import Duration, InstantVector, Labels, Sample

NOW = 10_000.0
DEPLOYMENTS = GroupResource("deployments", "apps")
ASSOCIATIONS = (
    Association(PODS, "pod", "namespace"),
    Association(DEPLOYMENTS, from_pods=Aggregation.AVG),
)


def _gauge(**policy: object) -> MetricDefinition:
    return MetricDefinition(
        "queue",
        Gauge(Series("q")),
        associations=ASSOCIATIONS,
        policy=AbsentPolicy(**policy),  # type: ignore[arg-type]
    )


def _rate(**policy: object) -> MetricDefinition:
    return MetricDefinition(
        "rps",
        Rate(Series("r_total"), Duration(60)),
        associations=ASSOCIATIONS,
        policy=AbsentPolicy(**policy),  # type: ignore[arg-type]
    )


def _value(pod: str, value: float, at: float = NOW) -> Sample:
    return Sample(Labels(pod=pod), at, value)


def _sample_time(pod: str, newest: float) -> Sample:
    return Sample(Labels(pod=pod, servescale_part="sample_time"), NOW, newest)


def _one(values: list[ObjectValue], name: str) -> ObjectValue:
    return next(v for v in values if v.name == name)


@pytest.mark.parametrize(
    ("raw", "newest", "status", "value"),
    [
        pytest.param(3.5, NOW - 10, ValueStatus.OK, Decimal("3.5"), id="fresh"),
        pytest.param(0.1, NOW - 10, ValueStatus.OK, Decimal("0.1"), id="shortest-decimal"),
        pytest.param(0.0, NOW - 10, ValueStatus.OK, Decimal("0.0"), id="real-zero"),
        pytest.param(math.nan, NOW - 10, ValueStatus.NAN, None, id="nan"),
        pytest.param(math.inf, NOW - 10, ValueStatus.NAN, None, id="plus-inf"),
        pytest.param(-math.inf, NOW - 10, ValueStatus.NAN, None, id="minus-inf"),
        pytest.param(4.0, NOW - 121, ValueStatus.STALE, None, id="stale"),
        pytest.param(4.0, NOW - 120, ValueStatus.OK, Decimal("4.0"), id="at-the-limit"),
    ],
)
def test_gauge_statuses(raw: float, newest: float, status: ValueStatus, value: Decimal | None) -> None:
    vector = InstantVector((_value("a", raw), _sample_time("a", newest)))
    [result] = interpret(_gauge(), vector, group_label="pod", now=NOW)
    assert (result.name, result.status, result.value) == ("a", status, value)
    assert result.timestamp == newest, "the value's time is its newest raw sample, not the query time"


def test_staleness_disabled_keeps_old_values() -> None:
    vector = InstantVector((_value("a", 4), _sample_time("a", NOW - 3600)))
    [result] = interpret(_gauge(max_staleness_seconds=None), vector, group_label="pod", now=NOW)
    assert result.status is ValueStatus.OK


def test_counter_values_have_no_staleness_and_use_evaluation_time() -> None:
    [result] = interpret(
        _rate(), InstantVector((_value("a", 2.0, at=NOW - 500),)), group_label="pod", now=NOW
    )
    assert (result.status, result.value, result.timestamp) == (ValueStatus.OK, Decimal("2.0"), NOW - 500)


def test_expected_objects_missing_from_the_result_are_absent() -> None:
    vector = InstantVector((_value("a", 1.0), _sample_time("a", NOW)))
    values = interpret(_gauge(), vector, group_label="pod", now=NOW, expected=["a", "b"])
    assert [(v.name, v.status, v.value) for v in values] == [
        ("a", ValueStatus.OK, Decimal("1.0")),
        ("b", ValueStatus.ABSENT, None),
    ]
    assert _one(values, "b").timestamp is None


def test_zero_when_absent_only_fills_absent_objects() -> None:
    vector = InstantVector((_value("nan", math.nan), _sample_time("nan", NOW)))
    values = interpret(
        _gauge(zero_when_absent=True), vector, group_label="pod", now=NOW, expected=["nan", "missing"]
    )
    missing, nan = _one(values, "missing"), _one(values, "nan")
    assert (missing.value, missing.status, missing.policy) == (
        Decimal(0),
        ValueStatus.ABSENT,
        AppliedPolicy.ZERO_WHEN_ABSENT,
    )
    assert (nan.value, nan.policy) == (None, None), "NaN is not an empty queue"


@pytest.mark.parametrize(
    ("samples", "status"),
    [
        pytest.param((), ValueStatus.ABSENT, id="absent"),
        pytest.param((_value("a", math.nan), _sample_time("a", NOW)), ValueStatus.NAN, id="nan"),
        pytest.param((_value("a", 1.0), _sample_time("a", NOW - 999)), ValueStatus.STALE, id="stale"),
    ],
)
def test_fallback_fills_every_unusable_value(samples: tuple[Sample, ...], status: ValueStatus) -> None:
    definition = _gauge(fallback_value=Decimal("7.5"))
    [result] = interpret(definition, InstantVector(samples), group_label="pod", now=NOW, expected=["a"])
    assert (result.value, result.status, result.policy) == (Decimal("7.5"), status, AppliedPolicy.FALLBACK)


def test_fallback_leaves_good_values_alone() -> None:
    vector = InstantVector((_value("a", 2.0), _sample_time("a", NOW)))
    [result] = interpret(_gauge(fallback_value=Decimal(9)), vector, group_label="pod", now=NOW)
    assert (result.value, result.policy) == (Decimal("2.0"), None)


def test_samples_without_the_group_label_are_ignored_and_names_dropped() -> None:
    vector = InstantVector(
        (
            Sample(Labels(__name__="q", pod="a"), NOW, 1.0),
            Sample(Labels(other="x"), NOW, 5.0),
            Sample(Labels(pod="a", servescale_part="sample_time"), NOW, NOW),
        )
    )
    assert [(v.name, v.value) for v in interpret(_gauge(), vector, group_label="pod", now=NOW)] == [
        ("a", Decimal("1.0"))
    ]


def test_two_values_for_one_object_is_an_error() -> None:
    vector = InstantVector(
        (Sample(Labels(pod="a", x="1"), NOW, 1.0), Sample(Labels(pod="a", x="2"), NOW, 2.0))
    )
    with pytest.raises(ValueError, match="several values"):
        interpret(_rate(), vector, group_label="pod", now=NOW)


def _external(**policy: object) -> MetricDefinition:
    return MetricDefinition(
        "lag",
        Gauge(Series("lag")),
        api=Api.EXTERNAL,
        external=ExternalSpec(("topic",)),
        policy=AbsentPolicy(**policy),  # type: ignore[arg-type]
    )


def test_external_sum_pairs_value_with_its_sample_time() -> None:
    vector = InstantVector(
        (Sample(Labels(), NOW, 42.0), Sample(Labels(servescale_part="sample_time"), NOW, NOW - 300))
    )
    [fresh] = interpret_external(_external(max_staleness_seconds=600), vector, now=NOW)
    [stale] = interpret_external(_external(), vector, now=NOW)
    assert (fresh.value, fresh.status, fresh.timestamp) == (Decimal("42.0"), ValueStatus.OK, NOW - 300)
    assert (stale.value, stale.status) == (None, ValueStatus.STALE)


@pytest.mark.parametrize(
    ("policy", "value", "applied"),
    [
        pytest.param({}, None, None, id="no-item"),
        pytest.param({"zero_when_absent": True}, Decimal(0), AppliedPolicy.ZERO_WHEN_ABSENT, id="zero"),
        pytest.param({"fallback_value": Decimal(3)}, Decimal(3), AppliedPolicy.FALLBACK, id="fallback"),
    ],
)
def test_external_empty_result(policy: dict[str, object], value: Decimal | None, applied: object) -> None:
    [item] = interpret_external(_external(**policy), InstantVector(), now=NOW)
    assert (item.labels, item.value, item.status, item.policy) == (
        Labels(),
        value,
        ValueStatus.ABSENT,
        applied,
    )


def test_external_per_series_items_keep_their_labels() -> None:
    vector = InstantVector((Sample(Labels(topic="b"), NOW, 2.0), Sample(Labels(topic="a"), NOW, math.inf)))
    items = interpret_external(_external(max_staleness_seconds=None), vector, now=NOW)
    assert [(dict(i.labels), i.value, i.status) for i in items] == [
        ({"topic": "a"}, None, ValueStatus.NAN),
        ({"topic": "b"}, Decimal("2.0"), ValueStatus.OK),
    ]


def _pod(name: str, value: str | None, at: float = NOW, status: ValueStatus = ValueStatus.OK) -> ObjectValue:
    number = None if value is None else Decimal(value)
    return ObjectValue(name, number, at, status if value is None else ValueStatus.OK)


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        pytest.param(Aggregation.SUM, Decimal(9), id="sum"),
        pytest.param(Aggregation.AVG, Decimal(3), id="avg"),
        pytest.param(Aggregation.MAX, Decimal(5), id="max"),
        pytest.param(Aggregation.MIN, Decimal(1), id="min"),
    ],
)
def test_from_pods_aggregations(aggregation: Aggregation, expected: Decimal) -> None:
    definition = MetricDefinition(
        "m",
        Gauge(Series("g")),
        associations=(Association(PODS, "pod", "namespace"), Association(DEPLOYMENTS, from_pods=aggregation)),
    )
    pods = [_pod("a", "1", NOW - 5), _pod("b", "3"), _pod("c", "5"), _pod("d", None, status=ValueStatus.NAN)]
    owners = {"a": "llama", "b": "llama", "c": "llama", "d": "llama", "x": "other"}
    [llama] = object_values_from_pods(definition, pods, resource=DEPLOYMENTS, owners=owners)
    assert (llama.name, llama.value, llama.status) == ("llama", expected, ValueStatus.OK)
    assert llama.timestamp == NOW - 5, "an aggregate is as old as its oldest part"


def test_from_pods_without_usable_pods() -> None:
    definition = MetricDefinition("m", Gauge(Series("g")), associations=ASSOCIATIONS)
    pods = [_pod("a", None, status=ValueStatus.STALE), _pod("b", None, status=ValueStatus.STALE)]
    values = object_values_from_pods(
        definition, pods, resource=DEPLOYMENTS, owners={"a": "llama", "b": "llama"}, expected=["empty"]
    )
    assert [(v.name, v.value, v.status) for v in values] == [
        ("empty", None, ValueStatus.ABSENT),
        ("llama", None, ValueStatus.STALE),
    ]


def test_from_pods_applies_the_policy_to_objects_without_pods() -> None:
    definition = MetricDefinition(
        "m", Gauge(Series("g")), associations=ASSOCIATIONS, policy=AbsentPolicy(zero_when_absent=True)
    )
    [empty] = object_values_from_pods(definition, [], resource=DEPLOYMENTS, owners={}, expected=["empty"])
    assert (empty.value, empty.policy) == (Decimal(0), AppliedPolicy.ZERO_WHEN_ABSENT)


def test_from_pods_needs_a_from_pods_association() -> None:
    definition = MetricDefinition("m", Gauge(Series("g")), associations=ASSOCIATIONS)
    with pytest.raises(UnsupportedResourceError):
        object_values_from_pods(definition, [], resource=PODS, owners={})
