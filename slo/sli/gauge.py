"""PromQL for threshold SLIs over gauges (DCGM GPU utilisation, Triton queue time, vLLM KV-cache use).

A gauge has no events, so the SLI counts time slices: every ``slice`` (1 minute unless the SLO's
timeslices budgeting says otherwise) the gauge is sampled, and the slice is good when the *worst*
series keeps the objective (the highest value for ``lt``/``lte``, the lowest for ``gt``/``gte``).
good = ``sum_over_time((worst <op> bool threshold)[w:slice])``, total = ``count_over_time(worst[w:slice])``;
slices where the gauge is absent count neither way.

Knows typed PromQL and the SLI model; nothing about windows tables or Prometheus I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from metrics_adapter.promql import (
    AggregateOp,
    Aggregation,
    BinOp,
    Duration,
    Expr,
    NumberLiteral,
    Selector,
    Subquery,
    binary,
    count_over_time,
    eq,
    sum_over_time,
)

from ..spec.sli import Comparison, ThresholdSLI
from .base import CountKind, EventQueries, EventUnit
from .user_query import UserQuery

__all__ = ["DEFAULT_SLICE", "GaugeThreshold"]

DEFAULT_SLICE = Duration.minutes(1)

_GOOD_WHEN = {
    Comparison.LT: BinOp.LT,
    Comparison.LTE: BinOp.LE,
    Comparison.GT: BinOp.GT,
    Comparison.GTE: BinOp.GE,
}
_BAD_WHEN = {
    Comparison.LT: BinOp.GE,
    Comparison.LTE: BinOp.GT,
    Comparison.GT: BinOp.LE,
    Comparison.GTE: BinOp.LT,
}
_HIGH_IS_BAD = frozenset({Comparison.LT, Comparison.LTE})


@dataclass(frozen=True)
class GaugeThreshold(EventQueries):
    sli: ThresholdSLI
    slice: Duration = DEFAULT_SLICE
    natural = CountKind.GOOD
    unit = EventUnit.SLICES
    sparse: ClassVar[frozenset[CountKind]] = frozenset()

    def gauge(self) -> Expr:
        if self.sli.metric is not None:
            return Selector(self.sli.metric, tuple(eq(name, value) for name, value in self.sli.matchers))
        return UserQuery(str(self.sli.query))

    def worst(self) -> Expr:
        op = AggregateOp.MAX if self.sli.comparison in _HIGH_IS_BAD else AggregateOp.MIN
        return Aggregation(op, self.gauge())

    def _slices(self, op: BinOp, window: Duration) -> Expr:
        verdict = binary(op, self.worst(), NumberLiteral(float(self.sli.threshold)), bool_modifier=True)
        return sum_over_time(Subquery(verdict, window, self.slice))

    def good(self, window: Duration) -> Expr:
        return self._slices(_GOOD_WHEN[self.sli.comparison], window)

    def bad(self, window: Duration) -> Expr:
        return self._slices(_BAD_WHEN[self.sli.comparison], window)

    def total(self, window: Duration) -> Expr:
        return count_over_time(Subquery(self.worst(), window, self.slice))

    def sources(self) -> tuple[Selector, ...]:
        gauge = self.gauge()
        return (gauge,) if isinstance(gauge, Selector) else ()
