"""PromQL for the Istio SLIs: availability from ``istio_requests_total``, latency from the request-duration
histogram (classic buckets or native).

* Availability counts one ``reporter`` only (each request is reported by both sidecars). Bad events
  match ``bad_codes`` (default ``5..``) or a code marked ``bad`` in the spec's code policy; a code
  marked ``good`` never counts as bad and a code marked ``excluded`` (e.g. 503 during load shedding,
  if so decided) is in neither count.
* Classic latency: good = ``_bucket{le=<threshold>}``, total = ``_count``. The ``le`` label must match
  the real bucket bound text, which differs between exporters and Prometheus versions (``300`` vs
  ``300.0`` after Prometheus 3's normalisation, ``3.6e+06`` for large bounds). Give the exact text
  found in Prometheus (see :func:`resolve_le`) or leave it to a regex over every spelling.
* Native latency: ``histogram_fraction(0, threshold, sum(increase(...)))`` of ``histogram_count``.

Knows typed PromQL and the SLI model; nothing about windows tables or Prometheus I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from metrics_adapter.promql import (
    Duration,
    Expr,
    Matcher,
    NumberLiteral,
    Selector,
    eq,
    escape_regex,
    histogram_count,
    histogram_fraction,
    increase,
    literal_regex,
    mul,
    nre,
    or_,
    re,
    sub,
)

from ..spec.sli import AvailabilitySLI, CodePolicy, IstioTarget, LatencySLI
from .base import CountKind, EventQueries, difference, total_sum

__all__ = [
    "ISTIO_REQUESTS",
    "ClassicLatency",
    "IstioAvailability",
    "NativeLatency",
    "bucket_bound_spellings",
    "istio_matchers",
    "le_matcher",
    "resolve_le",
]

ISTIO_REQUESTS = "istio_requests_total"


def istio_matchers(target: IstioTarget) -> tuple[Matcher, ...]:
    """``reporter`` plus the destination workload (or service) and its namespace."""
    if target.workload is not None:
        where = (
            eq("destination_workload_namespace", target.namespace),
            eq("destination_workload", target.workload),
        )
    else:
        where = (
            eq("destination_service_namespace", target.namespace),
            eq("destination_service_name", str(target.service)),
        )
    return (eq("reporter", str(target.reporter)), *where)


def _codes(sli: AvailabilitySLI, *policies: CodePolicy) -> list[str]:
    return sorted(code for code, policy in sli.code_policy if policy in policies)


@dataclass(frozen=True)
class IstioAvailability(EventQueries):
    sli: AvailabilitySLI
    natural = CountKind.BAD

    def _bad_regex(self) -> str:
        extra = _codes(self.sli, CodePolicy.BAD)
        return "|".join([f"(?:{self.sli.bad_codes})", *extra]) if extra else self.sli.bad_codes

    def total_selector(self) -> Selector:
        excluded = _codes(self.sli, CodePolicy.EXCLUDED)
        extra = (nre("response_code", "|".join(excluded)),) if excluded else ()
        return Selector(ISTIO_REQUESTS, (*istio_matchers(self.sli.target), *extra))

    def bad_selector(self) -> Selector:
        spared = _codes(self.sli, CodePolicy.GOOD, CodePolicy.EXCLUDED)
        extra = (nre("response_code", "|".join(spared)),) if spared else ()
        matchers = (*istio_matchers(self.sli.target), re("response_code", self._bad_regex()), *extra)
        return Selector(ISTIO_REQUESTS, matchers)

    def good(self, window: Duration) -> Expr:
        base = self.total_selector()
        not_bad = Selector(ISTIO_REQUESTS, (*base.matchers, nre("response_code", self._bad_regex())))
        events: Expr = increase(not_bad, window)
        forgiven = _codes(self.sli, CodePolicy.GOOD)
        if forgiven:
            spared = Selector(ISTIO_REQUESTS, (*base.matchers, literal_regex("response_code", forgiven)))
            events = or_(events, increase(spared, window))
        return total_sum(events)

    def bad(self, window: Duration) -> Expr:
        return total_sum(increase(self.bad_selector(), window))

    def total(self, window: Duration) -> Expr:
        return total_sum(increase(self.total_selector(), window))

    def sources(self) -> tuple[Selector, ...]:
        return (self.total_selector(),)


def _go_float_text(value: Decimal) -> str:
    """Go's ``strconv.FormatFloat(v, 'g', -1, 64)`` (and Python's ``format(v, "g")`` for short values):
    exponent form when the decimal exponent is below -4 or at least 6 (``3.6e+06``, ``1e-05``)."""
    sign, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    point = len(digits) + exponent - 1
    if -4 <= point < 6:
        return format(value.normalize(), "f")
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{'+' if point >= 0 else '-'}{abs(point):02d}"


def bucket_bound_spellings(bound: Decimal) -> tuple[str, ...]:
    """Every text an exporter or Prometheus may give bound ``bound``: ``300``, ``300.0``, ``3.6e+06``."""
    plain = format(bound.normalize(), "f")
    spellings = [plain]
    if "." not in plain:
        spellings.append(plain + ".0")
    spellings.append(_go_float_text(bound))
    return tuple(dict.fromkeys(spellings))


def _as_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def resolve_le(values: Iterable[str], threshold: Decimal) -> Matcher | None:
    """The ``le`` matcher for ``threshold`` given the ``le`` texts found in Prometheus.

    ``le="<text>"`` when exactly one text equals the threshold numerically, a literal alternation when
    several do (data spanning a relabelling change), ``None`` when none does: the threshold is not a
    bucket bound and the SLI cannot be measured.
    """
    matching = sorted({text for text in values if _as_decimal(text) == threshold})
    if not matching:
        return None
    return eq("le", matching[0]) if len(matching) == 1 else literal_regex("le", matching)


def le_matcher(threshold: Decimal) -> Matcher:
    """``le=~"300|300\\.0"``: every spelling of ``threshold``, when the real text is unknown."""
    return re("le", "|".join(escape_regex(text) for text in bucket_bound_spellings(threshold)))


@dataclass(frozen=True)
class ClassicLatency(EventQueries):
    """Good = requests in the bucket ``le=<threshold>``; ``le``: the exact matcher (default: any spelling)."""

    sli: LatencySLI
    le: Matcher | None = None
    natural = CountKind.GOOD
    sparse: ClassVar[frozenset[CountKind]] = frozenset({CountKind.GOOD})

    def count_selector(self) -> Selector:
        return Selector(f"{self.sli.metric}_count", istio_matchers(self.sli.target))

    def bucket_selector(self, *, with_le: bool = True) -> Selector:
        le = (self.le or le_matcher(self.sli.threshold_ms),) if with_le else ()
        return Selector(f"{self.sli.metric}_bucket", (*istio_matchers(self.sli.target), *le))

    def good(self, window: Duration) -> Expr:
        return total_sum(increase(self.bucket_selector(), window))

    def bad(self, window: Duration) -> Expr:
        return difference(self.total(window), self.good(window))

    def total(self, window: Duration) -> Expr:
        return total_sum(increase(self.count_selector(), window))

    def sources(self) -> tuple[Selector, ...]:
        return (self.count_selector(),)


@dataclass(frozen=True)
class NativeLatency(EventQueries):
    sli: LatencySLI
    natural = CountKind.GOOD
    sparse: ClassVar[frozenset[CountKind]] = frozenset()

    def _selector(self) -> Selector:
        return Selector(self.sli.metric, istio_matchers(self.sli.target))

    def _histogram(self, window: Duration) -> Expr:
        return total_sum(increase(self._selector(), window))

    def _fast_fraction(self, window: Duration) -> Expr:
        return histogram_fraction(0, NumberLiteral(float(self.sli.threshold_ms)), self._histogram(window))

    def good(self, window: Duration) -> Expr:
        return mul(self._fast_fraction(window), self.total(window))

    def bad(self, window: Duration) -> Expr:
        return mul(sub(1, self._fast_fraction(window)), self.total(window))

    def total(self, window: Duration) -> Expr:
        return histogram_count(self._histogram(window))

    def sources(self) -> tuple[Selector, ...]:
        return (self._selector(),)
