"""Generated ``promtool test rules`` files proving an SLO's rules behave as the burn-rate table says.

Scenarios per SLO (synthetic series from :mod:`alerts.promtool.synthetic_traffic`). Samples and
evaluations are one minute apart, or closer when a tier's short window is under four minutes (a
quarter of the shortest short window, so every window holds at least four samples); durations below
count samples.

* **timing, per tier**: a clean long window, then a burn 10 % above the tier's factor. The workbook's
  detection time is ``budget_consumed * period / burn`` (= ``factor * long_window / burn``); the
  tier must be silent a margin before it and firing a margin after it, both shifted by the tier's
  ``for`` (the alert fires that long after its condition holds).
  Margins: the larger of 2 evaluation steps and 2 % of the detection time, covering the burn's
  onset, rule chaining and the 5-minute steps of the summed long windows (a threshold 5 % off in
  either direction fails the test). With second-scale windows the two steps weigh more: a threshold
  is caught when it is off by more than about ``2 * step / long_window`` (7 % for a 30 s window).
  Tiers with long windows of a day or more go to a second file evaluated every 5 minutes, which
  keeps promtool's runtime to seconds for a 3-day window.
* **quiet**: a steady burn of exactly 1 leaves every tier whose factor is at least 1.05 silent, and a
  burn of 0.9 x the smallest factor (at most 0.9) leaves the SLO without any burn alert.
* **all tiers**: a burn above every threshold fires every tier with its exact labels and annotations.
* **minimum events** (when the SLO has a guard): the same outage on too little traffic stays silent.
* **no data**: the source series stop; ``SLONoData`` fires after its window and ``for``.

Tier-level checks query the ``ALERTS`` series, so one tier is checked regardless of the others.
Istio SLIs and user PromQL of a simple shape (selectors, ``rate``/``increase``, ``sum``) are fed
their own raw series, several label sets and pods with uneven traffic (:mod:`alerts.promtool.user_traffic`),
so the user's query and its aggregation are under test. SLIs whose raw series we cannot synthesise
(other user PromQL, gauges, timeslices, native histograms) get the same scenarios fed at the
error-ratio records (:mod:`alerts.promtool.record_series`), which :func:`fed_at` reports; their no-data
scenario feeds the raw source series when every matcher is an equality, and is left out otherwise.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum

from metrics_adapter.promql import Duration
from slo.burn_rate import BurnRateWindow
from slo.record_names import BASE_WINDOW, SUMMED_FROM
from slo.sli import EventQueries, no_data_sources

from ..rules.model import AlertingRule, LabelSet, label_set
from ..slo.rules import SloRules
from .model import (
    AlertTest,
    ExpectedAlert,
    ExprTest,
    InputSeries,
    TestFile,
    TestGroup,
    expand_annotation,
)
from .record_series import gauge_series, record_series
from .synthetic_traffic import Phase, absent_labels, can_synthesise, synthetic_series

__all__ = ["FAST_INTERVAL", "SLOW_INTERVAL", "FedAt", "fed_at", "sample_seconds", "slo_test_files"]

FAST_INTERVAL = Duration.minutes(1)
SLOW_INTERVAL = Duration.minutes(5)
_MINUTE = 60
_SAMPLES_PER_SHORT_WINDOW = 4
_OVERSHOOT = Decimal("1.1")
_QUIET_MIN_FACTOR = Decimal("1.05")
_MIN_MARGIN = 2  # evaluation intervals: burn onset, rule chaining, 5-minute steps of summed windows
_MARGIN_FRACTION = 0.02
_LOOKBACK = Duration.minutes(5)  # Prometheus' default lookback delta, promtool's too


def sample_seconds(short_windows: list[int]) -> int:
    """The sample (and evaluation) step for tiers with these short windows: 60 s, or less so that the
    shortest short window holds at least four samples."""
    if not short_windows:
        return _MINUTE
    return max(1, min(_MINUTE, min(short_windows) // _SAMPLES_PER_SHORT_WINDOW))


class _Plan:
    """The shared facts of one SLO's scenarios; times are counted in samples of ``sample`` seconds."""

    def __init__(self, rules: SloRules, sample: int) -> None:
        self.rules = rules
        self.sample = sample
        self.queries = rules.source
        self.budget = rules.slo.objective.error_budget
        shortest = min((tier.long_window for tier, _ in rules.tiers), default=3600) // sample
        guard = rules.min_events or 0
        self.events = max(Decimal(1000), Decimal(math.ceil(2 * guard / max(shortest, 1))))
        self.longest_short = max((tier.short_window for tier, _ in rules.tiers), default=300) // sample
        self.minutes = _MINUTE // sample  # samples in a minute, for the pauses between checks

    @property
    def interval(self) -> Duration:
        return Duration(self.sample)

    def at(self, samples: int) -> Duration:
        return Duration(samples * self.sample)

    def samples_up(self, seconds: float, step: int = 1) -> int:
        return math.ceil(seconds / self.sample / step) * step

    def samples_down(self, seconds: float, step: int = 1) -> int:
        return math.floor(seconds / self.sample / step) * step

    @property
    def raw(self) -> bool:
        """Whether the SLI's raw series are synthesised (else the error-ratio records are fed)."""
        return can_synthesise(self.queries)

    def series(
        self,
        phases: list[Phase],
        *,
        gap: int = 0,
        normalised_le: bool = False,
        with_total: bool = False,
        tiers: list[BurnRateWindow] | None = None,
    ) -> tuple[InputSeries, ...]:
        """Raw series when they can be synthesised, else the records the alerts of ``tiers`` (all
        tiers by default) read."""
        raw = synthetic_series(self.queries, phases, gap=gap, normalised_le=normalised_le)
        if raw is not None:
            return raw
        return record_series(
            phases,
            windows=self.fed_windows([tier for tier, _ in self.rules.tiers] if tiers is None else tiers),
            sample_seconds=self.sample,
            labels=self.rules.record_labels,
            with_total=with_total or self.rules.min_events is not None,
            gap=gap,
        )

    def fed_windows(self, tiers: list[BurnRateWindow]) -> set[Duration]:
        """Error-ratio records to feed: the 5-minute one and every window the tiers read, except those
        the rules derive from the fed 5-minute record (a day or more, for SLIs without event counts)."""
        windows = {BASE_WINDOW}
        for tier in tiers:
            windows.update((Duration(tier.long_window), Duration(tier.short_window)))
        if isinstance(self.queries, EventQueries):
            return windows
        return {window for window in windows if window < SUMMED_FROM}

    def alert_labels(self, rule: AlertingRule) -> dict[str, str]:
        return {**dict(self.rules.record_labels), **dict(rule.labels)}

    def firing(self, rule: AlertingRule) -> LabelSet:
        labels = {
            "__name__": "ALERTS",
            "alertname": rule.alert,
            "alertstate": "firing",
            **self.alert_labels(rule),
        }
        return tuple(sorted(labels.items()))

    def tier_selector(self, rule: AlertingRule) -> str:
        keys = ("slo", "service", "severity", "long_window", "short_window")
        matchers = ", ".join(f'{key}="{dict(rule.labels)[key]}"' for key in keys)
        return f'ALERTS{{alertname="{rule.alert}", alertstate="firing", {matchers}}}'

    def expected(self, rule: AlertingRule, labels: dict[str, str]) -> ExpectedAlert:
        annotations = {name: expand_annotation(text, labels) for name, text in rule.annotations}
        return ExpectedAlert(label_set(labels), label_set(annotations))


