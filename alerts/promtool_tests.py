"""Generated ``promtool test rules`` files proving an SLO's rules behave as the burn-rate table says.

Scenarios per SLO (synthetic series from :mod:`alerts.synthetic_traffic`, one sample a minute):

* **timing, per tier**: a clean long window, then a burn 10 % above the tier's factor. The workbook's
  detection time is ``budget_consumed * period / burn`` (= ``factor * long_window / burn``); the
  tier must be silent a margin before it and firing a margin after it (plus the tier's ``for``).
  Margins: the larger of 2 evaluation intervals and 2 % of the detection time, covering the burn's
  onset, rule chaining and the 5-minute steps of the summed long windows (a threshold 5 % off in
  either direction fails the test). Tiers with long windows of a day or more go to a second file
  evaluated every 5 minutes, which keeps promtool's runtime to seconds for a 3-day window.
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

__all__ = ["FAST_INTERVAL", "SLOW_INTERVAL", "slo_test_files"]

FAST_INTERVAL = Duration.minutes(1)
SLOW_INTERVAL = Duration.minutes(5)
_SAMPLE = Duration.minutes(1)
_OVERSHOOT = Decimal("1.1")
_QUIET_MIN_FACTOR = Decimal("1.05")
_MIN_MARGIN = 2  # evaluation intervals: burn onset, rule chaining, 5-minute steps of summed windows
_MARGIN_FRACTION = 0.02


def _minutes_up(seconds: float, step: int) -> int:
    return math.ceil(seconds / 60 / step) * step


def _minutes_down(seconds: float, step: int) -> int:
    return math.floor(seconds / 60 / step) * step


def _at(minutes: int) -> Duration:
    return Duration.minutes(minutes)


class _Plan:
    """The shared facts of one SLO's scenarios."""

    def __init__(self, rules: SloRules) -> None:
        self.rules = rules
        self.queries = sli_source(rules.slo)
        self.budget = rules.slo.objective.error_budget
        shortest = min((tier.long_window for tier, _ in rules.tiers), default=3600) // 60
        guard = rules.min_events or 0
        self.events = max(Decimal(1000), Decimal(math.ceil(2 * guard / max(shortest, 1))))
        self.longest_short = max((tier.short_window for tier, _ in rules.tiers), default=300) // 60

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


def _timing_group(plan: _Plan, index: int, step: int) -> TestGroup:
    tier, rule = plan.rules.tiers[index]
    threshold = tier.error_ratio_threshold(plan.rules.slo.objective)
    error_ratio = min(Decimal(1), threshold * _OVERSHOOT)
    detection = float(threshold) * tier.long_window / float(error_ratio)  # factor * L / burn
    margin = max(_MIN_MARGIN * step * 60.0, _MARGIN_FRACTION * detection)  # seconds
    clean = tier.long_window // 60
    quiet_at = clean + _minutes_down(detection - margin, step)
    fire_at = clean + _minutes_up(detection + margin + tier.alert_after, step)
    phases = [Phase(clean, plan.events), Phase(fire_at - clean + 1, plan.events, error_ratio)]
    burn = error_ratio / plan.budget
    return TestGroup(
        name=f"{tier.tier_id}: burn {burn.normalize():f} fires after ~{Duration(max(1, round(detection)))}",
        interval=_SAMPLE,
        input_series=plan.series(phases, normalised_le=True),
        expr_tests=(
            ExprTest(plan.tier_selector(rule), _at(quiet_at)),
            ExprTest(plan.tier_selector(rule), _at(fire_at), ((plan.firing(rule), 1.0),)),
        ),
    )


