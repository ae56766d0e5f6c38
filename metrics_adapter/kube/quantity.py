"""Kubernetes ``resource.Quantity`` strings: canonical formatting and parsing.

Formatting follows apimachinery's canonical DecimalSI form (quantity.go ``CanonicalizeBytes``):
an integer mantissa with all factors of ten moved into the exponent, the exponent lowered to a
multiple of three, and the matching suffix ``n u m "" k M G T P E``. So 0.5 is ``500m``, 1500
is ``1500`` (never ``1.5k``), 12000 is ``12k`` and 0.0005 is ``500u``.

Precision is that of a Quantity: nano-units. Decimals are rounded away from zero to the nano,
exactly as ``ParseQuantity`` rounds ("if you want some resources, you should get some").
Floats are binary approximations, so they are read as their shortest decimal form (``repr``)
and rounded to the *nearest* nano instead (0.1 + 0.2 must give ``300m``, not ``300000001n``);
a non-zero float smaller than half a nano still becomes ``±1n`` so that a non-zero value never
turns into zero. Values above the ``E`` suffix keep the
``E`` suffix with a longer mantissa, which parses back to the same number. NaN and infinities
have no Quantity form and raise ``QuantityError`` (a ``ValueError``).

Parsing accepts the documented grammar: ``[+-]`` digits with an optional fraction, then a
decimal SI suffix, a binary suffix ``Ki..Ei`` or an exponent ``e<int>``/``E<int>``. It is
stricter than apimachinery on degenerate inputs (``""``, ``"."``, ``"-"`` are refused).

Two readings the HPA controller makes of a parsed Quantity:

* ``milli_value`` -- ``Quantity.MilliValue()``, i.e. ``ScaledValue(-3)``: the value times 1000,
  rounded away from zero when inexact (apimachinery: "The value returned, if not exact, is rounded
  away from zero"), for negative values too: ``500u`` is 1m and ``-500u`` is -1m.
* ``approximate_float`` -- ``Quantity.AsApproximateFloat64()``: the unscaled integer of the
  parsed representation times ``math.Pow10(exponent)``, so ``"0.05"`` is ``5 * Pow10(-2)``, the
  same float64 Go computes.

This module knows nothing of metrics, HTTP or pydantic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_UP, Context, Decimal

from metrics_adapter.kube.errors import QuantityError

__all__ = ["approximate_float", "format_quantity", "milli_value", "parse_quantity", "to_quantity_decimal"]

_NANO_EXPONENT = -9
_NANO = Decimal(1).scaleb(_NANO_EXPONENT)
_DECIMAL_SUFFIXES: dict[str, int] = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_SUFFIX_FOR_EXPONENT: dict[int, str] = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIXES: dict[str, int] = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_MAX_EXPONENT = 18
# apimachinery caps binary quantities at 2^63-1.
_MAX_BINARY = Decimal(2**63 - 1)
# Refuse absurd exponents ("1e999999999") instead of building enormous numbers.
_MAX_ABS_PARSED_EXPONENT = 1000
# ParseQuantity keeps at most 18 digits in an int64 before it falls back to arbitrary precision.
_MAX_DIGITS_FAST_PATH = 18

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<integer>[0-9]*)(?:\.(?P<fraction>[0-9]*))?(?P<suffix>.*)", re.DOTALL
)
_EXPONENT_SUFFIX = re.compile(r"[eE](?P<exponent>[+-]?[0-9]+)")


_CONTEXT_28 = Context(prec=28, Emax=10**7, Emin=-(10**7))


def _quantize_context(value: Decimal) -> Context:
    """A context precise enough to quantize ``value`` to nano-units without overflow."""
    precision = value.adjusted() - _NANO_EXPONENT + 2
    if precision <= 28:
        return _CONTEXT_28
    return Context(prec=precision, Emax=10**7, Emin=-(10**7))


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise QuantityError(f"{value!r} has no Kubernetes quantity representation")
    return exponent


def to_quantity_decimal(value: Decimal | int | float) -> Decimal:
    """Return ``value`` as a Decimal with Quantity precision (nano-units); refuse NaN/Inf."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a quantity")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"{value!r} has no Kubernetes quantity representation")
        shortest = Decimal(repr(value))
        if _exponent(shortest) >= _NANO_EXPONENT:
            return shortest
        rounded = shortest.quantize(_NANO, rounding=ROUND_HALF_EVEN, context=_quantize_context(shortest))
        if rounded == 0 and shortest != 0:
            return _NANO.copy_sign(shortest)
        return rounded
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise QuantityError(f"{value!r} has no Kubernetes quantity representation")
        if _exponent(value) >= _NANO_EXPONENT:
            return value
        return value.quantize(_NANO, rounding=ROUND_UP, context=_quantize_context(value))
    raise TypeError(f"cannot make a quantity of {type(value).__name__}")


def format_quantity(value: Decimal | int | float) -> str:
    """Return the canonical DecimalSI Quantity string of ``value`` (e.g. 0.5 -> ``"500m"``)."""
    if type(value) is Decimal and value.is_finite():
        return _format_decimal(value)
    return _format_general(value)


