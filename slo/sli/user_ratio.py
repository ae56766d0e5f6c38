"""PromQL for SLIs written as user queries: good/total or bad/total events, and raw ratios.

A query containing the window placeholder (``{{.window}}``, Sloth's convention) gets the window
substituted and is used as the count over that window. A query without it is a series: counters
(OpenSLO ``counter: true``, and our default when the spec does not say) are turned into counts with
``increase((q)[w:])``; gauges (``counter: false``) with ``sum_over_time((q)[w:])``. ``per_label`` makes
every count keep those labels (the queries must aggregate ``by`` them). Raw ratios are averaged
over the window (``avg_over_time``): they carry no event counts.

Every count is aggregated the same way, wherever it is used (recording rules, evaluation, reports,
dashboards): summed over every label but the SLO's grouping (``per_label``, none by default), so the
error ratio is taken between aggregates and never per series (a lone ``response_code="503"`` series
would otherwise read as a 100 % error ratio). A query that already returns ``sum by`` exactly the
grouping is used as it is.

Knows typed PromQL and the SLI model; nothing about windows tables or Prometheus I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics_adapter.promql import Duration, Expr, Subquery, avg_over_time, increase, sub, sum_over_time

from ..spec.sli import WINDOW_PLACEHOLDER, RatioSLI, RawRatioSLI, RawRatioType
from .base import CountKind, EventQueries, RatioQueries, difference, total_sum
from .query_shape import summed_by
from .user_query import UserQuery

__all__ = ["UserEvents", "UserRatio", "user_count"]


def user_count(query: str, window: Duration, *, counter: bool) -> Expr:
    """A user query as a count over ``window`` (see the module docstring)."""
    user = UserQuery(query)
    if WINDOW_PLACEHOLDER in query:
        return user.with_window(WINDOW_PLACEHOLDER, window)
    ranged = Subquery(user, window)
    return increase(ranged) if counter else sum_over_time(ranged)


@dataclass(frozen=True)
class UserEvents(EventQueries):
    sli: RatioSLI

    @property
    def natural(self) -> CountKind:  # type: ignore[override]
        return CountKind.GOOD if self.sli.good is not None else CountKind.BAD

    @property
    def sparse(self) -> frozenset[CountKind]:  # type: ignore[override]
        return frozenset({self.natural})

    @property
    def group_labels(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.sli.per_label

    def _count(self, query: str, window: Duration) -> Expr:
        count = user_count(query, window, counter=self.sli.counter is not False)
        if summed_by(query) == frozenset(self.group_labels):
            return count
        return total_sum(count, self.group_labels)

    def good(self, window: Duration) -> Expr:
        if self.sli.good is not None:
            return self._count(self.sli.good, window)
        return difference(self.total(window), self._count(str(self.sli.bad), window))

    def bad(self, window: Duration) -> Expr:
        if self.sli.bad is not None:
            return self._count(self.sli.bad, window)
        return difference(self.total(window), self._count(str(self.sli.good), window))

    def total(self, window: Duration) -> Expr:
        return self._count(self.sli.total, window)


@dataclass(frozen=True)
class UserRatio(RatioQueries):
    sli: RawRatioSLI

    def error_ratio(self, window: Duration) -> Expr:
        query = self.sli.query
        if WINDOW_PLACEHOLDER in query:
            ratio: Expr = UserQuery(query).with_window(WINDOW_PLACEHOLDER, window)
        else:
            ratio = avg_over_time(Subquery(UserQuery(query), window))
        return ratio if self.sli.ratio_type is RawRatioType.FAILURE else sub(1, ratio)
