"""Go numeric semantics the HPA controller relies on, reproduced bit for bit in Python.

The controller computes with ``int32``/``int64`` integers and IEEE float64. Python integers never
overflow and Python float division by zero raises, so the few places where that differs are spelled
out here once:

* integer division truncates toward zero (Go ``/``), not toward minus infinity (Python ``//``);
* float division by zero gives ``±Inf`` or ``NaN`` instead of raising;
* float-to-integer conversions truncate toward zero; a value that does not fit (or NaN) gives the
  "integer indefinite" value of the x86-64 ``CVTTSD2SI`` instruction, i.e. the minimum of the type,
  which is what ``int32(x)`` / ``int64(x)`` produce on amd64, where kube-controller-manager runs;
* integer addition wraps at the type's width.

This module knows nothing of Kubernetes.
"""

from __future__ import annotations

import math

__all__ = [
    "MAX_INT32",
    "MAX_INT64",
    "MIN_INT32",
    "MIN_INT64",
    "ceil_to_int32",
    "fdiv",
    "float_to_int32",
    "float_to_int64",
    "int32_wrap",
    "int64_wrap",
    "trunc_div",
]

MAX_INT32 = 2**31 - 1
MIN_INT32 = -(2**31)
MAX_INT64 = 2**63 - 1
MIN_INT64 = -(2**63)


def trunc_div(numerator: int, denominator: int) -> int:
    """Go integer division: the quotient truncated toward zero. Raises on a zero denominator."""
    quotient = abs(numerator) // abs(denominator)
    return quotient if (numerator >= 0) == (denominator >= 0) else -quotient


def fdiv(numerator: float, denominator: float) -> float:
    """Go float64 division: ``x/0`` is ``±Inf`` (or ``NaN`` for ``0/0``) instead of an exception."""
    if denominator != 0.0:
        return numerator / denominator
    if numerator == 0.0 or math.isnan(numerator):
        return math.nan
    negative = (numerator < 0) != (math.copysign(1.0, denominator) < 0)
    return -math.inf if negative else math.inf


def _float_to_int(value: float, *, low: int, high: int) -> int:
    if math.isnan(value) or math.isinf(value):
        return low
    truncated = int(value)
    if truncated < low or truncated > high:
        return low
    return truncated


def float_to_int32(value: float) -> int:
    """``int32(value)`` as compiled for amd64: truncation, ``MinInt32`` when out of range or NaN."""
    return _float_to_int(value, low=MIN_INT32, high=MAX_INT32)


def float_to_int64(value: float) -> int:
    """``int64(value)`` as compiled for amd64: truncation, ``MinInt64`` when out of range or NaN."""
    return _float_to_int(value, low=MIN_INT64, high=MAX_INT64)


def ceil_to_int32(value: float) -> int:
    """``int32(math.Ceil(value))``."""
    if math.isnan(value) or math.isinf(value):
        return MIN_INT32
    return float_to_int32(float(math.ceil(value)))


def int32_wrap(value: int) -> int:
    """Reduce an integer to int32 two's-complement range, as Go arithmetic overflow does."""
    return (value + 2**31) % 2**32 - 2**31


def int64_wrap(value: int) -> int:
    """Reduce an integer to int64 two's-complement range, as Go arithmetic overflow does."""
    return (value + 2**63) % 2**64 - 2**63
