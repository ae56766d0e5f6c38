"""Traffic phases for generated tests, and the counter values a phase of traffic writes.

A :class:`Phase` is some samples of traffic at a constant rate and error ratio (samples are one test
``interval`` apart: a minute, or less for second-scale alert windows). :func:`counter_values` turns
a sequence of phases into one counter's samples, growing by a per-sample share of each phase.

Knows promtool's series notation; nothing about SLIs or alert tiers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .model import SeriesValues

__all__ = ["Phase", "all_events", "bad_events", "counter_values", "good_events"]


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


def good_events(phase: Phase) -> Decimal:
    return phase.good


def bad_events(phase: Phase) -> Decimal:
    return phase.bad


def all_events(phase: Phase) -> Decimal:
    return phase.events_per_sample


def counter_values(
    phases: Sequence[Phase], per_sample: Callable[[Phase], Decimal], *, lazy: bool, gap: int
) -> SeriesValues | None:
    """A counter growing by ``per_sample(phase)`` each sample, then ``gap`` missing samples.

    ``lazy``: the series is absent until it first grows (as Envoy creates a ``response_code`` series
    with its first request); ``None`` when it never does.
    """
    values = SeriesValues()
    started = not lazy
    for phase in phases:
        step = per_sample(phase)
        if not started and step == 0:
            values.gap(phase.samples)
            continue
        started = True
        values.grow(step, phase.samples)
    return values.gap(gap) if started else None
