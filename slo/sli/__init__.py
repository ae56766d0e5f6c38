"""SLI queries: typed PromQL for every SLI kind of an SLO spec.

``sli_events(slo, window) -> (good, total)`` and ``sli_error_ratio(slo, window)`` are the stable API;
:func:`sli_source` chooses the queries that measure an SLO (the richer :class:`EventQueries`: good,
bad, total, the natural numerator, what is counted; or :class:`RatioQueries` for raw ratios) and is
what rules, promtool tests, evaluation and reports read an SLO through. User-written PromQL enters
only through :class:`UserQuery`. Knows the SLO model and ``metrics_adapter.promql``; no Prometheus I/O.
"""

from .base import CountKind, EventQueries, EventUnit, RatioQueries, SlicedEvents
from .gauge import DEFAULT_SLICE, GaugeThreshold
from .istio import (
    ISTIO_REQUESTS,
    ClassicLatency,
    IstioAvailability,
    NativeLatency,
    bucket_bound_spellings,
    istio_matchers,
    le_matcher,
    resolve_le,
)
from .queries import (
    NoEventCountsError,
    SLIEvents,
    UnsupportedSLIError,
    event_queries,
    ratio_queries,
    sli_events,
)
from .source import SLISource, counts_events, no_data_sources, sli_error_ratio, sli_source
from .user_query import UserQuery
from .user_ratio import UserEvents, UserRatio

__all__ = [
    "DEFAULT_SLICE",
    "ISTIO_REQUESTS",
    "ClassicLatency",
    "CountKind",
    "EventQueries",
    "EventUnit",
    "GaugeThreshold",
    "IstioAvailability",
    "NativeLatency",
    "NoEventCountsError",
    "RatioQueries",
    "SLIEvents",
    "SLISource",
    "SlicedEvents",
    "UnsupportedSLIError",
    "UserEvents",
    "UserQuery",
    "UserRatio",
    "bucket_bound_spellings",
    "counts_events",
    "event_queries",
    "istio_matchers",
    "le_matcher",
    "no_data_sources",
    "ratio_queries",
    "resolve_le",
    "sli_error_ratio",
    "sli_events",
    "sli_source",
]
