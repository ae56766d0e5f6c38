"""Which queries measure an SLO: the one place that chooses between event counts and an error ratio.

:func:`sli_source` gives the ratio queries of a precomputed ratio SLI (Sloth ``raw``, OpenSLO
``rawType``) and the event queries (good/bad/total) of every other SLI. Rules, generated promtool
tests, the evaluator, reports and :func:`sli_error_ratio` all read an SLO through it.
:func:`counts_events` says whether the counts are real event counts, so a minimum-events guard
means something (not for slices, nor for user queries that return rates over the window);
:func:`no_data_sources` lists the raw series whose absence means "no data".

Knows the SLO model and the query builders of :mod:`.queries`; nothing about rules, windows tables
or Prometheus I/O.
"""

from __future__ import annotations

from metrics_adapter.promql import BinOp, Duration, Expr, Matcher, Selector, binary, div

from ..spec.model import SLO
from ..spec.sli import WINDOW_PLACEHOLDER
from .base import EventQueries, EventUnit, RatioQueries
from .queries import event_queries, ratio_queries
from .user_ratio import UserEvents

__all__ = ["SLISource", "counts_events", "no_data_sources", "sli_error_ratio", "sli_source"]

SLISource = EventQueries | RatioQueries


def sli_source(slo: SLO, *, le: Matcher | None = None) -> SLISource:
    """The queries measuring ``slo``; raises :class:`~.queries.UnsupportedSLIError` for unknown SLI kinds.

    ``le``: the exact bucket matcher for a classic latency SLI (from :func:`~.istio.resolve_le`);
    by default every spelling of the threshold is matched.
    """
    ratio = ratio_queries(slo)
    return ratio if ratio is not None else event_queries(slo, le=le)


def counts_events(source: SLISource) -> bool:
    """Whether ``source`` counts requests (so a minimum number of events is a meaningful guard)."""
    if not isinstance(source, EventQueries) or source.unit is not EventUnit.EVENTS:
        return False
    return not (isinstance(source, UserEvents) and WINDOW_PLACEHOLDER in source.sli.total)


def no_data_sources(source: SLISource) -> tuple[Selector, ...]:
    """The raw series whose absence means "no data" (none for ratio queries)."""
    return source.sources() if isinstance(source, EventQueries) else ()


def sli_error_ratio(slo: SLO, window: Duration, *, le: Matcher | None = None) -> Expr:
    """The error ratio over ``window``: ``(bad or 0 * total) / (total > 0)`` (raw ratios: as given).

    Without traffic the result has no sample, so recording rules never store NaN.
    """
    source = sli_source(slo, le=le)
    if isinstance(source, RatioQueries):
        return source.error_ratio(window)
    total = source.total(window)
    return div(source.present_bad(window), binary(BinOp.GT, total, 0))
