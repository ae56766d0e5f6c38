"""Kubernetes ``resource.Quantity`` as the HPA controller reads and writes it.

Three readings are needed:

* ``milli_value`` -- ``Quantity.MilliValue()``: the exact decimal value scaled by 1000 and rounded
  away from zero, as apimachinery rounds ("if you want some resources, you should get some").
  Every metric value, request and target reaches the algorithm as such an integer.
* ``approximate_float`` -- ``Quantity.AsApproximateFloat64()``: the unscaled integer of the parsed
  representation times ``math.Pow10(exponent)``. The per-direction tolerance is read this way, so
  ``"0.05"`` becomes ``5 * Pow10(-2)``, the same float64 Go computes.
* ``format_milli`` -- ``resource.NewMilliQuantity(v, DecimalSI).String()``: the canonical form the
  controller writes into ``status.currentMetrics`` (``1500m``, ``2``, ``12k``).

Grammar: ``[+-]`` digits, optional fraction, then a decimal SI suffix (``n u m k M G T P E``), a
binary suffix (``Ki Mi Gi Ti Pi Ei``) or an exponent (``e3``, ``E-2``). Decimal-exact throughout.
This module knows nothing of metrics, pods or pydantic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from autoscaler.hpa.go_numeric import pow10, trunc_div

__all__ = ["QuantityError", "approximate_float", "format_milli", "milli_value", "parse_quantity"]

_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_SUFFIX_FOR_EXPONENT = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
_PATTERN = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>[0-9]*)(?:\.(?P<denom>[0-9]*))?(?P<suffix>[a-zA-Z]*|[eE][+-]?[0-9]+)$"
)
_MAX_DIGITS_FAST_PATH = 18
_NANO_SCALE = -9


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity."""


@dataclass(frozen=True, slots=True)
class _Parts:
    negative: bool
    num: str
    denom: str
    base: int  # 10 or 2
    exponent: int


def _split(text: str) -> _Parts:
    match = _PATTERN.match(text.strip())
    if match is None or (not match["num"] and not match["denom"]):
        raise QuantityError(
            f"quantities must match the regular expression of a Kubernetes quantity: {text!r}"
        )
    suffix = match["suffix"]
    if suffix in _DECIMAL_SUFFIXES:
        base, exponent = 10, _DECIMAL_SUFFIXES[suffix]
    elif suffix in _BINARY_SUFFIXES:
        base, exponent = 2, _BINARY_SUFFIXES[suffix]
    elif suffix[:1] in ("e", "E") and len(suffix) > 1:
        base, exponent = 10, int(suffix[1:])
    else:
        raise QuantityError(f"unable to parse quantity's suffix: {text!r}")
    num = match["num"].lstrip("0") or "0"
    return _Parts(match["sign"] == "-", num, match["denom"] or "", base, exponent)


def parse_quantity(text: str) -> Decimal:
    """The exact decimal value of a quantity string."""
    parts = _split(text)
    magnitude = Decimal(f"{parts.num}.{parts.denom or '0'}")
    magnitude = magnitude.scaleb(parts.exponent) if parts.base == 10 else magnitude * (2**parts.exponent)
    return -magnitude if parts.negative else magnitude


def milli_value(value: Decimal) -> int:
    """``MilliValue()``: ``value * 1000`` rounded away from zero to an integer."""
    return int((value * 1000).to_integral_value(rounding=ROUND_UP))


def _unscaled_and_exponent(text: str) -> tuple[int, int]:
    """The (unscaled integer, decimal exponent) pair apimachinery stores after parsing."""
    parts = _split(text)
    sign = -1 if parts.negative else 1
    digits = len(parts.num) + len(parts.denom)
    if parts.base == 10:
        scale = parts.exponent - len(parts.denom)
        if digits <= _MAX_DIGITS_FAST_PATH and scale >= _NANO_SCALE:
            return sign * int(parts.num + parts.denom), scale
    elif not parts.denom and digits <= _MAX_DIGITS_FAST_PATH:
        value = int(parts.num) << parts.exponent
        if value <= 2**63 - 1:
            return sign * value, 0
    # Slow path: an arbitrary-precision decimal rounded up to nano units.
    exact = abs(parse_quantity(text))
    nanos = int(exact.scaleb(-_NANO_SCALE).to_integral_value(rounding=ROUND_UP))
    return sign * nanos, _NANO_SCALE


def approximate_float(text: str) -> float:
    """``AsApproximateFloat64()``: unscaled value times ``math.Pow10(exponent)``."""
    unscaled, exponent = _unscaled_and_exponent(text)
    if exponent == 0:
        return float(unscaled)
    return float(unscaled) * pow10(exponent)


def format_milli(milli: int) -> str:
    """``resource.NewMilliQuantity(milli, DecimalSI).String()``."""
    if milli == 0:
        return "0"
    amount = abs(milli)
    exponent = -3
    while amount % 10 == 0:
        amount //= 10
        exponent += 1
    remainder = exponent - 3 * trunc_div(exponent, 3)
    if remainder in (1, -2):
        amount, exponent = amount * 10, exponent - 1
    elif remainder in (2, -1):
        amount, exponent = amount * 100, exponent - 2
    suffix = _SUFFIX_FOR_EXPONENT.get(exponent, f"e{exponent}")
    return f"{'-' if milli < 0 else ''}{amount}{suffix}"
