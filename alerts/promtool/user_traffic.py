"""Raw input series for SLIs written as user PromQL (OpenSLO ratio metrics, Sloth events, ``ratio`` SLIs).

When the numerator (good or bad) and the total query each read one counter through a synthesisable
shape (:func:`slo.sli.query_shape.event_selectors`: a selector, ``rate``/``increase`` over it,
``sum``), the generated tests feed that counter itself, spread the way a real service spreads it:

* **several label sets per side**: values are found for every label the matchers name, so that some
  series match the numerator selector and some only the total (e.g. ``response_code`` 200 and 201
  against 500 and 503 for ``!~"5.."``); equality matchers of the total fix their labels;
* **several pods**: each label set is split over two ``pod`` values, when no matcher names ``pod``;
* **uneven traffic**: the series of a side carry different shares (70/30, 50/30/20, 40/30/20/10 %).

A bad-side series appears with its first error, as Envoy and most exporters create it. The error
ratio of the whole stays exactly the phase's, so the scenarios' timing maths hold; any rule that
takes a ratio per series instead of between sums sees ratios of 0 and 1 and fails them.

When numerator and total read different metrics, each side's series are spread the same way over
label sets matching its own selector. Gauge queries (``counter: false``), grouped SLOs and other
shapes return ``None``: the caller feeds the error-ratio records instead and says so.

Knows the user-ratio SLI, promql-parser's view of a query and promtool's series notation.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from slo.sli import CountKind, UserEvents
from slo.sli.query_shape import EventSelector, event_selectors

from .model import InputSeries
from .traffic_phase import Phase, all_events, bad_events, counter_values, good_events

__all__ = ["user_series"]

_CANDIDATES = ("200", "201", "404", "429", "500", "503", "ok", "error", "true", "false", "0", "1", "")
"""Values tried for a label a matcher constrains without fixing it (status codes first)."""
_PODS = ("model-0", "model-1")
_POD_SHARES = (Decimal("0.75"), Decimal("0.25"))
_SHARES = {
    1: (Decimal(1),),
    2: (Decimal("0.7"), Decimal("0.3")),
    3: (Decimal("0.5"), Decimal("0.3"), Decimal("0.2")),
    4: (Decimal("0.4"), Decimal("0.3"), Decimal("0.2"), Decimal("0.1")),
}
_MAX_SETS_PER_SIDE = 2
_MAX_FREE_LABELS = 4

Labels = dict[str, str]


def _matches(selector: EventSelector, labels: Labels) -> bool:
    for name, op, value in selector.matchers:
        actual = labels.get(name, "")
        hit = actual == value if op in ("=", "!=") else re.fullmatch(value, actual) is not None
        if hit != (op in ("=", "=~")):
            return False
    return True


def _label_sets(selectors: Sequence[EventSelector], fixed_by: EventSelector) -> list[Labels]:
    """Every assignment of candidate values to the labels the selectors name, fixed where
    ``fixed_by`` has an equality matcher; in a stable order (matcher values, then candidates)."""
    fixed = {name: value for name, op, value in fixed_by.matchers if op == "="}
    names = sorted({name for selector in selectors for name, _, _ in selector.matchers} - set(fixed))
    if len(names) > _MAX_FREE_LABELS:
        return []
    options: list[list[str]] = []
    for name in names:
        mentioned = [value for s in selectors for n, op, value in s.matchers if n == name and op == "="]
        options.append(list(dict.fromkeys([*mentioned, *_CANDIDATES])))
    sets = []
    for values in itertools.product(*options):
        labels = {**fixed, **dict(zip(names, values, strict=True))}
        sets.append({name: value for name, value in labels.items() if value})
    return sets


def _spread(
    metric: str,
    label_sets: Sequence[Labels],
    phases: Sequence[Phase],
    per_sample: Callable[[Phase], Decimal],
    *,
    lazy: bool,
    gap: int,
) -> list[InputSeries]:
    """The series of one side: ``per_sample`` split unevenly over the label sets and two pods."""
    with_pods = all("pod" not in labels for labels in label_sets)
    out: list[InputSeries] = []
    for labels, share in zip(label_sets, _SHARES[len(label_sets)], strict=True):
        splits = (
            [
                ({**labels, "pod": pod}, share * pod_share)
                for pod, pod_share in zip(_PODS, _POD_SHARES, strict=True)
            ]
            if with_pods
            else [(labels, share)]
        )
        for series_labels, weight in splits:

            def part(phase: Phase, weight: Decimal = weight) -> Decimal:
                return per_sample(phase) * weight

            values = counter_values(phases, part, lazy=lazy, gap=gap)
            if values is not None:
                out.append(InputSeries.of(metric, series_labels, values))
    return out


def _one_selector(query: str) -> EventSelector | None:
    found = event_selectors(query)
    return found[0] if found is not None and len(found) == 1 else None


def user_series(
    queries: UserEvents, phases: Sequence[Phase], *, gap: int = 0
) -> tuple[InputSeries, ...] | None:
    """Raw series producing ``phases`` through the SLI's own queries, or ``None`` (module docstring)."""
    sli = queries.sli
    if sli.counter is False or queries.group_labels:
        return None
    natural = queries.natural
    numerator = _one_selector(str(sli.good if natural is CountKind.GOOD else sli.bad))
    total = _one_selector(sli.total)
    if numerator is None or total is None:
        return None
    side = good_events if natural is CountKind.GOOD else bad_events
    try:
        return _series(numerator, total, natural, side, phases, gap)
    except re.error:  # a regex Python cannot read: leave it to the records
        return None


def _series(
    numerator: EventSelector,
    total: EventSelector,
    natural: CountKind,
    side: Callable[[Phase], Decimal],
    phases: Sequence[Phase],
    gap: int,
) -> tuple[InputSeries, ...] | None:
    if numerator.metric != total.metric:
        inside = [labels for labels in _label_sets([numerator], numerator) if _matches(numerator, labels)]
        everything = [labels for labels in _label_sets([total], total) if _matches(total, labels)]
        if not inside or not everything:
            return None
        return (
            *_spread(
                numerator.metric,
                inside[:_MAX_SETS_PER_SIDE],
                phases,
                side,
                lazy=natural is CountKind.BAD,
                gap=gap,
            ),
            *_spread(total.metric, everything[:_MAX_SETS_PER_SIDE], phases, all_events, lazy=False, gap=gap),
        )
    candidates = [labels for labels in _label_sets([numerator, total], total) if _matches(total, labels)]
    inside = [labels for labels in candidates if _matches(numerator, labels)]
    outside = [labels for labels in candidates if not _matches(numerator, labels)]
    if not inside or not outside:
        return None
    good_sets, bad_sets = (inside, outside) if natural is CountKind.GOOD else (outside, inside)
    return (
        *_spread(total.metric, good_sets[:_MAX_SETS_PER_SIDE], phases, good_events, lazy=False, gap=gap),
        *_spread(total.metric, bad_sets[:_MAX_SETS_PER_SIDE], phases, bad_events, lazy=True, gap=gap),
    )
