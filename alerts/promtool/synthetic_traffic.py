"""Synthetic input series for an SLI: traffic phases (:mod:`alerts.promtool.traffic_phase`) turned
into the raw series its queries read.

Supported SLIs: Istio availability (a good and a bad ``response_code`` series; the bad one only
appears with the first error, as Envoy does), Istio latency on classic buckets (``_count`` and the
threshold ``_bucket``, whose ``le`` can be written in the Prometheus 3 spelling ``1000.0`` to prove
both spellings are matched), and user PromQL simple enough to feed its own counters
(:mod:`alerts.promtool.user_traffic`). Other SLIs return ``None``: gauges, timeslices, user queries of other
shapes, and native histograms, which promtool cannot load.

Knows the :mod:`slo.sli` query classes and promtool's series notation; nothing about alert tiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from metrics_adapter.promql import MatchOp, Selector
from slo.sli import ClassicLatency, IstioAvailability, SLISource, UserEvents, istio_matchers
from slo.spec import CodePolicy

from .model import InputSeries, SeriesValues
from .traffic_phase import Phase, all_events, bad_events, counter_values, good_events
from .user_traffic import user_series

__all__ = ["Phase", "absent_labels", "can_synthesise", "synthetic_series"]


def can_synthesise(queries: SLISource) -> bool:
    """Whether :func:`synthetic_series` feeds this SLI's raw series (the check uses one sample)."""
    return synthetic_series(queries, [Phase(1, Decimal(1), Decimal("0.5"))]) is not None


def absent_labels(selector: Selector) -> dict[str, str]:
    """The labels ``absent_over_time(selector[w])`` returns: equality matchers, each name used once."""
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for matcher in selector.matchers:
        if matcher.label == "__name__":
            continue
        if matcher.op is MatchOp.EQ and matcher.label not in seen:
            labels[matcher.label] = matcher.value
            seen.add(matcher.label)
        else:
            labels.pop(matcher.label, None)
    return {name: value for name, value in labels.items() if value}


def _code(is_wanted: Callable[[str], bool], preferred: str) -> str:
    for code in [preferred, *(str(number) for number in range(100, 600))]:
        if is_wanted(code):
            return code
    raise ValueError("no HTTP status code fits the SLI's code policy")


def _availability(queries: IstioAvailability, phases: Sequence[Phase], gap: int) -> list[InputSeries | None]:
    sli = queries.sli
    labels = {m.label: m.value for m in istio_matchers(sli.target)}
    overrides = {code: policy for code, policy in sli.code_policy}

    def counts_as(code: str, policy: CodePolicy) -> bool:
        if code in overrides:
            return overrides[code] is policy
        return (re.fullmatch(sli.bad_codes, code) is not None) == (policy is CodePolicy.BAD)

    good = _code(lambda code: counts_as(code, CodePolicy.GOOD), "200")
    bad = _code(lambda code: counts_as(code, CodePolicy.BAD), "500")
    return [
        _series(
            "istio_requests_total",
            {**labels, "response_code": good},
            counter_values(phases, good_events, lazy=False, gap=gap),
        ),
        _series(
            "istio_requests_total",
            {**labels, "response_code": bad},
            counter_values(phases, bad_events, lazy=True, gap=gap),
        ),
    ]


def _series(metric: str, labels: dict[str, str], values: SeriesValues | None) -> InputSeries | None:
    return None if values is None else InputSeries.of(metric, labels, values)


def _latency(
    queries: ClassicLatency, phases: Sequence[Phase], gap: int, *, normalised_le: bool
) -> list[InputSeries | None]:
    sli = queries.sli
    labels = {m.label: m.value for m in istio_matchers(sli.target)}
    le = format(sli.threshold_ms.normalize(), "f")
    if normalised_le and "." not in le:
        le += ".0"
    return [
        _series(f"{sli.metric}_count", labels, counter_values(phases, all_events, lazy=False, gap=gap)),
        _series(
            f"{sli.metric}_bucket",
            {**labels, "le": le},
            counter_values(phases, good_events, lazy=False, gap=gap),
        ),
        _series(
            f"{sli.metric}_bucket",
            {**labels, "le": "+Inf"},
            counter_values(phases, all_events, lazy=False, gap=gap),
        ),
    ]


def synthetic_series(
    queries: SLISource,
    phases: Sequence[Phase],
    *,
    gap: int = 0,
    normalised_le: bool = False,
) -> tuple[InputSeries, ...] | None:
    """Raw series producing ``phases`` (then ``gap`` samples missing); ``None`` if unsupported."""
    if isinstance(queries, IstioAvailability):
        series = _availability(queries, phases, gap)
    elif isinstance(queries, ClassicLatency):
        series = _latency(queries, phases, gap, normalised_le=normalised_le)
    elif isinstance(queries, UserEvents):
        return user_series(queries, phases, gap=gap)
    else:
        return None
    return tuple(item for item in series if item is not None)
