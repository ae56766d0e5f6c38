"""Go numeric semantics as the HPA controller computes them."""

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