def _timing_group(plan: _Plan, index: int, evaluation: int) -> TestGroup:
    """``evaluation``: seconds between rule evaluations (a multiple of the plan's sample)."""
    tier, rule = plan.rules.tiers[index]
    step = evaluation // plan.sample
    threshold = tier.error_ratio_threshold(plan.rules.slo.objective)
    error_ratio = min(Decimal(1), threshold * _OVERSHOOT)
    detection = float(threshold) * tier.long_window / float(error_ratio)  # factor * L / burn
    margin = max(_MIN_MARGIN * float(evaluation), _MARGIN_FRACTION * detection)  # seconds
    clean = tier.long_window // plan.sample
    quiet_at = clean + plan.samples_down(detection - margin + tier.alert_after, step)
    fire_at = clean + plan.samples_up(detection + margin + tier.alert_after, step)
    phases = [Phase(clean, plan.events), Phase(fire_at - clean + 1, plan.events, error_ratio)]
    burn = error_ratio / plan.budget
    return TestGroup(
        name=f"{tier.tier_id}: burn {burn.normalize():f} fires after ~{Duration(max(1, round(detection)))}",
        interval=plan.interval,
        input_series=plan.series(phases, normalised_le=True, tiers=[tier]),
        expr_tests=(
            ExprTest(plan.tier_selector(rule), plan.at(quiet_at)),
            ExprTest(plan.tier_selector(rule), plan.at(fire_at), ((plan.firing(rule), 1.0),)),
        ),
    )


