"""Synthetic input series for an SLI: traffic phases turned into the raw series its queries read.

A :class:`Phase` is some samples of traffic at a constant rate and error ratio (samples are one test
``interval`` apart: a minute, or less for second-scale alert windows).
Supported SLIs are the ones whose source series we know: Istio availability (a good and a bad
``response_code`` series; the bad one only appears with the first error, as Envoy does) and Istio
latency on classic buckets (``_count`` and the threshold ``_bucket``, whose ``le`` can be written in
the Prometheus 3 spelling ``1000.0`` to prove both spellings are matched). Other SLIs return
``None``: their queries are user PromQL or need native histograms, which promtool cannot load.

Knows the :mod:`slo.sli` query classes and promtool's series notation; nothing about alert tiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from metrics_adapter.promql import MatchOp, Selector
from slo.sli import ClassicLatency, IstioAvailability, istio_matchers
from slo.spec import CodePolicy

from .promtool_model import InputSeries, SeriesValues
from .sli_source import SLISource

__all__ = ["Phase", "absent_labels", "can_synthesise", "synthetic_series"]


@dataclass(frozen=True)
class Phase:
    samples: int
    events_per_sample: Decimal
    error_ratio: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.samples < 0 or self.events_per_sample < 0 or not 0 <= self.error_ratio <= 1:
            raise ValueError(f"invalid traffic phase {self}")

    @property
    def bad(self) -> Decimal:
        return self.events_per_sample * self.error_ratio

    @property
    def good(self) -> Decimal:
        return self.events_per_sample - self.bad


def can_synthesise(queries: SLISource) -> bool:
    return isinstance(queries, IstioAvailability | ClassicLatency)


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


def _counter(phases: Sequence[Phase], per_sample: str, *, lazy: bool, gap: int) -> SeriesValues | None:
    """A counter growing by ``phase.<per_sample>`` each sample; ``lazy``: absent until it first grows."""
    values = SeriesValues()
    started = not lazy
    for phase in phases:
        step: Decimal = getattr(phase, per_sample)
        if not started and step == 0:
            values.gap(phase.samples)
            continue
        started = True
        values.grow(step, phase.samples)
    return values.gap(gap) if started else None


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
            _counter(phases, "good", lazy=False, gap=gap),
        ),
        _series(
            "istio_requests_total",
            {**labels, "response_code": bad},
            _counter(phases, "bad", lazy=True, gap=gap),
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
        _series(f"{sli.metric}_count", labels, _counter(phases, "events_per_sample", lazy=False, gap=gap)),
        _series(f"{sli.metric}_bucket", {**labels, "le": le}, _counter(phases, "good", lazy=False, gap=gap)),
        _series(
            f"{sli.metric}_bucket",
            {**labels, "le": "+Inf"},
            _counter(phases, "events_per_sample", lazy=False, gap=gap),
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
    else:
        return None
    return tuple(item for item in series if item is not None)
