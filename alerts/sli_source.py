"""How the rule generator reads an SLO's SLI: through :mod:`slo.sli`, the one place SLI PromQL is built.

:func:`sli_source` picks the event queries (good/bad/total) or, for precomputed ratios, the ratio
queries; :func:`counts_events` says whether the counts are real event counts, so a minimum-events
guard means something (not for slices, nor for user queries that return rates over the window);
:func:`no_data_sources` lists the raw series whose absence means "no data".

Knows :mod:`slo.sli`; nothing about rule names or files.
"""

from __future__ import annotations

from metrics_adapter.promql import Selector
from slo.sli import EventQueries, EventUnit, RatioQueries, UserEvents, event_queries, ratio_queries
from slo.spec import SLO, WINDOW_PLACEHOLDER

__all__ = ["SLISource", "counts_events", "no_data_sources", "sli_source"]

SLISource = EventQueries | RatioQueries


def sli_source(slo: SLO) -> SLISource:
    """The queries measuring ``slo``; raises :class:`slo.sli.UnsupportedSLIError` for unknown SLI kinds."""
    ratio = ratio_queries(slo)
    return ratio if ratio is not None else event_queries(slo)


def counts_events(source: SLISource) -> bool:
    if not isinstance(source, EventQueries) or source.unit is not EventUnit.EVENTS:
        return False
    return not (isinstance(source, UserEvents) and WINDOW_PLACEHOLDER in source.sli.total)


def no_data_sources(source: SLISource) -> tuple[Selector, ...]:
    return source.sources() if isinstance(source, EventQueries) else ()
