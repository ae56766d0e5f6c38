"""Aggregations (``sum by (pod) (...)``) and binary operations with vector matching.

Binary operands are parenthesised whenever they are themselves operations, so the rendered text
never depends on PromQL's precedence table. Knows label names and the node base; nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .expr import StringLiteral
from .names import validate_label_name
from .node import Expr, render_operand

__all__ = ["AggregateOp", "Aggregation", "BinOp", "BinaryOp", "VectorMatching"]


class AggregateOp(StrEnum):
    SUM = "sum"
    AVG = "avg"
    MAX = "max"
    MIN = "min"
    COUNT = "count"
    GROUP = "group"
    STDDEV = "stddev"
    STDVAR = "stdvar"
    TOPK = "topk"
    BOTTOMK = "bottomk"
    QUANTILE = "quantile"
    COUNT_VALUES = "count_values"


_PARAMETRIC = frozenset(
    {AggregateOp.TOPK, AggregateOp.BOTTOMK, AggregateOp.QUANTILE, AggregateOp.COUNT_VALUES}
)


class BinOp(StrEnum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    POW = "^"
    ATAN2 = "atan2"
    EQ = "=="
    NE = "!="
    GT = ">"
    LT = "<"
    GE = ">="
    LE = "<="
    AND = "and"
    OR = "or"
    UNLESS = "unless"

    @property
    def is_comparison(self) -> bool:
        return self in _COMPARISONS

    @property
    def is_set_operation(self) -> bool:
        return self in _SET_OPERATIONS


_COMPARISONS = frozenset({BinOp.EQ, BinOp.NE, BinOp.GT, BinOp.LT, BinOp.GE, BinOp.LE})
_SET_OPERATIONS = frozenset({BinOp.AND, BinOp.OR, BinOp.UNLESS})


def _label_tuple(labels: Iterable[str] | None) -> tuple[str, ...] | None:
    if labels is None:
        return None
    if isinstance(labels, str):
        raise TypeError("label lists must be sequences of names, not a single str")
    return tuple(validate_label_name(label) for label in labels)


def _render_labels(labels: tuple[str, ...]) -> str:
    return "(" + ", ".join(labels) + ")"


@dataclass(frozen=True)
class Aggregation(Expr):
    """``op by (labels) ([param, ] expr)`` or ``op without (labels) (...)``.

    ``by=()`` and ``without=()`` are rendered (they differ from no clause only for ``without``).
    ``param`` is required exactly for topk, bottomk, quantile and count_values (a string literal).
    """

    op: AggregateOp
    expr: Expr
    by: tuple[str, ...] | None = None
    without: tuple[str, ...] | None = None
    param: Expr | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", AggregateOp(self.op))
        object.__setattr__(self, "by", _label_tuple(self.by))
        object.__setattr__(self, "without", _label_tuple(self.without))
        if self.by is not None and self.without is not None:
            raise ValueError(f"{self.op}: give either by or without, not both")
        if not isinstance(self.expr, Expr):
            raise TypeError(f"{self.op} needs an expression, got {type(self.expr).__name__}")
        if (self.param is not None) != (self.op in _PARAMETRIC):
            raise ValueError(
                f"{self.op}: parameter {'required' if self.op in _PARAMETRIC else 'not allowed'}"
            )
        if self.op is AggregateOp.COUNT_VALUES and not isinstance(self.param, StringLiteral):
            raise TypeError("count_values needs a StringLiteral label name as parameter")

    def render(self) -> str:
        clause = ""
        if self.by is not None:
            clause = f" by {_render_labels(self.by)} "
        elif self.without is not None:
            clause = f" without {_render_labels(self.without)} "
        param = "" if self.param is None else f"{self.param.render()}, "
        return f"{self.op.value}{clause}({param}{self.expr.render()})"

    def is_bare_subquery_operand(self) -> bool:
        return True


@dataclass(frozen=True)
class VectorMatching:
    """``on(...)`` / ``ignoring(...)`` with an optional ``group_left(...)`` / ``group_right(...)``."""

    on: tuple[str, ...] | None = None
    ignoring: tuple[str, ...] | None = None
    group_left: tuple[str, ...] | None = None
    group_right: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("on", "ignoring", "group_left", "group_right"):
            object.__setattr__(self, name, _label_tuple(getattr(self, name)))
        if self.on is not None and self.ignoring is not None:
            raise ValueError("vector matching takes either on(...) or ignoring(...), not both")
        if self.group_left is not None and self.group_right is not None:
            raise ValueError("vector matching takes either group_left or group_right, not both")
        if self.is_grouped and self.on is None and self.ignoring is None:
            raise ValueError("group_left/group_right need on(...) or ignoring(...)")

    @property
    def is_grouped(self) -> bool:
        return self.group_left is not None or self.group_right is not None

    def render(self) -> str:
        parts: list[str] = []
        if self.on is not None:
            parts.append("on" + _render_labels(self.on))
        elif self.ignoring is not None:
            parts.append("ignoring" + _render_labels(self.ignoring))
        for keyword, labels in (("group_left", self.group_left), ("group_right", self.group_right)):
            if labels is not None:
                parts.append(keyword + (_render_labels(labels) if labels else ""))
        return " ".join(parts)


@dataclass(frozen=True)
class BinaryOp(Expr):
    """``lhs op [bool] [matching] rhs``; ``bool`` only for comparisons, no grouping for and/or/unless."""

    op: BinOp
    lhs: Expr
    rhs: Expr
    matching: VectorMatching | None = None
    bool_modifier: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", BinOp(self.op))
        for side in (self.lhs, self.rhs):
            if not isinstance(side, Expr):
                raise TypeError(f"operands of {self.op} must be expressions, got {type(side).__name__}")
        if self.bool_modifier and not self.op.is_comparison:
            raise ValueError(f"bool modifier only applies to comparisons, not {self.op}")
        if self.matching is not None and self.matching.is_grouped and self.op.is_set_operation:
            raise ValueError(f"no grouping allowed for {self.op}")

    def render(self) -> str:
        parts = [render_operand(self.lhs), self.op.value]
        if self.bool_modifier:
            parts.append("bool")
        if self.matching is not None:
            matching = self.matching.render()
            if matching:
                parts.append(matching)
        parts.append(render_operand(self.rhs))
        return " ".join(parts)

    def binds_tightly(self) -> bool:
        return False
