"""What to ask Prometheus to evaluate a set of SLOs at one instant: one probe per (SLO, window, part).

For each SLO the windows are the compliance window's elapsed part at ``at`` (the whole length for
rolling windows, start-of-period to ``at`` for calendar ones, in whole seconds) and every distinct
long and short window of its burn-rate tiers. Parts are the natural numerator (good or bad events),
the total, or for raw ratio SLIs the error ratio. Long windows are always one ``increase`` over the
whole window, so the SLI is summed good over summed total, never an average of ratios.

Classic latency SLIs first need the real ``le`` text of their threshold bucket: a *bounds* probe
(``count by (le) (<bucket selector>)``) per distinct selector, resolved by :func:`plan_slo`.

Knows the SLO model, SLI queries and windows; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from metrics_adapter.promql import Duration, Expr, Matcher, Selector, count_by

from ..burn_rate import BurnRateWindow
from ..sli import (
    ClassicLatency,
    EventQueries,
    RatioQueries,
    UnsupportedSLIError,
    counts_events,
    resolve_le,
    sli_source,
)
from ..spec.model import SLO
from ..spec.sli import HistogramKind, LatencySLI
from ..window import WindowSpan

__all__ = [
    "Part",
    "Probe",
    "ProbeKey",
    "SLOPlan",
    "SpanRule",
    "bounds_probe",
    "bucket_selector",
    "default_span",
    "plan_slo",
]

SpanRule = Callable[[SLO, datetime], WindowSpan]
"""Chooses the window span an SLO is evaluated over at an instant (default: the SLO's own window)."""


def default_span(slo: SLO, at: datetime) -> WindowSpan:
    return slo.window.span(at)


class Part(StrEnum):
    NUMERATOR = "n"
    TOTAL = "t"
    RATIO = "r"
    BOUNDS = "b"


@dataclass(frozen=True, order=True)
class ProbeKey:
    """``slo`` is the SLO's index in the evaluated list; ``window`` is in seconds (0 for bounds)."""

    slo: int
    window: int
    part: Part

    def tag(self) -> str:
        return f"{self.slo}/{self.window}/{self.part.value}"

    @classmethod
    def parse(cls, tag: str) -> ProbeKey:
        slo, window, part = tag.split("/")
        return cls(int(slo), int(window), Part(part))


@dataclass(frozen=True)
class Probe:
    key: ProbeKey
    expr: Expr


def bucket_selector(slo: SLO) -> Selector | None:
    """The bucket selector (without ``le``) of a classic latency SLI, else ``None``."""
    sli = slo.sli
    if not isinstance(sli, LatencySLI) or sli.histogram is not HistogramKind.CLASSIC:
        return None
    return ClassicLatency(sli).bucket_selector(with_le=False)


def bounds_probe(index: int, slo: SLO) -> Probe | None:
    """``count by (le) (<bucket selector>)`` for a classic latency SLI, else ``None``."""
    selector = bucket_selector(slo)
    return None if selector is None else Probe(ProbeKey(index, 0, Part.BOUNDS), count_by(selector, "le"))


@dataclass(frozen=True)
class SLOPlan:
    """One SLO's queries at one instant; ``error`` set when it cannot be measured at all."""

    index: int
    slo: SLO
    span: WindowSpan
    span_seconds: int
    tiers: tuple[BurnRateWindow, ...]
    events: EventQueries | None = None
    ratio: RatioQueries | None = None
    error: str | None = None

    @property
    def min_events(self) -> int | None:
        """The low-traffic guard, where the SLI counts events (as the burn-rate rules apply it)."""
        if self.events is None or not counts_events(self.events):
            return None
        return self.slo.alerting.min_events

    @property
    def alert_windows(self) -> tuple[int, ...]:
        """Distinct long and short windows of the tiers, shortest first."""
        return tuple(sorted({w for tier in self.tiers for w in (tier.long_window, tier.short_window)}))

    @property
    def windows(self) -> tuple[int, ...]:
        """Every window to query: the compliance window's elapsed part and the alert windows."""
        span = (self.span_seconds,) if self.span_seconds > 0 else ()
        return tuple(sorted({*span, *self.alert_windows}))

    def probes(self) -> list[Probe]:
        if self.error is not None:
            return []
        probes: list[Probe] = []
        for seconds in self.windows:
            window = Duration(seconds)
            if self.ratio is not None:
                probes.append(
                    Probe(ProbeKey(self.index, seconds, Part.RATIO), self.ratio.error_ratio(window))
                )
            elif self.events is not None:
                numerator = self.events.numerator(window)
                probes.append(Probe(ProbeKey(self.index, seconds, Part.NUMERATOR), numerator))
                probes.append(Probe(ProbeKey(self.index, seconds, Part.TOTAL), self.events.total(window)))
        return probes


def _le_for(slo: SLO, bounds: Mapping[str, tuple[str, ...]] | None) -> tuple[Matcher | None, str | None]:
    """The ``le`` matcher from the discovered bounds, or an error when the threshold is not a bound."""
    sli, selector = slo.sli, bucket_selector(slo)
    if selector is None or bounds is None or not isinstance(sli, LatencySLI):
        return None, None
    found = bounds.get(selector.render())
    if not found:
        return None, None  # no series at ``at``: match every spelling
    matcher = resolve_le(found, sli.threshold_ms)
    if matcher is None:
        listed = ", ".join(sorted((text for text in found if text != "+Inf"), key=float))
        return None, (
            f"latency threshold {sli.threshold_ms} ms is not a bucket bound of "
            f"{selector.metric} (bounds: {listed})"
        )
    return matcher, None


def plan_slo(
    index: int,
    slo: SLO,
    at: datetime,
    *,
    span_rule: SpanRule = default_span,
    bounds: Mapping[str, tuple[str, ...]] | None = None,
) -> SLOPlan:
    """Plan ``slo``'s probes at ``at``; ``bounds`` maps a bucket selector's text to its ``le`` texts."""
    span = span_rule(slo, at)
    span_seconds = max(0, math.floor(span.elapsed_seconds))
    plan = SLOPlan(index=index, slo=slo, span=span, span_seconds=span_seconds, tiers=slo.alert_tiers())
    le, error = _le_for(slo, bounds)
    if error is not None:
        return replace(plan, error=error)
    try:
        source = sli_source(slo, le=le)
    except UnsupportedSLIError as exc:
        return replace(plan, error=str(exc))
    if isinstance(source, RatioQueries):
        return replace(plan, ratio=source)
    return replace(plan, events=source)
