"""The shape every SLI's queries take: good, bad and total events over a window, or an error ratio.

:class:`EventQueries` gives three expressions for a window ``w`` with the same labels (none, or the
SLO's grouping labels): ``good(w)``, ``bad(w)`` and ``total(w)``. ``natural`` names the numerator the
SLI measures directly (one query, cheapest); the other is derived from it and ``total``. An empty
numerator result while ``total`` has a sample means zero such events; ``sparse`` says which sides
can be empty, and ``present_good``/``present_bad`` add ``or 0 * total`` to exactly those. ``unit``
says what is counted: requests (``events``) or time slices (``slices``).

:class:`SlicedEvents` turns any event SLI into OpenSLO timeslices: a slice of length ``s`` is good when
its ratio ``good(s) / total(s)`` reaches the slice target; slices without traffic count neither way.

:class:`RatioQueries` is for SLIs that only give a ratio (Sloth ``raw``, OpenSLO ``rawType``).

Knows typed PromQL; nothing about specs, windows tables or Prometheus I/O.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
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
    div,
    mul,
    or_,
    sub,
    sum_over_time,
)

__all__ = [
    "CountKind",
    "EventQueries",
    "EventUnit",
    "RatioQueries",
    "SlicedEvents",
    "difference",
    "or_zero",
    "total_sum",
]


class CountKind(StrEnum):
    GOOD = "good"
    BAD = "bad"


class EventUnit(StrEnum):
    EVENTS = "events"
    SLICES = "slices"


def total_sum(expr: Expr, group_labels: tuple[str, ...] = ()) -> Aggregation:
    """``sum(expr)``, or ``sum by (labels) (expr)`` for grouped SLOs."""
    return Aggregation(AggregateOp.SUM, expr, by=group_labels or None)


def or_zero(expr: Expr, like: Expr) -> Expr:
    """``expr or (0 * like)``: a zero sample wherever ``like`` has one and ``expr`` has none."""
    return or_(expr, mul(0, like))


class EventQueries(ABC):
    """Good, bad and total events over a window (see the module docstring)."""

    natural: CountKind = CountKind.GOOD
    unit: EventUnit = EventUnit.EVENTS
    group_labels: tuple[str, ...] = ()
    sparse: ClassVar[frozenset[CountKind]] = frozenset(CountKind)
    """The sides (good, bad) that can be empty while ``total`` has a sample, e.g. a selector of bad
    codes that never occurred. A side computed from the same series as ``total`` is never empty."""

    @abstractmethod
    def good(self, window: Duration) -> Expr: ...

    @abstractmethod
    def bad(self, window: Duration) -> Expr: ...

    @abstractmethod
    def total(self, window: Duration) -> Expr: ...

    def numerator(self, window: Duration) -> Expr:
        """The directly measured count: ``good`` or ``bad`` as ``natural`` says."""
        return self.good(window) if self.natural is CountKind.GOOD else self.bad(window)

    def present_bad(self, window: Duration) -> Expr:
        """``bad`` with a sample wherever ``total`` has one (0 when there were no bad events)."""
        bad = self.bad(window)
        return or_zero(bad, self.total(window)) if CountKind.BAD in self.sparse else bad

    def present_good(self, window: Duration) -> Expr:
        """``good`` with a sample wherever ``total`` has one (0 when there were no good events)."""
        good = self.good(window)
        return or_zero(good, self.total(window)) if CountKind.GOOD in self.sparse else good

    def sources(self) -> tuple[Selector, ...]:
        """Raw series whose absence means "no data" (empty when only user PromQL is known)."""
        return ()


class RatioQueries(ABC):
    """An error ratio over a window, for SLIs without event counts."""

    group_labels: tuple[str, ...] = ()

    @abstractmethod
    def error_ratio(self, window: Duration) -> Expr: ...


@dataclass(frozen=True)
class SlicedEvents(EventQueries):
    """Timeslices over ``inner``: count slices whose good ratio is at least ``target``.

    Slices are evaluated every ``slice`` (a subquery step), each over the preceding ``slice``.
    """

    inner: EventQueries
    slice: Duration
    target: Decimal

    natural = CountKind.GOOD
    unit = EventUnit.SLICES
    sparse: ClassVar[frozenset[CountKind]] = frozenset()

    @property
    def group_labels(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.inner.group_labels

    def slice_ratio(self) -> Expr:
        """``(good or 0 * total) / (total > 0)`` over one slice: absent for slices without traffic."""
        total = self.inner.total(self.slice)
        return div(self.inner.present_good(self.slice), binary(BinOp.GT, total, 0))

    def _slices(self, op: BinOp, window: Duration) -> Expr:
        verdict = binary(op, self.slice_ratio(), NumberLiteral(float(self.target)), bool_modifier=True)
        return sum_over_time(Subquery(verdict, window, self.slice))

    def good(self, window: Duration) -> Expr:
        return self._slices(BinOp.GE, window)

    def bad(self, window: Duration) -> Expr:
        return self._slices(BinOp.LT, window)

    def total(self, window: Duration) -> Expr:
        return count_over_time(Subquery(self.slice_ratio(), window, self.slice))

    def sources(self) -> tuple[Selector, ...]:
        return self.inner.sources()


def difference(total: Expr, part: Expr) -> Expr:
    """``total - (part or 0 * total)``: the other side of a count, present whenever ``total`` is."""
    return sub(total, or_zero(part, total))
