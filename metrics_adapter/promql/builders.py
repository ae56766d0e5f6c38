"""Short constructors so callers write ``sum_by(rate(Selector("x"), Duration(120)), "pod")``.

Each function returns a node from ``expr``, ``selector`` or ``operators``; none produces text.
Numbers are accepted wherever PromQL takes a scalar and become :class:`NumberLiteral` nodes.
"""

from __future__ import annotations

from .duration import Duration
from .expr import Call, StringLiteral, Subquery, as_expr
from .node import Expr
from .operators import AggregateOp, Aggregation, BinaryOp, BinOp, VectorMatching
from .selector import RangeSelector, Selector

__all__ = [
    "absent",
    "absent_over_time",
    "add",
    "aggregate",
    "and_",
    "avg_by",
    "avg_over_time",
    "binary",
    "call",
    "clamp",
    "clamp_max",
    "clamp_min",
    "count_by",
    "count_over_time",
    "delta",
    "deriv",
    "div",
    "histogram_count",
    "histogram_fraction",
    "histogram_quantile",
    "histogram_sum",
    "increase",
    "irate",
    "label_join",
    "label_replace",
    "last_over_time",
    "max_by",
    "max_over_time",
    "min_by",
    "min_over_time",
    "mul",
    "or_",
    "quantile_by",
    "quantile_over_time",
    "rate",
    "sub",
    "sum_by",
    "sum_over_time",
    "sum_without",
    "time",
    "timestamp",
    "topk",
    "unless",
    "vector",
]

RangeInput = Selector | RangeSelector | Subquery


def call(func: str, *args: Expr | float | str) -> Call:
    """``func(args...)``; numbers become number literals and ``str`` arguments string literals."""
    return Call(func, tuple(StringLiteral(arg) if isinstance(arg, str) else as_expr(arg) for arg in args))


def _range(series: RangeInput, window: Duration | None) -> RangeSelector | Subquery:
    if isinstance(series, Selector):
        if window is None:
            raise ValueError("a window is needed to turn an instant selector into a range")
        return RangeSelector(series, window)
    if window is not None:
        raise ValueError("window given twice: the series is already a range")
    return series


def _range_call(func: str, series: RangeInput, window: Duration | None) -> Call:
    return Call(func, (_range(series, window),))


