"""Generated ``promtool test rules`` files proving an SLO's rules behave as the burn-rate table says.

Scenarios per SLO (synthetic series from :mod:`alerts.synthetic_traffic`). Samples and evaluations are
one minute apart, or closer when a tier's short window is under four minutes (a quarter of the
shortest short window, so every window holds at least four samples); durations below count samples.

* **timing, per tier**: a clean long window, then a burn 10 % above the tier's factor. The workbook's
  detection time is ``budget_consumed * period / burn`` (= ``factor * long_window / burn``); the
  tier must be silent a margin before it and firing a margin after it (plus the tier's ``for``).
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
Returns no files for SLIs without synthetic series (user PromQL, native histograms).
"""

from __future__ import annotations

import math
from decimal import Decimal

from metrics_adapter.promql import Duration

from .promtool_model import (
    AlertTest,
    ExpectedAlert,
    ExprTest,
    InputSeries,
    TestFile,
    TestGroup,
    expand_annotation,
)
from .rule_model import AlertingRule, LabelSet, label_set
from .sli_source import no_data_sources, sli_source
from .slo_names import SUMMED_FROM
from .slo_rules import SloRules
from .synthetic_traffic import Phase, absent_labels, can_synthesise, synthetic_series

__all__ = ["FAST_INTERVAL", "SLOW_INTERVAL", "sample_seconds", "slo_test_files"]

FAST_INTERVAL = Duration.minutes(1)
SLOW_INTERVAL = Duration.minutes(5)
_MINUTE = 60
_SAMPLES_PER_SHORT_WINDOW = 4
_OVERSHOOT = Decimal("1.1")
_QUIET_MIN_FACTOR = Decimal("1.05")
_MIN_MARGIN = 2  # evaluation intervals: burn onset, rule chaining, 5-minute steps of summed windows
_MARGIN_FRACTION = 0.02


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
        self.queries = sli_source(rules.slo)
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

    def series(
        self, phases: list[Phase], *, gap: int = 0, normalised_le: bool = False
    ) -> tuple[InputSeries, ...]:
        series = synthetic_series(self.queries, phases, gap=gap, normalised_le=normalised_le)
        if series is None:
            raise ValueError(f"no synthetic series for the SLI of {self.rules.slo.slo_id}")
        return series

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
    quiet_at = clean + plan.samples_down(detection - margin, step)
    fire_at = clean + plan.samples_up(detection + margin + tier.alert_after, step)
    phases = [Phase(clean, plan.events), Phase(fire_at - clean + 1, plan.events, error_ratio)]
    burn = error_ratio / plan.budget
    return TestGroup(
        name=f"{tier.tier_id}: burn {burn.normalize():f} fires after ~{Duration(max(1, round(detection)))}",
        interval=plan.interval,
        input_series=plan.series(phases, normalised_le=True),
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


def _no_data_group(plan: _Plan, rule: AlertingRule) -> TestGroup:
    window = plan.samples_up(plan.rules.no_data_window.seconds)
    wait = window + plan.samples_up(rule.for_.seconds if rule.for_ else 0)
    present = 30 * plan.minutes
    sources = no_data_sources(plan.queries)
    expected: dict[LabelSet, ExpectedAlert] = {}
    for source in sources:
        labels = {**absent_labels(source), **plan.alert_labels(rule)}
        expected[label_set(labels)] = plan.expected(rule, labels)
    return TestGroup(
        name="source series stop: no-data alert",
        interval=plan.interval,
        input_series=plan.series([Phase(present, plan.events)], gap=wait + 10),
        alert_tests=(
            AlertTest(plan.at(present + wait - 3 * plan.minutes), rule.alert),
            AlertTest(
                plan.at(present + wait + 2 * plan.minutes),
                rule.alert,
                tuple(expected[key] for key in sorted(expected)),
            ),
        ),
    )


def slo_test_files(rules: SloRules, *, rule_file: str) -> dict[str, TestFile]:
    """Test files keyed by suffix (``test``, ``slow.test``); empty when the SLI cannot be synthesised."""
    is_slow = [tier.long_window >= SUMMED_FROM.seconds for tier, _ in rules.tiers]
    plan = _Plan(rules, sample_seconds([tier.short_window for tier, _ in rules.tiers]))
    slow_short = [tier.short_window for tier, _ in rules.tiers if tier.long_window >= SUMMED_FROM.seconds]
    slow_plan = _Plan(rules, sample_seconds(slow_short))
    if not can_synthesise(plan.queries):
        return {}
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
    if rules.no_data is not None:
        fast.append(_no_data_group(plan, rules.no_data))
    files: dict[str, TestFile] = {}
    if fast:
        files["test"] = TestFile((rule_file,), plan.interval, tuple(fast), order)
    if slow:
        files["slow.test"] = TestFile((rule_file,), SLOW_INTERVAL, tuple(slow), order)
    return files
