"""Leaf and function nodes of PromQL: number and string literals, function calls, subqueries, unary minus.

Knows the literal encoders and the shared parenthesising rule; nothing about HTTP or results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .duration import Duration
from .literal import quote_string
from .names import validate_function_name
from .node import Expr, render_operand

__all__ = ["Call", "NumberLiteral", "StringLiteral", "Subquery", "Unary", "as_expr"]

# Integers up to 2**53 are exact in a float64 and read back identically without a fraction.
_EXACT_INTEGER_LIMIT = 2**53


@dataclass(frozen=True)
class NumberLiteral(Expr):
    """A float literal: ``0.99``, ``1e-05``, ``NaN``, ``Inf``, ``-Inf``.

    Integral values render without a fraction (``5``); others use Python's shortest round-trip
    form, which Prometheus parses back to the same float64.
    """

    value: float

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise TypeError(f"number literal needs a number, got {type(self.value).__name__}")
        object.__setattr__(self, "value", float(self.value))

    def render(self) -> str:
        value = self.value
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        if value.is_integer() and abs(value) < _EXACT_INTEGER_LIMIT:
            text = str(int(value))
            return "-0" if value == 0 and math.copysign(1.0, value) < 0 else text
        return repr(value)

    def binds_tightly(self) -> bool:
        return math.isnan(self.value) or math.copysign(1.0, self.value) > 0


@dataclass(frozen=True)
class StringLiteral(Expr):
    """A string literal, escaped by :func:`quote_string` when rendered."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise TypeError(f"string literal needs a str, got {type(self.value).__name__}")
        quote_string(self.value)

    def render(self) -> str:
        return quote_string(self.value)


@dataclass(frozen=True)
class Call(Expr):
    """A function call ``func(arg, ...)``; the function name is checked, not looked up."""

    func: str
    args: tuple[Expr, ...] = ()

    def __post_init__(self) -> None:
        validate_function_name(self.func)
        args = tuple(self.args)
        for arg in args:
            if not isinstance(arg, Expr):
                raise TypeError(f"{self.func}() arguments must be expressions, got {type(arg).__name__}")
        object.__setattr__(self, "args", args)

    def render(self) -> str:
        return f"{self.func}(" + ", ".join(arg.render() for arg in self.args) + ")"

    def is_bare_subquery_operand(self) -> bool:
        return True


@dataclass(frozen=True)
class Subquery(Expr):
    """``expr[window:step]``; without ``step`` Prometheus uses the global evaluation interval."""

    expr: Expr
    window: Duration
    step: Duration | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.expr, Expr):
            raise TypeError(f"subquery needs an expression, got {type(self.expr).__name__}")

    def render(self) -> str:
        inner = self.expr.render()
        if not self.expr.is_bare_subquery_operand():
            inner = f"({inner})"
        step = "" if self.step is None else self.step.render()
        return f"{inner}[{self.window.render()}:{step}]"


@dataclass(frozen=True)
class Unary(Expr):
    """``-expr`` or ``+expr``."""

    expr: Expr
    op: Literal["-", "+"] = "-"

    def __post_init__(self) -> None:
        if self.op not in ("-", "+"):
            raise ValueError(f"unknown unary operator {self.op!r}")
        if not isinstance(self.expr, Expr):
            raise TypeError(f"unary {self.op} needs an expression, got {type(self.expr).__name__}")

    def render(self) -> str:
        return self.op + render_operand(self.expr)

    def binds_tightly(self) -> bool:
        return False


def as_expr(value: Expr | float) -> Expr:
    """Return ``value`` itself if it is an expression, else a :class:`NumberLiteral` of it."""
    if isinstance(value, Expr):
        return value
    return NumberLiteral(value)