def rate(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("rate", series, window)


def irate(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("irate", series, window)


def increase(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("increase", series, window)


def delta(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("delta", series, window)


def deriv(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("deriv", series, window)


def avg_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("avg_over_time", series, window)


def max_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("max_over_time", series, window)


def min_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("min_over_time", series, window)


def sum_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("sum_over_time", series, window)


def count_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("count_over_time", series, window)


def last_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("last_over_time", series, window)


def absent_over_time(series: RangeInput, window: Duration | None = None) -> Call:
    return _range_call("absent_over_time", series, window)


def quantile_over_time(q: float, series: RangeInput, window: Duration | None = None) -> Call:
    return Call("quantile_over_time", (as_expr(q), _range(series, window)))


def absent(expr: Expr) -> Call:
    return Call("absent", (expr,))


def vector(value: Expr | float) -> Call:
    return Call("vector", (as_expr(value),))


def time() -> Call:
    return Call("time")


def timestamp(expr: Expr) -> Call:
    return Call("timestamp", (expr,))


def clamp(expr: Expr, low: Expr | float, high: Expr | float) -> Call:
    return Call("clamp", (expr, as_expr(low), as_expr(high)))


def clamp_min(expr: Expr, low: Expr | float) -> Call:
    return Call("clamp_min", (expr, as_expr(low)))


def clamp_max(expr: Expr, high: Expr | float) -> Call:
    return Call("clamp_max", (expr, as_expr(high)))


def histogram_quantile(q: Expr | float, expr: Expr) -> Call:
    """``histogram_quantile(q, expr)``; for classic buckets ``expr`` must keep the ``le`` label."""
    return Call("histogram_quantile", (as_expr(q), expr))


def histogram_fraction(lower: Expr | float, upper: Expr | float, expr: Expr) -> Call:
    """Fraction of native-histogram observations between ``lower`` and ``upper``."""
    return Call("histogram_fraction", (as_expr(lower), as_expr(upper), expr))


def histogram_count(expr: Expr) -> Call:
    return Call("histogram_count", (expr,))


def histogram_sum(expr: Expr) -> Call:
    return Call("histogram_sum", (expr,))


def label_replace(expr: Expr, dst: str, replacement: str, src: str, regex: str) -> Call:
    """``label_replace(expr, "dst", "replacement", "src", "regex")``; ``regex`` is an anchored RE2.

    ``replacement`` is a template (``$1`` expands a group); wrap a constant in ``escape_replacement``.
    """
    strings = (StringLiteral(dst), StringLiteral(replacement), StringLiteral(src), StringLiteral(regex))
    return Call("label_replace", (expr, *strings))


def label_join(expr: Expr, dst: str, separator: str, *src: str) -> Call:
    return Call("label_join", (expr, *(StringLiteral(text) for text in (dst, separator, *src))))


def aggregate(
    op: AggregateOp | str,
    expr: Expr,
    *,
    by: tuple[str, ...] | None = None,
    without: tuple[str, ...] | None = None,
    param: Expr | float | None = None,
) -> Aggregation:
    return Aggregation(
        AggregateOp(op), expr, by=by, without=without, param=None if param is None else as_expr(param)
    )


def sum_by(expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.SUM, expr, by=labels)


def sum_without(expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.SUM, expr, without=labels)


def avg_by(expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.AVG, expr, by=labels)


def max_by(expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.MAX, expr, by=labels)


def min_by(expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.MIN, expr, by=labels)


def count_by(expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.COUNT, expr, by=labels)


def quantile_by(q: float, expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.QUANTILE, expr, by=labels, param=as_expr(q))


def topk(k: int, expr: Expr, *labels: str) -> Aggregation:
    return Aggregation(AggregateOp.TOPK, expr, by=labels or None, param=as_expr(k))


def binary(
    op: BinOp | str,
    lhs: Expr | float,
    rhs: Expr | float,
    *,
    on: tuple[str, ...] | None = None,
    ignoring: tuple[str, ...] | None = None,
    group_left: tuple[str, ...] | None = None,
    group_right: tuple[str, ...] | None = None,
    bool_modifier: bool = False,
) -> BinaryOp:
    modifiers = (on, ignoring, group_left, group_right)
    matching = None
    if any(labels is not None for labels in modifiers):
        matching = VectorMatching(on=on, ignoring=ignoring, group_left=group_left, group_right=group_right)
    return BinaryOp(BinOp(op), as_expr(lhs), as_expr(rhs), matching=matching, bool_modifier=bool_modifier)


def add(lhs: Expr | float, rhs: Expr | float) -> BinaryOp:
    return BinaryOp(BinOp.ADD, as_expr(lhs), as_expr(rhs))


def sub(lhs: Expr | float, rhs: Expr | float) -> BinaryOp:
    return BinaryOp(BinOp.SUB, as_expr(lhs), as_expr(rhs))


def mul(lhs: Expr | float, rhs: Expr | float) -> BinaryOp:
    return BinaryOp(BinOp.MUL, as_expr(lhs), as_expr(rhs))


def div(lhs: Expr | float, rhs: Expr | float) -> BinaryOp:
    return BinaryOp(BinOp.DIV, as_expr(lhs), as_expr(rhs))


def and_(lhs: Expr, rhs: Expr) -> BinaryOp:
    return BinaryOp(BinOp.AND, lhs, rhs)


def or_(lhs: Expr, rhs: Expr) -> BinaryOp:
    return BinaryOp(BinOp.OR, lhs, rhs)


def unless(lhs: Expr, rhs: Expr) -> BinaryOp:
    return BinaryOp(BinOp.UNLESS, lhs, rhs)