def _format_decimal(value: Decimal) -> str:
    """The hot path (one call per served value): exact integer arithmetic on the value's ratio,
    rounding away from zero to the nano as :func:`to_quantity_decimal` does; same result as
    :func:`_format_general`, in a fraction of the time."""
    numerator, denominator = value.as_integer_ratio()
    nanos = -((-abs(numerator) * 1_000_000_000) // denominator)  # ceil of |value| in nano-units
    if nanos == 0:
        return "0"
    # Dropping trailing zeros in threes is the same as dropping them all and then lowering the
    # exponent to a multiple of three; it stops at the E suffix, which keeps a longer mantissa.
    exponent = _NANO_EXPONENT
    while exponent < _MAX_EXPONENT and nanos % 1000 == 0:
        nanos //= 1000
        exponent += 3
    return f"{'-' if numerator < 0 else ''}{nanos}{_SUFFIX_FOR_EXPONENT[exponent]}"


def _format_general(value: Decimal | int | float) -> str:
    number = to_quantity_decimal(value)
    if not number:
        return "0"
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        raise QuantityError(f"{value!r} has no Kubernetes quantity representation")
    end = len(digits)
    while digits[end - 1] == 0:
        end -= 1
        exponent += 1
    mantissa = int("".join(map(str, digits[:end])))
    shift = exponent % 3
    mantissa *= 10**shift
    exponent -= shift
    if exponent > _MAX_EXPONENT:
        mantissa *= 10 ** (exponent - _MAX_EXPONENT)
        exponent = _MAX_EXPONENT
    return f"{'-' if sign else ''}{mantissa}{_SUFFIX_FOR_EXPONENT[exponent]}"


@dataclass(frozen=True, slots=True)
class _Literal:
    """A quantity string split as ``ParseQuantity`` splits it."""

    negative: bool
    integer: str
    fraction: str
    base: int  # 10 or 2
    exponent: int


def _literal(text: str) -> _Literal:
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["integer"] or match["fraction"]):
        raise QuantityError(f"quantity {text!r} is not a signed decimal number with an optional suffix")
    suffix = match["suffix"]
    if suffix in _DECIMAL_SUFFIXES:
        base, exponent = 10, _DECIMAL_SUFFIXES[suffix]
    elif suffix in _BINARY_SUFFIXES:
        base, exponent = 2, _BINARY_SUFFIXES[suffix]
    elif (exponent_match := _EXPONENT_SUFFIX.fullmatch(suffix)) is not None:
        base, exponent = 10, int(exponent_match["exponent"])
        if abs(exponent) > _MAX_ABS_PARSED_EXPONENT:
            raise QuantityError(f"quantity {text!r} has an exponent out of range")
    else:
        raise QuantityError(f"quantity {text!r} has an unknown suffix {suffix!r}")
    return _Literal(match["sign"] == "-", match["integer"], match["fraction"] or "", base, exponent)


def parse_quantity(text: str) -> Decimal:
    """Parse a Quantity string (``"500m"``, ``"1.5Gi"``, ``"1.2e4"``) to its Decimal value.

    The result carries Quantity precision: values finer than a nano-unit are rounded away from
    zero, as ``ParseQuantity`` does. Raises ``QuantityError`` on malformed input.
    """
    literal = _literal(text)
    magnitude = Decimal(int(literal.integer + literal.fraction)).scaleb(-len(literal.fraction))
    if literal.base == 2:
        magnitude = min(magnitude * (2**literal.exponent), _MAX_BINARY)
    else:
        magnitude = magnitude.scaleb(literal.exponent, context=_quantize_context(magnitude))
    value = to_quantity_decimal(magnitude)
    return -value if literal.negative else value


def milli_value(value: Decimal) -> int:
    """``Quantity.MilliValue()``: ``value * 1000`` rounded away from zero when inexact.

    apimachinery's ``ScaledValue(-3)`` rounds away from zero, so ``500u`` is read as 1m and
    ``-500u`` as -1m.
    """
    if not value.is_finite():
        raise QuantityError(f"{value!r} has no Kubernetes quantity representation")
    scaled = value.scaleb(3, context=_quantize_context(value))
    return int(scaled.to_integral_value(rounding=ROUND_UP, context=_quantize_context(scaled)))


def _unscaled_and_exponent(text: str) -> tuple[int, int]:
    """The (unscaled integer, decimal exponent) pair apimachinery stores after parsing."""
    literal = _literal(text)
    sign = -1 if literal.negative else 1
    integer = literal.integer.lstrip("0") or "0"
    digits = len(integer) + len(literal.fraction)
    if literal.base == 10:
        scale = literal.exponent - len(literal.fraction)
        if digits <= _MAX_DIGITS_FAST_PATH and scale >= _NANO_EXPONENT:
            return sign * int(integer + literal.fraction), scale
    elif not literal.fraction and digits <= _MAX_DIGITS_FAST_PATH:
        value = int(integer) << literal.exponent
        if value <= _MAX_BINARY:
            return sign * value, 0
    # Slow path: an arbitrary-precision decimal rounded away from zero to nano units.
    nanos = int(abs(parse_quantity(text)).scaleb(-_NANO_EXPONENT).to_integral_value(rounding=ROUND_UP))
    return sign * nanos, _NANO_EXPONENT


def approximate_float(text: str) -> float:
    """``Quantity.AsApproximateFloat64()``: the unscaled value times ``math.Pow10(exponent)``."""
    unscaled, exponent = _unscaled_and_exponent(text)
    if exponent == 0:
        return float(unscaled)
    return float(unscaled) * _pow10(exponent)


# math.Pow10's tables: exact powers below 1e32 and one entry per 32 decades.
_POW10_TAB = tuple(float(f"1e{i}") for i in range(32))
_POW10_POS32 = tuple(float(f"1e{32 * i}") for i in range(10))
_POW10_NEG32 = tuple(float(f"1e-{32 * i}") for i in range(11))


def _pow10(exponent: int) -> float:
    """Go's ``math.Pow10``: built from the same tables, so products with it round as in Go."""
    if 0 <= exponent <= 308:
        return _POW10_POS32[exponent // 32] * _POW10_TAB[exponent % 32]
    if -323 <= exponent < 0:
        return _POW10_NEG32[-exponent // 32] / _POW10_TAB[-exponent % 32]
    return 0.0 if exponent < 0 else math.inf
