"""Objective: exact decimals from percent or ratio text, printed without float noise."""

from decimal import Decimal

import pytest

from slo.objective import Objective, format_decimal


@pytest.mark.parametrize(
    ("percent", "ratio", "budget"),
    [
        # 99.9 % -> 0.999, budget 1 - 0.999 = 0.001 exactly (a float would give 0.0009999999999999432)
        pytest.param(99.9, "0.999", "0.001", id="float-99.9"),
        pytest.param("99.9", "0.999", "0.001", id="text-99.9"),
        pytest.param(99.5, "0.995", "0.005", id="99.5"),
        pytest.param(99, "0.99", "0.01", id="int-99"),
        pytest.param("99.95", "0.9995", "0.0005", id="99.95"),
        pytest.param(Decimal("99.999"), "0.99999", "0.00001", id="decimal-five-nines"),
        pytest.param(50, "0.5", "0.5", id="50"),
    ],
)
def test_from_percent_is_exact(percent: object, ratio: str, budget: str) -> None:
    objective = Objective.from_percent(percent)  # type: ignore[arg-type]
    assert objective.ratio == Decimal(ratio)
    assert format_decimal(objective.error_budget) == budget


def test_from_ratio_equals_from_percent() -> None:
    assert Objective.from_ratio(0.999) == Objective.from_percent("99.9")
    assert str(Objective.from_ratio("0.995")) == "99.5%"


@pytest.mark.parametrize(
    "percent",
    [
        pytest.param(100, id="hundred"),
        pytest.param(0, id="zero"),
        pytest.param(-1, id="negative"),
        pytest.param(100.5, id="above"),
        pytest.param("abc", id="text"),
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="inf"),
        pytest.param(True, id="bool"),
    ],
)
def test_from_percent_rejects(percent: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        Objective.from_percent(percent)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "ratio", [pytest.param(1, id="one"), pytest.param(0, id="zero"), pytest.param(99.9, id="pct")]
)
def test_from_ratio_rejects(ratio: float) -> None:
    with pytest.raises(ValueError, match="ratio"):
        Objective.from_ratio(ratio)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(Decimal("0.0010"), "0.001", id="trailing-zero"),
        pytest.param(Decimal("14.40"), "14.4", id="factor"),
        pytest.param(Decimal("6.0"), "6", id="integral"),
        pytest.param(Decimal("1E+2"), "100", id="exponent"),
        pytest.param(Decimal("0.00001"), "0.00001", id="small"),
        pytest.param(Decimal("-0.0"), "0", id="negative-zero"),
    ],
)
def test_format_decimal_plain(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text
