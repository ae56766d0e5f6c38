"""Go numeric semantics and label selectors as the HPA reads them."""

from __future__ import annotations

import math

import pytest

from autoscaler.hpa.go_numeric import (
    MAX_INT32,
    MIN_INT32,
    MIN_INT64,
    ceil_to_int32,
    fdiv,
    float_to_int32,
    float_to_int64,
    int32_wrap,
    trunc_div,
)
from autoscaler.hpa.selector import LabelSelector, Requirement, SelectorError, go_string, parse_selector


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(7, 2, 3, id="positive"),
        pytest.param(-7, 2, -3, id="negative-truncates-toward-zero"),  # Python // would give -4
        pytest.param(7, -2, -3, id="negative-divisor"),
        pytest.param(10199, 100, 101, id="percent-101.99-is-101"),
    ],
)
def test_trunc_div(a: int, b: int, expected: int) -> None:
    assert trunc_div(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(1.0, 0.0, math.inf, id="positive-over-zero"),
        pytest.param(-1.0, 0.0, -math.inf, id="negative-over-zero"),
        pytest.param(1.0, -0.0, -math.inf, id="over-negative-zero"),
    ],
)
def test_fdiv_by_zero(a: float, b: float, expected: float) -> None:
    assert fdiv(a, b) == expected


def test_fdiv_zero_over_zero_is_nan() -> None:
    assert math.isnan(fdiv(0.0, 0.0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(4.9999, 4, id="truncates"),
        pytest.param(-4.9, -4, id="truncates-toward-zero"),
        pytest.param(3e9, MIN_INT32, id="out-of-range-is-min"),
        pytest.param(math.nan, MIN_INT32, id="nan-is-min"),
    ],
)
def test_float_to_int32(value: float, expected: int) -> None:
    assert float_to_int32(value) == expected


def test_conversions() -> None:
    # 50/30 * 3 rounds to exactly 5.0 in float64, so the ceiling is 5, not 6
    assert ceil_to_int32((50 / 30) * 3) == 5
    assert ceil_to_int32(math.inf) == MIN_INT32
    assert float_to_int64(math.inf) == MIN_INT64
    assert int32_wrap(MAX_INT32 + 1) == MIN_INT32


@pytest.mark.parametrize(
    ("selector", "labels", "matches"),
    [
        pytest.param("app=web", {"app": "web"}, True, id="equals"),
        pytest.param("app==web,tier!=db", {"app": "web", "tier": "db"}, False, id="not-equals"),
        pytest.param("tier in (a, b)", {"tier": "b"}, True, id="in"),
        pytest.param("tier notin (a,b)", {}, True, id="notin-absent"),
        pytest.param("canary", {"canary": ""}, True, id="exists"),
        pytest.param("!canary", {"canary": "x"}, False, id="does-not-exist"),
        pytest.param("", {"x": "y"}, True, id="empty-selects-all"),
        pytest.param(
            "app.kubernetes.io/name=llm-gateway",
            {"app.kubernetes.io/name": "llm-gateway"},
            True,
            id="prefixed-key",
        ),
    ],
)
def test_selector_matching(selector: str, labels: dict[str, str], matches: bool) -> None:
    assert parse_selector(selector).matches(labels) is matches


@pytest.mark.parametrize("selector", ["=web", "tier in (a", "a=b,,c=d", "a b"])
def test_selector_errors(selector: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(selector)


def test_selector_empty_value_is_valid() -> None:
    assert parse_selector("app=").matches({"app": ""})


def test_go_string_matches_controller_messages() -> None:
    selector = LabelSelector(
        match_labels=(("queue", "inference"),), match_expressions=(Requirement("env", "In", ("a", "b")),)
    )
    assert go_string(selector) == (
        "&LabelSelector{MatchLabels:map[string]string{queue: inference,},"
        "MatchExpressions:[]LabelSelectorRequirement{"
        "LabelSelectorRequirement{Key:env,Operator:In,Values:[a b],},},}"
    )
    assert go_string(None) == "nil"
