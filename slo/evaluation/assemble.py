"""Turn one SLO's probe results into its status: counts per window, budget, burn rates, tiers, policy.

Counts per window come from the natural numerator and the total (samples summed per group; the
whole SLO sums every group). A missing numerator next to a present total means zero such events;
a missing total means no traffic (SLI ``None``, burn 0, nothing consumed). Rounding noise of
``increase`` is clamped so that ``0 <= good <= total``. NaN samples count as missing.

The *current* burn rate, used for the time to exhaustion, is the burn over the shortest long window
of the alert tiers (1 h with the Workbook table), or over the compliance window when the SLO has no
tiers. Timeslices budgeting counts slices (OpenSLO); everything else counts events.

Pure: no I/O, no clock. Knows the plan, budget and burn-rate maths.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from metrics_adapter.promql import Sample

from ..budget import ErrorBudget, EventCounts, budget_status, compute_error_budget, compute_timeslice_budget
from ..budget import time_to_exhaustion as exhaustion_seconds
from ..burn_rate import burn_rate
from ..sli.base import CountKind, EventQueries
from ..spec.model import Labels, Timeslices
from .model import Measurement, SLOStatus, TierStatus, WindowBurn
from .plan import Part, ProbeKey, SLOPlan

__all__ = ["assemble_status"]

Results = Mapping[ProbeKey, Sequence[Sample]]
GroupCounts = dict[Labels, EventCounts]
_TINY_FRACTION = 1e-12


def _sum_by_group(samples: Sequence[Sample], group_labels: tuple[str, ...]) -> dict[Labels, float]:
    sums: dict[Labels, float] = {}
    for sample in samples:
        if math.isnan(sample.value):
            continue
        key: Labels = tuple((name, sample.labels.get(name, "")) for name in group_labels)
        sums[key] = sums.get(key, 0.0) + sample.value
    return sums


def _window_counts(plan: SLOPlan, events: EventQueries, seconds: int, results: Results) -> GroupCounts:
    numerators = _sum_by_group(
        results.get(ProbeKey(plan.index, seconds, Part.NUMERATOR), ()), events.group_labels
    )
    totals = _sum_by_group(results.get(ProbeKey(plan.index, seconds, Part.TOTAL), ()), events.group_labels)
    counts: GroupCounts = {}
    for group, raw_total in totals.items():
        total = max(0.0, raw_total) if math.isfinite(raw_total) else 0.0
        part = min(max(0.0, numerators.get(group, 0.0)), total)
        counts[group] = (
            EventCounts(good=part, total=total)
            if events.natural is CountKind.GOOD
            else (EventCounts.from_bad(part, total))
        )
    return counts


def _overall(counts: GroupCounts) -> EventCounts | None:
    """The sum over groups; ``None`` when no group had a total sample (no data at all)."""
    if not counts:
        return None
    good = sum(item.good for item in counts.values())
    total = sum(item.total for item in counts.values())
    return EventCounts(good=min(good, total), total=total)


def _budget(plan: SLOPlan, measured: EventCounts | None) -> ErrorBudget:
    span, objective = plan.span, plan.slo.objective
    counts = measured if measured is not None else EventCounts(good=0, total=0)
    fraction = min(1.0, max(_TINY_FRACTION, span.elapsed_fraction))
    budgeting = plan.slo.budgeting
    if isinstance(budgeting, Timeslices):
        return compute_timeslice_budget(
            good_slices=round(counts.good),
            bad_slices=round(counts.bad),
            objective=objective,
            window_seconds=span.seconds,
            slice_seconds=min(budgeting.slice_seconds, span.seconds),
            elapsed_fraction=fraction,
        )
    return compute_error_budget(
        counts, objective=objective, window_seconds=span.seconds, elapsed_fraction=fraction
    )


def _ratio_budget(plan: SLOPlan, error_ratio: float | None) -> ErrorBudget:
    fraction = min(1.0, max(_TINY_FRACTION, plan.span.elapsed_fraction))
    burn = burn_rate(error_ratio, plan.slo.objective)
    return ErrorBudget(
        objective=plan.slo.objective,
        window_seconds=plan.span.seconds,
        elapsed_fraction=fraction,
        sli=None if error_ratio is None else 1 - error_ratio,
        burn_rate=burn,
        consumed=burn * fraction,
    )


def _measure(
    plan: SLOPlan,
    group: Labels,
    budget: ErrorBudget,
    burns: Mapping[int, WindowBurn],
    counts: EventCounts | None,
) -> Measurement:
    slo = plan.slo
    tiers = tuple(_tier_status(plan, tier_index, burns) for tier_index in range(len(plan.tiers)))
    if plan.tiers:
        current = burns[min(tier.long_window for tier in plan.tiers)].burn_rate
    else:
        current = budget.burn_rate
    return Measurement(
        group=group,
        good=None if counts is None else counts.good,
        total=None if counts is None else counts.total,
        budget=budget,
        current_burn_rate=current,
        burn_rates=tuple(burns[seconds] for seconds in plan.alert_windows),
        tiers=tiers,
        time_to_exhaustion=exhaustion_seconds(budget, burn_rate=current),
        status=budget_status(budget.consumed, slo.budget_policy),
    )


def _tier_status(plan: SLOPlan, index: int, burns: Mapping[int, WindowBurn]) -> TierStatus:
    tier = plan.tiers[index]
    long, short = burns[tier.long_window], burns[tier.short_window]
    factor = float(tier.factor)
    enough = plan.min_events is None or (long.events or 0) >= plan.min_events
    firing = long.burn_rate > factor and short.burn_rate > factor and enough
    return TierStatus(tier=tier, long=long, short=short, firing=firing)


def _burns(
    plan: SLOPlan, per_window: Mapping[int, GroupCounts], group: Labels | None
) -> dict[int, WindowBurn]:
    """Burn per alert window, for one group or (``group is None``) the whole SLO."""
    burns: dict[int, WindowBurn] = {}
    for seconds in plan.alert_windows:
        counts = _overall(per_window[seconds]) if group is None else per_window[seconds].get(group)
        ratio = None if counts is None else counts.error_ratio
        events_seen = None if counts is None else counts.total
        burns[seconds] = WindowBurn(seconds, ratio, burn_rate(ratio, plan.slo.objective), events_seen)
    return burns


def _events_status(plan: SLOPlan, events: EventQueries, results: Results) -> SLOStatus:
    per_window = {seconds: _window_counts(plan, events, seconds, results) for seconds in plan.windows}
    span_counts = per_window.get(plan.span_seconds, {}) if plan.span_seconds > 0 else {}
    whole = _overall(span_counts)
    overall = _measure(plan, (), _budget(plan, whole), _burns(plan, per_window, None), whole)
    groups = tuple(
        _measure(
            plan,
            group,
            _budget(plan, span_counts[group]),
            _burns(plan, per_window, group),
            span_counts[group],
        )
        for group in (sorted(span_counts) if events.group_labels else ())
    )
    return SLOStatus(slo=plan.slo, span=plan.span, unit=events.unit, overall=overall, groups=groups)


def _single_ratio(samples: Sequence[Sample]) -> float | None:
    values = [sample.value for sample in samples if not math.isnan(sample.value)]
    if len(values) > 1:
        raise ValueError(f"the error ratio query returned {len(values)} series; it must return one")
    return min(1.0, max(0.0, values[0])) if values else None


def _ratio_status(plan: SLOPlan, results: Results) -> SLOStatus:
    objective = plan.slo.objective
    ratios = {s: _single_ratio(results.get(ProbeKey(plan.index, s, Part.RATIO), ())) for s in plan.windows}
    span_ratio = ratios.get(plan.span_seconds) if plan.span_seconds > 0 else None
    burns = {s: WindowBurn(s, ratios[s], burn_rate(ratios[s], objective)) for s in plan.alert_windows}
    overall = _measure(plan, (), _ratio_budget(plan, span_ratio), burns, None)
    return SLOStatus(slo=plan.slo, span=plan.span, unit=None, overall=overall)


def assemble_status(plan: SLOPlan, results: Results, errors: Mapping[ProbeKey, str]) -> SLOStatus:
    """The SLO's status from its probe results; an SLO with a failed probe gets ``error`` instead."""
    failed = [errors[key] for key in sorted(errors) if key.slo == plan.index]
    unit = plan.events.unit if plan.events is not None else None
    if plan.error is not None or failed:
        return SLOStatus(slo=plan.slo, span=plan.span, unit=unit, overall=None, error=plan.error or failed[0])
    try:
        if plan.events is not None:
            return _events_status(plan, plan.events, results)
        return _ratio_status(plan, results)
    except ValueError as exc:
        return SLOStatus(slo=plan.slo, span=plan.span, unit=unit, overall=None, error=str(exc))