def _quiet_groups(plan: _Plan) -> list[TestGroup]:
    factors = [tier.factor for tier, _ in plan.rules.tiers]
    checks = (
        plan.at(plan.longest_short + 10 * plan.minutes),
        plan.at(plan.longest_short + 60 * plan.minutes),
    )
    samples = plan.longest_short + 60 * plan.minutes + 1
    groups: list[TestGroup] = []
    above_one = [rule for tier, rule in plan.rules.tiers if tier.factor >= _QUIET_MIN_FACTOR]
    if above_one:
        groups.append(
            TestGroup(
                name="burn rate 1: tiers with a factor above 1 stay silent",
                interval=plan.interval,
                input_series=plan.series([Phase(samples, plan.events, plan.budget)]),
                expr_tests=tuple(
                    ExprTest(plan.tier_selector(rule), at) for rule in above_one for at in checks
                ),
            )
        )
    low = Decimal("0.9") * min([Decimal(1), *factors])
    alert = plan.rules.tiers[0][1].alert
    groups.append(
        TestGroup(
            name=f"burn rate {low.normalize():f}: no burn alert",
            interval=plan.interval,
            input_series=plan.series([Phase(samples, plan.events, plan.budget * low)]),
            alert_tests=tuple(AlertTest(at, alert) for at in checks),
        )
    )
    return groups


def _all_tiers_group(plan: _Plan) -> TestGroup:
    tiers = plan.rules.tiers
    top = max(tier.error_ratio_threshold(plan.rules.slo.objective) for tier, _ in tiers)
    error_ratio = min(Decimal(1), top * Decimal("1.5"))
    at = plan.longest_short + 10 * plan.minutes + plan.samples_up(max(tier.alert_after for tier, _ in tiers))
    expected = tuple(plan.expected(rule, plan.alert_labels(rule)) for _, rule in tiers)
    return TestGroup(
        name=f"error ratio {error_ratio.normalize():f}: every tier fires",
        interval=plan.interval,
        input_series=plan.series([Phase(at + 1, plan.events, error_ratio)]),
        alert_tests=(AlertTest(plan.at(at), tiers[0][1].alert, expected),),
    )


def _guard_group(plan: _Plan, min_events: int) -> TestGroup:
    samples = plan.longest_short + 15 * plan.minutes
    trickle = Decimal(min_events) / (2 * samples)
    return TestGroup(
        name=f"outage on fewer than {min_events} events: no burn alert",
        interval=plan.interval,
        input_series=plan.series([Phase(samples + 1, trickle, Decimal(1))]),
        alert_tests=(AlertTest(plan.at(samples), plan.rules.tiers[0][1].alert),),
    )


