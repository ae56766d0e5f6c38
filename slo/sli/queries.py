"""The SLI query API: which queries measure an SLO, as event counts or as an error ratio over a window.

* :func:`event_queries` -> :class:`~.base.EventQueries` (good, bad, total) for every SLI with events
  (Istio availability and latency, gauge thresholds in slices, user ratios); SLOs budgeted in
  timeslices are wrapped in :class:`~.base.SlicedEvents`. Raises :class:`NoEventCountsError` for raw
  ratios.
* :func:`ratio_queries` -> :class:`~.base.RatioQueries` for raw ratio SLIs, ``None`` for the others.
* :func:`sli_events` -> ``(good, total)`` over a window. Which of the two builders measures an SLO is
  chosen in one place, :func:`~.source.sli_source`.

Knows the SLO model and typed PromQL; nothing about Prometheus I/O or windows tables.
"""

from __future__ import annotations

from typing import NamedTuple

from metrics_adapter.promql import Duration, Expr, Matcher

from ..spec.model import SLO, Timeslices
from ..spec.sli import AvailabilitySLI, HistogramKind, LatencySLI, RatioSLI, RawRatioSLI, ThresholdSLI
from .base import EventQueries, RatioQueries, SlicedEvents
from .gauge import DEFAULT_SLICE, GaugeThreshold
from .istio import ClassicLatency, IstioAvailability, NativeLatency
from .user_ratio import UserEvents, UserRatio

__all__ = [
    "NoEventCountsError",
    "SLIEvents",
    "UnsupportedSLIError",
    "event_queries",
    "ratio_queries",
    "sli_events",
]


class UnsupportedSLIError(ValueError):
    """The SLO's SLI kind has no query builder."""


class NoEventCountsError(UnsupportedSLIError):
    """The SLI is a precomputed ratio: it has an error ratio but no good/total event counts."""


class SLIEvents(NamedTuple):
    """Good and total events over one window; unpacks as ``good, total = sli_events(...)``."""

    good: Expr
    total: Expr


def _base_queries(slo: SLO, *, le: Matcher | None) -> EventQueries:
    sli = slo.sli
    if isinstance(sli, AvailabilitySLI):
        return IstioAvailability(sli)
    if isinstance(sli, LatencySLI):
        return ClassicLatency(sli, le) if sli.histogram is HistogramKind.CLASSIC else NativeLatency(sli)
    if isinstance(sli, ThresholdSLI):
        budgeting = slo.budgeting
        step = Duration(budgeting.slice_seconds) if isinstance(budgeting, Timeslices) else DEFAULT_SLICE
        return GaugeThreshold(sli, step)
    if isinstance(sli, RatioSLI):
        return UserEvents(sli)
    if isinstance(sli, RawRatioSLI):
        raise NoEventCountsError(f"SLO {slo.slo_id}: a raw ratio SLI has no event counts")
    raise UnsupportedSLIError(f"SLO {slo.slo_id}: SLI kind {type(sli).__name__} is not supported")


def event_queries(slo: SLO, *, le: Matcher | None = None) -> EventQueries:
    """Good/bad/total queries for ``slo``.

    ``le``: the exact bucket matcher for a classic latency SLI (from :func:`~.istio.resolve_le`);
    by default every spelling of the threshold is matched.
    """
    base = _base_queries(slo, le=le)
    budgeting = slo.budgeting
    if isinstance(budgeting, Timeslices) and not isinstance(base, GaugeThreshold):
        return SlicedEvents(base, Duration(budgeting.slice_seconds), budgeting.slice_target)
    return base


def ratio_queries(slo: SLO) -> RatioQueries | None:
    """The ratio-only queries of a raw ratio SLI, ``None`` for SLIs with event counts."""
    return UserRatio(slo.sli) if isinstance(slo.sli, RawRatioSLI) else None


def sli_events(slo: SLO, window: Duration, *, le: Matcher | None = None) -> SLIEvents:
    """``(good, total)`` event counts over ``window``; raises :class:`NoEventCountsError` for raw ratios.

    ``good`` may be empty while ``total`` has a sample (no good event at all); wrap it with
    ``or 0 * total`` where a sample is required.
    """
    queries = event_queries(slo, le=le)
    return SLIEvents(good=queries.good(window), total=queries.total(window))
