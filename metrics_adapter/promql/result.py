"""Query results: instant vectors, scalars and matrices, with their sample timestamps.

Values keep Prometheus's meaning: ``NaN`` and ``±Inf`` stay floats (never 0), an empty result is
an empty vector (not an error), and native-histogram samples are kept apart from float samples so
code reading ``samples`` never sees them. Timestamps are Unix seconds as floats. Knows nothing about
HTTP or JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .labels import Labels

__all__ = [
    "HistogramBucket",
    "HistogramSample",
    "InstantVector",
    "Matrix",
    "RangeSeries",
    "Sample",
    "Scalar",
]


class Sample(NamedTuple):
    """One float sample of one series at one instant (a named tuple: one per series per answer)."""

    labels: Labels
    timestamp: float
    value: float

    @property
    def is_nan(self) -> bool:
        return math.isnan(self.value)

    @property
    def is_finite(self) -> bool:
        return math.isfinite(self.value)


@dataclass(frozen=True)
class HistogramBucket:
    """One native-histogram bucket. ``boundary_rule``: 0 open left, 1 open right, 2 open both, 3 closed."""

    boundary_rule: int
    lower: float
    upper: float
    count: float


@dataclass(frozen=True)
class HistogramSample:
    """One native-histogram sample: observation count and sum, and its populated buckets."""

    labels: Labels
    timestamp: float
    count: float
    sum: float
    buckets: tuple[HistogramBucket, ...] = ()


@dataclass(frozen=True)
class InstantVector:
    """The result of an instant query that returned a vector; possibly empty."""

    samples: tuple[Sample, ...] = ()
    histograms: tuple[HistogramSample, ...] = ()
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.samples)

    def __iter__(self) -> Iterator[Sample]:
        return iter(self.samples)

    @property
    def is_empty(self) -> bool:
        """True if there are neither float nor histogram samples."""
        return not self.samples and not self.histograms

    @property
    def nan_count(self) -> int:
        return sum(1 for sample in self.samples if sample.is_nan)

    def finite(self) -> InstantVector:
        """The same vector restricted to finite float samples (drops NaN and ±Inf)."""
        return InstantVector(
            tuple(sample for sample in self.samples if sample.is_finite), self.histograms, self.warnings
        )

    def by_label(self, name: str) -> dict[str, Sample]:
        """Float samples keyed by the value of label ``name``.

        Samples without that label are left out. Raises ``ValueError`` if two samples share a value:
        the query should aggregate ``by (name)`` first.
        """
        keyed: dict[str, Sample] = {}
        for sample in self.samples:
            key = sample.labels.get(name)
            if key is None:
                continue
            if key in keyed:
                raise ValueError(f"several samples have {name}={key!r}; aggregate by {name} first")
            keyed[key] = sample
        return keyed


@dataclass(frozen=True)
class Scalar:
    """The result of an instant query that returned a scalar."""

    timestamp: float
    value: float
    warnings: tuple[str, ...] = ()

    @property
    def is_nan(self) -> bool:
        return math.isnan(self.value)

    @property
    def is_finite(self) -> bool:
        return math.isfinite(self.value)


@dataclass(frozen=True)
class RangeSeries:
    """One series of a range query: parallel tuples of timestamps and float values."""

    labels: Labels
    timestamps: tuple[float, ...]
    values: tuple[float, ...]
    histograms: tuple[HistogramSample, ...] = ()

    def __post_init__(self) -> None:
        if len(self.timestamps) != len(self.values):
            raise ValueError(f"{len(self.timestamps)} timestamps but {len(self.values)} values")

    def __len__(self) -> int:
        return len(self.values)

    def samples(self) -> tuple[Sample, ...]:
        return tuple(
            Sample(self.labels, ts, value) for ts, value in zip(self.timestamps, self.values, strict=True)
        )


@dataclass(frozen=True)
class Matrix:
    """The result of a range query (or an instant query of a range vector); possibly empty."""

    series: tuple[RangeSeries, ...] = ()
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.series)

    def __iter__(self) -> Iterator[RangeSeries]:
        return iter(self.series)

    def by_label(self, name: str) -> dict[str, RangeSeries]:
        """Series keyed by the value of label ``name``; same rules as :meth:`InstantVector.by_label`."""
        keyed: dict[str, RangeSeries] = {}
        for series in self.series:
            key = series.labels.get(name)
            if key is None:
                continue
            if key in keyed:
                raise ValueError(f"several series have {name}={key!r}; aggregate by {name} first")
            keyed[key] = series
        return keyed