def _no_data_group(plan: _Plan, rule: AlertingRule) -> TestGroup | None:
    window = plan.samples_up(plan.rules.no_data_window.seconds)
    wait = window + plan.samples_up(rule.for_.seconds if rule.for_ else 0)
    sources = no_data_sources(plan.queries)
    lag = 0
    if plan.raw and not sources:
        # The alert watches our 5-minute total record, computed from the fed raw series: it outlives
        # them by its own 5-minute range, plus the lookback delta when the user query is read through
        # a subquery (test series end without staleness markers).
        lag = plan.samples_up(_LOOKBACK.seconds + BASE_WINDOW.seconds)
    present = 30 * plan.minutes
    expected: dict[LabelSet, ExpectedAlert] = {}
    for source in sources:
        labels = {**absent_labels(source), **plan.alert_labels(rule)}
        expected[label_set(labels)] = plan.expected(rule, labels)
    if not sources:  # the alert watches our own 5-minute record
        expected[label_set(plan.alert_labels(rule))] = plan.expected(rule, plan.alert_labels(rule))
    gap = wait + lag + 10
    if plan.raw or not sources:
        series = plan.series([Phase(present, plan.events)], gap=gap, with_total=True)
    else:
        fed = [gauge_series(source, present, gap) for source in sources]
        if None in fed:
            return None
        series = tuple(item for item in fed if item is not None)
    return TestGroup(
        name="source series stop: no-data alert",
        interval=plan.interval,
        input_series=series,
        alert_tests=(
            AlertTest(plan.at(present + wait - 3 * plan.minutes), rule.alert),
            AlertTest(
                plan.at(present + wait + lag + 2 * plan.minutes),
                rule.alert,
                tuple(expected[key] for key in sorted(expected)),
            ),
        ),
    )


class FedAt(StrEnum):
    """What an SLO's generated tests feed: the SLI's own raw series, or our error-ratio records."""

    RAW_SERIES = "raw series"
    RECORDS = "error-ratio records"


def fed_at(rules: SloRules) -> FedAt:
    """Whether the generated tests of ``rules`` exercise the SLI's own queries."""
    return FedAt.RAW_SERIES if can_synthesise(rules.source) else FedAt.RECORDS


def slo_test_files(rules: SloRules, *, rule_file: str) -> dict[str, TestFile]:
    """Test files keyed by suffix (``test``, ``slow.test``); empty when the SLO has no alert at all."""
    is_slow = [tier.long_window >= SUMMED_FROM.seconds for tier, _ in rules.tiers]
    plan = _Plan(rules, sample_seconds([tier.short_window for tier, _ in rules.tiers]))
    slow_short = [tier.short_window for tier, _ in rules.tiers if tier.long_window >= SUMMED_FROM.seconds]
    slow_plan = _Plan(rules, sample_seconds(slow_short))
    order = tuple(group.name for group in rules.groups)
    fast: list[TestGroup] = []
    slow: list[TestGroup] = []
    for index, slow_tier in enumerate(is_slow):
        if slow_tier:
            slow.append(_timing_group(slow_plan, index, int(SLOW_INTERVAL.seconds)))
        else:
            fast.append(_timing_group(plan, index, plan.sample))
    if rules.tiers:
        fast.extend(_quiet_groups(plan))
        fast.append(_all_tiers_group(plan))
        if rules.min_events is not None:
            fast.append(_guard_group(plan, rules.min_events))
    no_data = None if rules.no_data is None else _no_data_group(plan, rules.no_data)
    if no_data is not None:
        fast.append(no_data)
    files: dict[str, TestFile] = {}
    if fast:
        files["test"] = TestFile((rule_file,), plan.interval, tuple(fast), order)
    if slow:
        files["slow.test"] = TestFile((rule_file,), SLOW_INTERVAL, tuple(slow), order)
    return files
