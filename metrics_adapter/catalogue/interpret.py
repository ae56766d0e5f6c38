"""Reading a query result back into per-object values, with the missing-data policy applied.

Statuses say why an object has no usable value: ``nan`` (the query gave NaN or ±Inf, e.g. a
latency quantile with no traffic, or 0/0), ``stale`` (the newest raw gauge sample is older than
``max_staleness_seconds``), ``future`` (the sample is stamped more than
``FUTURE_TOLERANCE_SECONDS`` after ``now``: clock skew or a backend that lies; serving it would
claim a measurement not yet made), ``absent`` (the caller expected the object but the result lacks it).
NaN and ±Inf never become numbers. Policy (``AbsentPolicy``):

* default: such objects keep ``value=None``, and the provider returns no item for them (the HPA
  then holds its scale-down instead of acting on an invented 0);
* ``zero_when_absent``: ``absent`` objects get 0; ``nan`` and ``stale`` stay without value;
* ``fallback_value``: every object without a usable value gets the fallback.

``policy`` on an ``ObjectValue`` records a substitution. Knows definitions, the sample-time
marker of ``query.py`` and result vectors; does no I/O and never reads the clock (``now`` is
passed, in Unix seconds).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from metrics_adapter.promql import InstantVector, Labels, Sample

from .definition import PART_LABEL, MetricDefinition
from .query import SAMPLE_TIME_PART

__all__ = [
    "FUTURE_TOLERANCE_SECONDS",
    "AppliedPolicy",
    "ExternalValue",
    "ObjectValue",
    "ValueStatus",
    "interpret",
    "interpret_external",
    "to_decimal",
]


# Clock skew tolerated between Prometheus and the adapter before a sample counts as from the future.
FUTURE_TOLERANCE_SECONDS = 30.0


class ValueStatus(StrEnum):
    OK = "ok"
    NAN = "nan"  # NaN or ±Inf
    STALE = "stale"
    FUTURE = "future"
    ABSENT = "absent"


class AppliedPolicy(StrEnum):
    ZERO_WHEN_ABSENT = "zeroWhenAbsent"
    FALLBACK = "fallbackValue"


class ObjectValue(NamedTuple):
    """The value of one object. ``value`` is None when there is nothing to report.

    ``timestamp`` (Unix seconds) is the newest raw sample time when the query tracks it, else
    the evaluation time of the query; None for objects missing from the result. A named tuple,
    not a dataclass: one is built per object per request, and this is the cheapest immutable value.
    """

    name: str
    value: Decimal | None
    timestamp: float | None
    status: ValueStatus
    policy: AppliedPolicy | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class ExternalValue:
    """One item of an external metric: the identifying labels and the value (None: report nothing)."""

    labels: Labels
    value: Decimal | None
    timestamp: float | None
    status: ValueStatus
    policy: AppliedPolicy | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not None


class _Reading(NamedTuple):
    value: Decimal | None
    timestamp: float | None
    status: ValueStatus
    policy: AppliedPolicy | None = None


_ABSENT = _Reading(None, None, ValueStatus.ABSENT)


def to_decimal(value: float) -> Decimal | None:
    """The float as a Decimal (shortest round-trip form); None for NaN and ±Inf."""
    return Decimal(repr(value)) if math.isfinite(value) else None


def _split(vector: InstantVector) -> tuple[list[Sample], dict[Labels, float]]:
    """Value samples, and sample times keyed by their labels without the marker."""
    values: list[Sample] = []
    sample_times: dict[Labels, float] = {}
    for sample in vector.samples:
        labels = sample.labels.without("__name__")
        part = labels.get(PART_LABEL)
        if part is None:
            same = labels is sample.labels
            values.append(sample if same else Sample(labels, sample.timestamp, sample.value))
        elif part == SAMPLE_TIME_PART:
            sample_times[labels.without(PART_LABEL)] = sample.value
    return values, sample_times


def _reader(definition: MetricDefinition, now: float) -> Callable[[Sample, float | None], _Reading]:
    """Reads one sample of ``definition`` at ``now``; the staleness limit is looked up once per
    answer, not once per object."""
    limit = definition.policy.max_staleness_seconds if definition.checks_staleness else None

    def read(sample: Sample, newest: float | None) -> _Reading:
        when = newest if newest is not None and math.isfinite(newest) else sample.timestamp
        value = to_decimal(sample.value)
        if value is None:
            return _Reading(None, when, ValueStatus.NAN)
        if when - now > FUTURE_TOLERANCE_SECONDS:
            return _Reading(None, when, ValueStatus.FUTURE)
        if limit is not None and now - when > limit:
            return _Reading(None, when, ValueStatus.STALE)
        return _Reading(value, when, ValueStatus.OK)

    return read


def _apply_policy(reading: _Reading, definition: MetricDefinition) -> _Reading:
    if reading.status is ValueStatus.OK:
        return reading
    policy = definition.policy
    if policy.fallback_value is not None:
        return _Reading(policy.fallback_value, reading.timestamp, reading.status, AppliedPolicy.FALLBACK)
    if policy.zero_when_absent and reading.status is ValueStatus.ABSENT:
        return _Reading(Decimal(0), reading.timestamp, reading.status, AppliedPolicy.ZERO_WHEN_ABSENT)
    return reading


def interpret(
    definition: MetricDefinition,
    vector: InstantVector,
    *,
    group_label: str,
    now: float,
    expected: Iterable[str] = (),
) -> list[ObjectValue]:
    """Per-object values of a custom metric query, sorted by object name.

    ``group_label`` is the plan's object label (``QueryPlan.group_labels[0]``); samples without it
    are ignored. ``expected``: the object names the caller asks about (e.g. the pods matching the
    HPA's selector); those missing from the result are returned as ``absent``. Objects in the
    result but not expected are returned too; the caller decides whether to keep them.

    Raises ``ValueError`` if two value samples name the same object (the query must group by it).
    """
    values, sample_times = _split(vector)
    read = _reader(definition, now)
    readings: dict[str, _Reading] = {}
    for sample in values:
        name = sample.labels.get(group_label)
        if name is None:
            continue
        if name in readings:
            raise ValueError(f"{definition.name}: several values for {group_label}={name!r}")
        readings[name] = read(sample, sample_times.get(sample.labels) if sample_times else None)
    for name in expected:
        if name not in readings:
            readings[name] = _ABSENT
    result = []
    for name in sorted(readings):
        reading = _apply_policy(readings[name], definition)
        result.append(ObjectValue(name, reading.value, reading.timestamp, reading.status, reading.policy))
    return result


def interpret_external(
    definition: MetricDefinition, vector: InstantVector, *, now: float
) -> list[ExternalValue]:
    """Items of an external metric query: one per value sample, sorted by labels.

    An empty result gives one ``absent`` item with no labels, so that ``zero_when_absent`` or a
    fallback can answer; without a policy its value is None (report nothing).
    """
    values, sample_times = _split(vector)
    read = _reader(definition, now)
    items = [
        (
            sample.labels,
            _apply_policy(read(sample, sample_times.get(sample.labels)), definition),
        )
        for sample in sorted(values, key=lambda s: tuple(s.labels.items()))
    ]
    if not items:
        items = [(Labels(), _apply_policy(_ABSENT, definition))]
    return [ExternalValue(labels, r.value, r.timestamp, r.status, r.policy) for labels, r in items]