def _quiet_groups(plan: _Plan) -> list[TestGroup]:
    factors = [tier.factor for tier, _ in plan.rules.tiers]
    checks = (_at(plan.longest_short + 10), _at(plan.longest_short + 60))
    minutes = plan.longest_short + 61
    groups: list[TestGroup] = []
    above_one = [rule for tier, rule in plan.rules.tiers if tier.factor >= _QUIET_MIN_FACTOR]
    if above_one:
        groups.append(
            TestGroup(
                name="burn rate 1: tiers with a factor above 1 stay silent",
                interval=_SAMPLE,
                input_series=plan.series([Phase(minutes, plan.events, plan.budget)]),
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
            interval=_SAMPLE,
            input_series=plan.series([Phase(minutes, plan.events, plan.budget * low)]),
            alert_tests=tuple(AlertTest(at, alert) for at in checks),
        )
    )
    return groups


def _all_tiers_group(plan: _Plan) -> TestGroup:
    tiers = plan.rules.tiers
    top = max(tier.error_ratio_threshold(plan.rules.slo.objective) for tier, _ in tiers)
    error_ratio = min(Decimal(1), top * Decimal("1.5"))
    at = plan.longest_short + 10 + _minutes_up(max(tier.alert_after for tier, _ in tiers), 1)
    expected = tuple(plan.expected(rule, plan.alert_labels(rule)) for _, rule in tiers)
    return TestGroup(
        name=f"error ratio {error_ratio.normalize():f}: every tier fires",
        interval=_SAMPLE,
        input_series=plan.series([Phase(at + 1, plan.events, error_ratio)]),
        alert_tests=(AlertTest(_at(at), tiers[0][1].alert, expected),),
    )


def _guard_group(plan: _Plan, min_events: int) -> TestGroup:
    minutes = plan.longest_short + 15
    trickle = Decimal(min_events) / (2 * minutes)
    return TestGroup(
        name=f"outage on fewer than {min_events} events: no burn alert",
        interval=_SAMPLE,
        input_series=plan.series([Phase(minutes + 1, trickle, Decimal(1))]),
        alert_tests=(AlertTest(_at(minutes), plan.rules.tiers[0][1].alert),),
    )


def _no_data_group(plan: _Plan, rule: AlertingRule) -> TestGroup:
    window = plan.rules.no_data_window.milliseconds // 60_000
    wait = window + _minutes_up((rule.for_.seconds if rule.for_ else 0), 1)
    present = 30
    sources = no_data_sources(plan.queries)
    expected: dict[LabelSet, ExpectedAlert] = {}
    for source in sources:
        labels = {**absent_labels(source), **plan.alert_labels(rule)}
        expected[label_set(labels)] = plan.expected(rule, labels)
    return TestGroup(
        name="source series stop: no-data alert",
        interval=_SAMPLE,
        input_series=plan.series([Phase(present, plan.events)], gap=wait + 10),
        alert_tests=(
            AlertTest(_at(present + wait - 3), rule.alert),
            AlertTest(_at(present + wait + 2), rule.alert, tuple(expected[key] for key in sorted(expected))),
        ),
    )


def slo_test_files(rules: SloRules, *, rule_file: str) -> dict[str, TestFile]:
    """Test files keyed by suffix (``test``, ``slow.test``); empty when the SLI cannot be synthesised."""
    plan = _Plan(rules)
    if not can_synthesise(plan.queries):
        return {}
    order = tuple(group.name for group in rules.groups)
    fast: list[TestGroup] = []
    slow: list[TestGroup] = []
    for index, (tier, _) in enumerate(rules.tiers):
        if tier.long_window >= SUMMED_FROM.seconds:
            slow.append(_timing_group(plan, index, SLOW_INTERVAL.milliseconds // 60_000))
        else:
            fast.append(_timing_group(plan, index, 1))
    if rules.tiers:
        fast.extend(_quiet_groups(plan))
        fast.append(_all_tiers_group(plan))
        if rules.min_events is not None:
            fast.append(_guard_group(plan, rules.min_events))
    if rules.no_data is not None:
        fast.append(_no_data_group(plan, rules.no_data))
    files: dict[str, TestFile] = {}
    if fast:
        files["test"] = TestFile((rule_file,), FAST_INTERVAL, tuple(fast), order)
    if slow:
        files["slow.test"] = TestFile((rule_file,), SLOW_INTERVAL, tuple(slow), order)
    return files
