"""promtool test-file values: series notation, humanize, annotation expansion, synthetic traffic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alerts.promtool.model import ExprTest, SeriesValues, expand_annotation, format_number, humanize
from alerts.promtool.synthetic_traffic import Phase, absent_labels, synthetic_series
from metrics_adapter.promql import Duration, Selector, eq, ne, re
from slo.sli import sli_source
from slo.spec import CodePolicy
from tests.unit.alerts.alerts_slo_builders import availability, latency, make_slo


def _expand(notation: str) -> list[str]:
    """Expand promtool's notation the way promtool does, for checking what the builder wrote."""
    values: list[str] = []
    for segment in notation.split():
        if segment.startswith("_x"):
            values.extend(["_"] * int(segment[2:]))
            continue
        start, rest = segment.split("+")
        step, count = rest.split("x")
        values.extend(format_number(Decimal(start) + Decimal(step) * i) for i in range(int(count) + 1))
    return values


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        pytest.param(lambda: SeriesValues().grow(2, 3), ["0", "2", "4"], id="counter-from-zero"),
        pytest.param(lambda: SeriesValues().hold(7, 2), ["7", "7"], id="constant"),
        pytest.param(lambda: SeriesValues().grow(1, 2).grow(5, 2), ["0", "1", "6", "11"], id="rate-change"),
        pytest.param(
            lambda: SeriesValues().gap(2).grow(3, 2), ["_", "_", "0", "3"], id="absent-then-counting"
        ),
        pytest.param(
            lambda: SeriesValues().grow(Decimal("0.5"), 2).gap(1), ["0", "0.5", "_"], id="fraction-then-gap"
        ),
    ],
)
def test_series_notation_continues_counters_across_segments(build: object, expected: list[str]) -> None:
    values = build()  # type: ignore[operator]
    assert _expand(values.render()) == expected
    assert values.samples == len(expected)


def test_empty_series_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        SeriesValues().render()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(0.0, "0", id="zero"),
        pytest.param(8.0, "8", id="integer"),
        pytest.param(94.00000000000001, "94", id="float-noise"),
        pytest.param(1234.0, "1.234k", id="kilo"),
        pytest.param(2_500_000.0, "2.5M", id="mega"),
    ],
)
def test_humanize_matches_prometheus_for_values_of_one_and_more(value: float, text: str) -> None:
    assert humanize(value) == text


def test_humanize_refuses_values_it_does_not_model() -> None:
    with pytest.raises(ValueError, match="not modelled"):
        humanize(0.5)


def test_expand_annotation_fills_labels_and_value() -> None:
    template = "HPA {{ $labels.namespace }}/{{ $labels.name }} runs {{ $value | humanize }} replicas"
    assert (
        expand_annotation(template, {"namespace": "ml", "name": "llama"}, 8.0)
        == "HPA ml/llama runs 8 replicas"
    )
    with pytest.raises(ValueError, match="needs the alert's value"):
        expand_annotation(template, {"namespace": "ml"})
    with pytest.raises(ValueError, match="cannot be predicted"):
        expand_annotation("{{ $value | humanizePercentage }}", {})


def test_expr_test_writes_numeric_values_and_metric_names() -> None:
    test = ExprTest("x", Duration.minutes(5), (((("__name__", "ALERTS"), ("a", "b")), 1.0),))
    assert test.to_dict()["exp_samples"] == [{"labels": 'ALERTS{a="b"}', "value": 1.0}]


@pytest.mark.parametrize(
    ("selector", "labels"),
    [
        pytest.param(Selector("m", (eq("a", "1"), eq("b", "2"))), {"a": "1", "b": "2"}, id="equality"),
        pytest.param(Selector("m", (eq("a", "1"), re("b", "x|y"))), {"a": "1"}, id="regex-ignored"),
        pytest.param(Selector("m", (eq("a", "1"), eq("a", "2"))), {}, id="repeated-name-dropped"),
        pytest.param(Selector("m", (eq("a", "1"), ne("a", "3"))), {}, id="other-matcher-drops"),
        pytest.param(Selector("m", (eq("a", ""), eq("b", "2"))), {"b": "2"}, id="empty-value"),
    ],
)
def test_absent_labels_follow_prometheus(selector: Selector, labels: dict[str, str]) -> None:
    assert absent_labels(selector) == labels


def test_availability_traffic_uses_codes_the_policy_counts_as_good_and_bad() -> None:
    sli = availability(bad_codes="5..", policy=(("500", CodePolicy.EXCLUDED), ("200", CodePolicy.EXCLUDED)))
    phases = [Phase(3, Decimal(100)), Phase(2, Decimal(100), Decimal("0.25"))]
    series = synthetic_series(sli_source(make_slo(sli=sli)), phases)
    assert series is not None
    by_code = {dict(s.labels)["response_code"]: s.values for s in series}
    assert set(by_code) == {"100", "501"}
    assert _expand(by_code["100"]) == ["0", "100", "200", "275", "350"]
    # the error series appears with the first error, starting at 0 (Envoy creates it lazily)
    assert _expand(by_code["501"]) == ["_", "_", "_", "0", "25"]


def test_latency_traffic_writes_count_and_threshold_bucket() -> None:
    series = synthetic_series(
        sli_source(make_slo(sli=latency("250"))),
        [Phase(2, Decimal(10), Decimal("0.1"))],
        gap=1,
        normalised_le=True,
    )
    assert series is not None
    found = {(s.metric, dict(s.labels).get("le")): _expand(s.values) for s in series}
    assert found[("istio_request_duration_milliseconds_count", None)] == ["0", "10", "_"]
    assert found[("istio_request_duration_milliseconds_bucket", "250.0")] == ["0", "9", "_"]
    assert found[("istio_request_duration_milliseconds_bucket", "+Inf")] == ["0", "10", "_"]
