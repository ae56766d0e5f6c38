"""The SLI kinds of the internal SLO model, as plain data (the PromQL is built elsewhere).

- :class:`AvailabilitySLI`: Istio requests to a workload or service; bad = ``response_code`` matching
  ``bad_codes`` (default ``5..``), with per-code overrides (e.g. 429 bad, 503 excluded).
- :class:`LatencySLI`: Istio requests faster than ``threshold_ms`` on a classic or native histogram.
- :class:`ThresholdSLI`: a gauge compared with a threshold (good when ``value <op> threshold``),
  given as a metric with equality matchers or as a PromQL query.
- :class:`RatioSLI`: user PromQL for good or bad events and for total events; queries may contain
  :data:`WINDOW_PLACEHOLDER` where the range goes. ``per_label`` makes one SLO per label value.
- :class:`RawRatioSLI`: a precomputed success or failure ratio (Sloth ``raw``, OpenSLO ``rawType``).

Knows nothing about windows, budgets or file formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "DEFAULT_LATENCY_METRIC",
    "ISTIO_DEFAULT_BUCKETS_MS",
    "SLI",
    "WINDOW_PLACEHOLDER",
    "AvailabilitySLI",
    "CodePolicy",
    "Comparison",
    "HistogramKind",
    "IstioTarget",
    "LatencySLI",
    "Matchers",
    "RatioSLI",
    "RawRatioSLI",
    "RawRatioType",
    "Reporter",
    "ThresholdSLI",
]

WINDOW_PLACEHOLDER = "{{.window}}"
DEFAULT_LATENCY_METRIC = "istio_request_duration_milliseconds"
# Istio's default request-duration buckets, in milliseconds.
_ISTIO_BUCKETS_TEXT = (
    "0.5 1 5 10 25 50 100 250 500 1000 2500 5000 10000 30000 60000 300000 600000 1800000 3600000"
)
ISTIO_DEFAULT_BUCKETS_MS: tuple[Decimal, ...] = tuple(
    Decimal(text) for text in _ISTIO_BUCKETS_TEXT.split(" ")
)
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")

Matchers = tuple[tuple[str, str], ...]


class Reporter(StrEnum):
    SOURCE = "source"
    DESTINATION = "destination"


class CodePolicy(StrEnum):
    """How one response code counts, overriding ``bad_codes``: bad, good, or left out of the total."""

    BAD = "bad"
    GOOD = "good"
    EXCLUDED = "excluded"


class HistogramKind(StrEnum):
    CLASSIC = "classic"
    NATIVE = "native"


class Comparison(StrEnum):
    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"


class RawRatioType(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class IstioTarget:
    """Which Istio traffic an SLI measures: exactly one of ``workload`` or ``service`` in ``namespace``."""

    namespace: str
    workload: str | None = None
    service: str | None = None
    reporter: Reporter = Reporter.DESTINATION

    def __post_init__(self) -> None:
        _require(bool(self.namespace), "namespace must not be empty")
        _require(
            (self.workload is None) != (self.service is None),
            "give exactly one of workload or service",
        )
        _require(self.workload != "" and self.service != "", "workload/service must not be empty")


@dataclass(frozen=True)
class AvailabilitySLI:
    target: IstioTarget
    bad_codes: str = "5.."
    code_policy: tuple[tuple[str, CodePolicy], ...] = ()

    def __post_init__(self) -> None:
        try:
            re.compile(self.bad_codes)
        except re.error as exc:
            raise ValueError(f"bad codes {self.bad_codes!r} is not a regular expression: {exc}") from exc
        for code, _ in self.code_policy:
            _require(
                re.fullmatch(r"[1-5][0-9][0-9]", code) is not None, f"{code!r} is not an HTTP status code"
            )


@dataclass(frozen=True)
class LatencySLI:
    """Good = requests answered within ``threshold_ms`` (a bucket boundary for classic histograms)."""

    target: IstioTarget
    threshold_ms: Decimal
    histogram: HistogramKind = HistogramKind.CLASSIC
    metric: str = DEFAULT_LATENCY_METRIC

    def __post_init__(self) -> None:
        _require(self.threshold_ms > 0, "latency threshold must be > 0 ms")
        _require(_METRIC_NAME.fullmatch(self.metric) is not None, f"{self.metric!r} is not a metric name")


@dataclass(frozen=True)
class ThresholdSLI:
    """Good = gauge ``<comparison> threshold``; the gauge is ``metric{matchers}`` or a ``query``."""

    comparison: Comparison
    threshold: Decimal
    metric: str | None = None
    matchers: Matchers = ()
    query: str | None = None

    def __post_init__(self) -> None:
        _require((self.metric is None) != (self.query is None), "give exactly one of metric or query")
        if self.metric is not None:
            _require(_METRIC_NAME.fullmatch(self.metric) is not None, f"{self.metric!r} is not a metric name")
        _require(not (self.query is not None and self.matchers), "matchers only apply to metric")
        for name, _ in self.matchers:
            _require(_LABEL_NAME.fullmatch(name) is not None, f"{name!r} is not a label name")


@dataclass(frozen=True)
class RatioSLI:
    """``good / total`` or ``1 - bad / total`` from user PromQL (exactly one of good or bad).

    ``counter`` is OpenSLO's flag: True when the queries return monotonically increasing counters,
    False for gauges, ``None`` when the source did not say (queries then use the window placeholder).
    """

    total: str
    good: str | None = None
    bad: str | None = None
    per_label: tuple[str, ...] = ()
    counter: bool | None = None

    def __post_init__(self) -> None:
        _require((self.good is None) != (self.bad is None), "give exactly one of good or bad")
        numerator = self.good if self.good is not None else self.bad
        _require(bool(self.total.strip()) and bool((numerator or "").strip()), "queries must not be empty")
        _require(
            (WINDOW_PLACEHOLDER in self.total) == (WINDOW_PLACEHOLDER in (numerator or "")),
            f"use {WINDOW_PLACEHOLDER} in both queries or in neither",
        )
        for name in self.per_label:
            _require(_LABEL_NAME.fullmatch(name) is not None, f"{name!r} is not a label name")


@dataclass(frozen=True)
class RawRatioSLI:
    """A query returning a ratio of successes or of failures directly."""

    query: str
    ratio_type: RawRatioType

    def __post_init__(self) -> None:
        _require(bool(self.query.strip()), "query must not be empty")


SLI = AvailabilitySLI | LatencySLI | ThresholdSLI | RatioSLI | RawRatioSLI
