"""Quantity strings: canonical formatting as apimachinery writes it, and parsing of every form."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics_adapter.kube import (
    QuantityError,
    approximate_float,
    format_quantity,
    milli_value,
    parse_quantity,
)
from metrics_adapter.kube.quantity import _format_decimal, _format_general


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.5, "500m", id="half"),
        pytest.param(10.5, "10500m", id="note-10.5"),
        pytest.param(0.016, "16m", id="walkthrough-16m"),
        pytest.param(1500, "1500", id="no-fractional-k"),
        pytest.param(12000, "12k", id="kilo"),
        pytest.param(3000000, "3M", id="mega"),
        pytest.param(0.0005, "500u", id="sub-milli-survives"),
        pytest.param(0, "0", id="zero"),
        pytest.param(0.0, "0", id="float-zero"),
        pytest.param(-0.0, "0", id="negative-zero"),
        pytest.param(-2, "-2", id="negative"),
        pytest.param(1.5, "1500m", id="one-and-a-half"),
        pytest.param(2, "2", id="two"),
        pytest.param(1234567, "1234567", id="no-suffix-when-not-divisible"),
        pytest.param(1_500_000, "1500k", id="largest-suffix-without-fraction"),
        pytest.param(12.5, "12500m", id="note-example-12500m"),
        pytest.param(123.456, "123456m", id="milli-precision"),
        pytest.param(0.1 + 0.2, "300m", id="float-noise-rounded-to-nearest-nano"),
        pytest.param(1 / 3, "333333333n", id="nano-precision"),
        pytest.param(1e-12, "1n", id="tiny-positive-float-is-one-nano"),
        pytest.param(-1e-12, "-1n", id="tiny-negative-float-is-minus-one-nano"),
        pytest.param(5e9, "5G", id="giga"),
        pytest.param(7e12, "7T", id="tera"),
        pytest.param(9.2e15, "9200T", id="peta-range"),
        pytest.param(2e18, "2E", id="exa"),
        pytest.param(1e21, "1000E", id="beyond-exa-keeps-E"),
        pytest.param(Decimal("0.0000000001"), "1n", id="decimal-rounds-up-to-nano"),
        pytest.param(Decimal("-0.0000000001"), "-1n", id="decimal-rounds-away-from-zero"),
        pytest.param(Decimal("1.0000000001"), "1000000001n", id="decimal-round-up-not-nearest"),
        pytest.param(Decimal("2.50"), "2500m", id="decimal-trailing-zero"),
        pytest.param(Decimal("1E+3"), "1k", id="decimal-exponent"),
    ],
)
def test_format_quantity_is_canonical(value: float | int | Decimal, expected: str) -> None:
    assert format_quantity(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="inf"),
        pytest.param(float("-inf"), id="minus-inf"),
        pytest.param(Decimal("NaN"), id="decimal-nan"),
        pytest.param(Decimal("Infinity"), id="decimal-inf"),
    ],
)
def test_format_quantity_refuses_non_finite(value: float | Decimal) -> None:
    with pytest.raises(ValueError, match="no Kubernetes quantity"):
        format_quantity(value)


def test_format_quantity_refuses_booleans() -> None:
    with pytest.raises(TypeError):
        format_quantity(True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0", "0", id="zero"),
        pytest.param("500m", "0.5", id="milli"),
        pytest.param("12500m", "12.5", id="milli-large"),
        pytest.param("0.5", "0.5", id="plain-fraction"),
        pytest.param(".5", "0.5", id="leading-dot"),
        pytest.param("1.", "1", id="trailing-dot"),
        pytest.param("+1", "1", id="plus-sign"),
        pytest.param("-1.5", "-1.5", id="negative"),
        pytest.param("12000", "12000", id="integer"),
        pytest.param("1n", "0.000000001", id="nano"),
        pytest.param("3u", "0.000003", id="micro"),
        pytest.param("12k", "12000", id="kilo"),
        pytest.param("3M", "3000000", id="mega"),
        pytest.param("2G", "2000000000", id="giga"),
        pytest.param("1T", "1e12", id="tera"),
        pytest.param("1P", "1e15", id="peta"),
        pytest.param("1E", "1e18", id="exa-suffix-not-exponent"),
        pytest.param("1Ki", "1024", id="kibi"),
        pytest.param("1.5Gi", "1610612736", id="gibi-fraction"),
        pytest.param("1Mi", "1048576", id="mebi"),
        pytest.param("1Ti", str(2**40), id="tebi"),
        pytest.param("1Pi", str(2**50), id="pebi"),
        pytest.param("1Ei", str(2**60), id="exbi"),
        pytest.param("100Ei", str(2**63 - 1), id="binary-capped-at-int64"),
        pytest.param("1.2e4", "12000", id="exponent"),
        pytest.param("1E3", "1000", id="capital-exponent"),
        pytest.param("5e-3", "0.005", id="negative-exponent"),
        pytest.param("1e+2", "100", id="signed-exponent"),
        pytest.param("0.1n", "0.000000001", id="sub-nano-rounds-up"),
        pytest.param("-0.1n", "-0.000000001", id="sub-nano-rounds-away-from-zero"),
    ],
)
def test_parse_quantity(text: str, expected: str) -> None:
    assert parse_quantity(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(".", id="dot"),
        pytest.param("-", id="sign-only"),
        pytest.param(" 1", id="leading-space"),
        pytest.param("1 ", id="trailing-space"),
        pytest.param("1x", id="unknown-suffix"),
        pytest.param("1K", id="capital-k-is-not-kilo"),
        pytest.param("1e", id="exponent-without-digits"),
        pytest.param("1ki", id="lowercase-binary"),
        pytest.param("1Ki5", id="binary-with-digits"),
        pytest.param("1.2.3", id="two-dots"),
        pytest.param("NaN", id="nan-word"),
        pytest.param("Inf", id="inf-word"),
        pytest.param("1e99999", id="absurd-exponent"),
        pytest.param("1\n", id="trailing-newline"),
        pytest.param("١", id="non-ascii-digit"),
    ],
)
def test_parse_quantity_refuses_malformed(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("0.0005", 1, id="sub-milli-rounds-up"),
        pytest.param("12.5", 12500, id="exact"),
        pytest.param("0", 0, id="zero"),
        pytest.param("0.0010001", 2, id="ceil"),
        pytest.param("-0.0015", -2, id="negative-rounds-away-from-zero"),
    ],
)
def test_milli_value_rounds_away_from_zero_as_the_hpa_reads(value: str, expected: int) -> None:
    assert milli_value(Decimal(value)) == expected


def test_negative_sub_milli_value_rounds_away_from_zero() -> None:
    # apimachinery's MilliValue() is ScaledValue(-3), whose inexact result "is rounded away from
    # zero" (negativeScaleInt64), for negative values too: -500u is -1m, not 0.
    assert milli_value(parse_quantity("-500u")) == -1


_NANO_DECIMALS = st.decimals(
    min_value=Decimal("-1e16"), max_value=Decimal("1e16"), places=9, allow_nan=False, allow_infinity=False
)


@given(_NANO_DECIMALS)
def test_formatted_quantity_parses_back_to_the_same_value(value: Decimal) -> None:
    assert parse_quantity(format_quantity(value)) == value


@given(_NANO_DECIMALS)
def test_formatted_quantity_has_no_fraction_and_is_canonical(value: Decimal) -> None:
    text = format_quantity(value)
    assert re.fullmatch(r"-?[1-9][0-9]*[numkMGTPE]?|0", text)
    assert format_quantity(parse_quantity(text)) == text


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**30), max_value=10**30, places=None))
def test_decimal_fast_path_formats_as_the_general_path(value: Decimal) -> None:
    assert _format_decimal(value) == _format_general(value)


@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [
        pytest.param("500m", Decimal("0.5"), 500, id="milli"),
        pytest.param("2", Decimal(2), 2000, id="integer"),
        pytest.param("1.5", Decimal("1.5"), 1500, id="fraction"),
        pytest.param("1Gi", Decimal(2**30), 2**30 * 1000, id="binary"),
        pytest.param("3912844Ki", Decimal(3912844 * 1024), 3912844 * 1024 * 1000, id="kibibytes"),
        pytest.param("1803456789n", Decimal("1.803456789"), 1804, id="nano-rounds-up"),
        pytest.param("1e3", Decimal(1000), 1000000, id="exponent"),
        pytest.param("2.5E-1", Decimal("0.25"), 250, id="negative-exponent"),
        pytest.param("12k", Decimal(12000), 12000000, id="kilo"),
        pytest.param("-1.5m", Decimal("-0.0015"), -2, id="negative-rounds-away-from-zero"),
    ],
)
def test_quantities_as_the_hpa_reads_them(text: str, value: Decimal, milli: int) -> None:
    assert parse_quantity(text) == value
    assert milli_value(parse_quantity(text)) == milli


@pytest.mark.parametrize("text", ["", ".", "1x", "abc", "1.2.3", "1 e3"])
def test_bad_quantities_for_the_hpa(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0.05", 5 * 0.01, id="decimal"),
        pytest.param("50m", 50 * 0.001, id="milli-suffix"),
        pytest.param("0.1", 0.1, id="tenth"),
        pytest.param("1", 1.0, id="one"),
    ],
)
def test_approximate_float(text: str, expected: float) -> None:
    assert approximate_float(text) == expected


@pytest.mark.parametrize(
    ("milli", "text"),
    [
        pytest.param(0, "0", id="zero"),
        pytest.param(1500, "1500m", id="fractional"),
        pytest.param(2000, "2", id="whole"),
        pytest.param(12_000_000, "12k", id="kilo"),
        pytest.param(35500, "35500m", id="no-rounding"),
        pytest.param(1_500_000, "1500", id="never-1.5k"),
        pytest.param(-250, "-250m", id="negative"),
    ],
)
def test_format_milli_quantity(milli: int, text: str) -> None:
    assert format_quantity(Decimal(milli).scaleb(-3)) == text
