"""Synthetic input series at the recorded layer, for SLIs whose raw series cannot be synthesised.

User PromQL (OpenSLO ratio metrics, Sloth queries, ``ratio`` SLIs), gauge thresholds, timeslices and
native histograms read series we cannot generate faithfully, so their generated tests feed the
error-ratio records the alerts read instead: ``slo:sli_error:ratio_rate<w>{slo, service}`` for every
window, each the mean of the phases' error ratios over its last ``w`` (a window still filling up
averages what it has, as ``rate`` does on a young series). The SLI's own recording rules find no
raw series and record nothing, so the fed records stand. This proves the alerting layer (thresholds,
windows, ``for``, labels, routing) but not the SLI query; ``promtool check rules`` checks its syntax.

With a minimum-events guard, ``slo:sli_total:increase5m`` is fed too, high enough to pass it.

Knows record names and promtool's series notation; nothing about tiers or scenarios.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

from metrics_adapter.promql import Duration, MatchOp, Selector
from slo.record_names import BASE_WINDOW, TOTAL_INCREASE, error_ratio_record

from ..rules.model import LabelSet
from .model import InputSeries, format_number
from .traffic_phase import Phase

__all__ = ["compress", "gauge_series", "record_series", "window_means"]

_DIGITS = 20


def window_means(phases: Sequence[Phase], window: int) -> list[Fraction]:
    """Per sample, the mean error ratio over the last ``window`` samples (fewer at the start)."""
    ratios = [Fraction(phase.error_ratio) for phase in phases for _ in range(phase.samples)]
    means: list[Fraction] = []
    total = Fraction(0)
    for index, ratio in enumerate(ratios):
        total += ratio
        if index >= window:
            total -= ratios[index - window]
        means.append(total / min(index + 1, window))
    return means


def _decimal(value: Fraction) -> str:
    with localcontext() as context:
        context.prec = _DIGITS
        return format_number(Decimal(value.numerator) / Decimal(value.denominator))


def compress(values: Sequence[Fraction], gap: int = 0) -> str:
    """Expanding notation for ``values`` (runs with a constant step become ``a+bxn``), then ``gap``
    missing samples."""
    segments: list[str] = []
    index = 0
    while index < len(values):
        start = values[index]
        step = values[index + 1] - start if index + 1 < len(values) else Fraction(0)
        end = index + 1
        while end < len(values) and values[end] - values[end - 1] == step:
            end += 1
        if end - index == 1:
            step = Fraction(0)
        segments.append(f"{_decimal(start)}{'+' if step >= 0 else ''}{_decimal(step)}x{end - index - 1}")
        index = end
    if gap > 0:
        segments.append(f"_x{gap}")
    return " ".join(segments)


def record_series(
    phases: Sequence[Phase],
    *,
    windows: Iterable[Duration],
    sample_seconds: int,
    labels: LabelSet,
    with_total: bool = False,
    gap: int = 0,
) -> tuple[InputSeries, ...]:
    """The error-ratio record of every window; ``with_total``: also the 5-minute event count (each
    phase's events per sample times the samples in 5 minutes), which a minimum-events guard reads."""
    series: list[InputSeries] = []
    for window in sorted(set(windows)):
        samples = max(1, round(window.seconds / sample_seconds))
        values = compress(window_means(phases, samples), gap)
        series.append(InputSeries(error_ratio_record(window), labels, values))
    if with_total:
        per_base = Fraction(round(BASE_WINDOW.seconds), sample_seconds)
        totals = [
            Fraction(phase.events_per_sample) * per_base for phase in phases for _ in range(phase.samples)
        ]
        series.append(InputSeries(TOTAL_INCREASE, labels, compress(totals, gap)))
    return tuple(series)


def gauge_series(source: Selector, samples: int, gap: int) -> InputSeries | None:
    """A constant series matching ``source`` (for no-data tests), or ``None`` when a matcher is not
    an equality (no single series is sure to match a regex or a negation)."""
    labels: dict[str, str] = {}
    for matcher in source.matchers:
        if matcher.label == "__name__" or matcher.op is not MatchOp.EQ:
            return None
        if matcher.value:  # label="" selects series without the label
            labels[matcher.label] = matcher.value
    if source.metric is None:
        return None
    return InputSeries(source.metric, tuple(sorted(labels.items())), compress([Fraction(0)] * samples, gap))
