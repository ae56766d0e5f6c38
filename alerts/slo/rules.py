"""Recording and alerting rules for one SLO: error ratios per window, budget, burn-rate and no-data alerts.

Three groups per SLO, named ``slo-<service>-<name>-{sli,budget,alerts}`` (record names in
:mod:`slo.record_names`):

* ``sli``: bad and total events over 5 minutes, and the error ratio of every window shorter than
  a day straight from the source series;
* ``budget``: windows of a day or more (the 1d/3d tiers and the SLO period) from 5-minute
  increases summed every 5 minutes (exactly ``window / 5m`` of them, see :func:`_blocks`), then
  objective, budget, burn rates and remaining budget;
* ``alerts``: one ``SLOErrorBudgetBurn`` rule (or the spec's alert name) per tier of
  ``slo.burn_rate.burn_rate_table`` (or the spec's own tiers). A tier fires when the error ratio
  over both its long and short window exceeds ``factor * (1 - objective)``, printed exactly from
  the Decimal. With a minimum-events guard the long window must also hold at least that many
  events. Tiers whose threshold is >= 1 cannot fire and are left out. Plus ``SLONoData``:
  ``absent_over_time`` of the SLI's source series.

Alert labels ``slo``, ``service``, ``severity`` (``page``/``ticket``, what routing and inhibition
match on), ``long_window``, ``short_window``, ``burn_rate`` and ``budget_consumed`` are ours and win
over spec labels of the same name. Ratios are ``(bad or 0 * total) / (total > 0)``: zero traffic
gives no sample (never NaN), so no traffic means no burn. Labels are sorted and names stable, so
the same SLO always yields the same rules. SLI PromQL comes from :mod:`slo.sli`, which also chooses
the SLO's SLI source. Knows nothing about file formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics_adapter.promql import (
    BinOp,
    Duration,
    Expr,
    Selector,
    Subquery,
    absent_over_time,
    avg_over_time,
    binary,
    div,
    eq,
    mul,
    or_,
    sub,
    sum_over_time,
    vector,
)
from slo.burn_rate import BurnRateWindow
from slo.objective import format_decimal
from slo.record_names import (
    BASE_WINDOW,
    BURN_RATE_ALERT,
    CURRENT_BURN_RATE,
    ERROR_BUDGET,
    ERROR_INCREASE,
    NO_DATA_ALERT,
    OBJECTIVE,
    PERIOD_BUDGET_REMAINING,
    PERIOD_BURN_RATE,
    SUMMED_FROM,
    TOTAL_INCREASE,
    error_ratio_record,
)
from slo.sli import EventQueries, SLISource, counts_events, no_data_sources, sli_source
from slo.spec import SLO

from ..rules.decimal_literal import DecimalLiteral
from ..rules.links import AlertLinks
from ..rules.model import AlertingRule, LabelSet, RecordingRule, RuleGroup, label_set
from .annotations import burn_annotations, no_data_annotations

__all__ = ["SloRuleSettings", "SloRules", "period_window", "slo_rules"]

_MINUTES_5 = Duration.minutes(5)
_MINUTES_10 = Duration.minutes(10)


@dataclass(frozen=True)
class SloRuleSettings:
    """Options shared by every SLO: links, no-data timing, default guard, extra labels, intervals."""

    links: AlertLinks = field(default_factory=AlertLinks)
    no_data_window: Duration = _MINUTES_10
    no_data_for: Duration = _MINUTES_5
    no_data_severity: str = "ticket"
    min_events: int | None = None
    extra_labels: LabelSet = ()
    interval: Duration | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_labels", label_set(self.extra_labels))
        if self.no_data_severity not in ("page", "ticket"):
            raise ValueError(f"no_data_severity must be page or ticket, got {self.no_data_severity!r}")
        if self.min_events is not None and self.min_events < 1:
            raise ValueError(f"min_events must be >= 1, got {self.min_events}")


@dataclass(frozen=True)
class SloRules:
    """The rules of one SLO, with the tier each burn-rate alert implements (for tests and routing),
    and the SLI source the rules read (:func:`slo.sli.sli_source`)."""

    slo: SLO
    source: SLISource
    groups: tuple[RuleGroup, ...]
    tiers: tuple[tuple[BurnRateWindow, AlertingRule], ...]
    no_data: AlertingRule | None
    record_labels: LabelSet
    min_events: int | None
    no_data_window: Duration


def period_window(slo: SLO) -> Duration:
    """The SLO period as a rule window (calendar windows use their nominal 30 or 90 days)."""
    return Duration(slo.window.nominal_seconds)


def _select(record: str, slo: SLO) -> Selector:
    return Selector(record, (eq("slo", slo.name), eq("service", slo.service)))


def _windows(slo: SLO, tiers: tuple[BurnRateWindow, ...]) -> list[Duration]:
    seconds = {BASE_WINDOW.seconds, period_window(slo).seconds}
    for tier in tiers:
        seconds.update((tier.long_window, tier.short_window))
    return [Duration(value) for value in sorted(seconds)]


def _blocks(window: Duration) -> Duration:
    """The subquery range that holds exactly ``window / 5m`` of the 5-minute counts.

    One millisecond short of the window: Prometheus 2.x ranges include their start, so a full
    ``[1d:5m]`` evaluated on a 5-minute boundary (as promtool always does) sums 289 blocks and reaches
    5 minutes too far back; 3.x ranges are left-open. ``[23h59m59s999ms:5m]`` is 288 blocks on both.
    """
    return Duration((window.milliseconds - 1) / 1000)


def _ratio(bad: Expr, total: Expr) -> Expr:
    """``(bad or 0 * total) / (total > 0)``: 0 without bad events, no sample without traffic (never NaN)."""
    return div(or_(bad, mul(0, total)), binary(BinOp.GT, total, 0))


def _ratio_rules(
    slo: SLO, queries: SLISource, windows: list[Duration], labels: LabelSet
) -> tuple[list[RecordingRule], list[RecordingRule]]:
    """(rules of the sli group, long-window rules of the budget group)."""
    short: list[RecordingRule] = []
    long: list[RecordingRule] = []
    if isinstance(queries, EventQueries):
        total = queries.total(BASE_WINDOW)
        short.append(RecordingRule(ERROR_INCREASE, or_(queries.bad(BASE_WINDOW), mul(0, total)), labels))
        short.append(RecordingRule(TOTAL_INCREASE, total, labels))
    for window in windows:
        record = error_ratio_record(window)
        if window < SUMMED_FROM:
            if isinstance(queries, EventQueries) and window == BASE_WINDOW:
                expr: Expr = div(
                    _select(ERROR_INCREASE, slo), binary(BinOp.GT, _select(TOTAL_INCREASE, slo), 0)
                )
            elif isinstance(queries, EventQueries):
                expr = _ratio(queries.bad(window), queries.total(window))
            else:
                expr = queries.error_ratio(window)
            short.append(RecordingRule(record, expr, labels))
            continue
        if isinstance(queries, EventQueries):
            expr = div(
                sum_over_time(Subquery(_select(ERROR_INCREASE, slo), _blocks(window), BASE_WINDOW)),
                binary(
                    BinOp.GT,
                    sum_over_time(Subquery(_select(TOTAL_INCREASE, slo), _blocks(window), BASE_WINDOW)),
                    0,
                ),
            )
        else:  # no event counts: the unweighted mean of the 5-minute ratios
            expr = avg_over_time(_select(error_ratio_record(BASE_WINDOW), slo), window)
        long.append(RecordingRule(record, expr, labels))
    return short, long


def _budget_rules(slo: SLO, labels: LabelSet) -> list[RecordingRule]:
    budget = DecimalLiteral(slo.objective.error_budget)
    period = error_ratio_record(period_window(slo))
    return [
        RecordingRule(OBJECTIVE, vector(DecimalLiteral(slo.objective.ratio)), labels),
        RecordingRule(ERROR_BUDGET, vector(budget), labels),
        RecordingRule(CURRENT_BURN_RATE, div(_select(error_ratio_record(BASE_WINDOW), slo), budget), labels),
        RecordingRule(PERIOD_BURN_RATE, div(_select(period, slo), budget), labels),
        RecordingRule(PERIOD_BUDGET_REMAINING, sub(1, _select(PERIOD_BURN_RATE, slo)), labels),
    ]


def _tier_expr(slo: SLO, tier: BurnRateWindow, min_events: int | None) -> Expr:
    threshold = DecimalLiteral(tier.error_ratio_threshold(slo.objective))
    long_ratio = _select(error_ratio_record(Duration(tier.long_window)), slo)
    short_ratio = _select(error_ratio_record(Duration(tier.short_window)), slo)
    expr: Expr = binary(
        BinOp.AND, binary(BinOp.GT, long_ratio, threshold), binary(BinOp.GT, short_ratio, threshold)
    )
    if min_events is not None:
        events = sum_over_time(
            Subquery(_select(TOTAL_INCREASE, slo), _blocks(Duration(tier.long_window)), BASE_WINDOW)
        )
        expr = binary(BinOp.AND, expr, binary(BinOp.GE, events, min_events))
    return expr


def _burn_alerts(
    slo: SLO,
    settings: SloRuleSettings,
    labels: LabelSet,
    min_events: int | None,
    group_labels: tuple[str, ...],
) -> list[tuple[BurnRateWindow, AlertingRule]]:
    alerting = slo.alerting
    routes = {"page": alerting.page, "ticket": alerting.ticket}
    out: list[tuple[BurnRateWindow, AlertingRule]] = []
    for tier in slo.burn_rate_windows():
        route = routes[str(tier.severity)]
        if not route.enabled or not tier.can_fire(slo.objective):
            continue
        alert = alerting.name or BURN_RATE_ALERT
        ours = {
            "slo": slo.name,
            "service": slo.service,
            "severity": str(tier.severity),
            "long_window": tier.long_window_text,
            "short_window": tier.short_window_text,
            "burn_rate": format_decimal(tier.factor),
            "budget_consumed": format_decimal(tier.budget_consumed),
        }
        rule_labels = {**dict(labels), **dict(alerting.labels), **dict(route.labels), **ours}
        annotations = burn_annotations(
            slo, tier, alert=alert, links=settings.links, group_labels=group_labels
        )
        annotations.update({**dict(alerting.annotations), **dict(route.annotations)})
        if route.runbook is not None:
            annotations["runbook_url"] = route.runbook
        for_ = Duration(tier.alert_after) if tier.alert_after > 0 else None
        rule = AlertingRule(
            alert, _tier_expr(slo, tier, min_events), for_, label_set(rule_labels), label_set(annotations)
        )
        out.append((tier, rule))
    return out


def _no_data_alert(slo: SLO, settings: SloRuleSettings, queries: SLISource, labels: LabelSet) -> AlertingRule:
    sources = no_data_sources(queries)
    own = TOTAL_INCREASE if isinstance(queries, EventQueries) else error_ratio_record(BASE_WINDOW)
    watched = sources or (_select(own, slo),)
    expr: Expr = absent_over_time(watched[0], settings.no_data_window)
    for source in watched[1:]:
        expr = or_(expr, absent_over_time(source, settings.no_data_window))
    rule_labels = {**dict(labels), **dict(slo.alerting.labels), "severity": settings.no_data_severity}
    annotations = no_data_annotations(slo, sources, window=settings.no_data_window, links=settings.links)
    return AlertingRule(
        NO_DATA_ALERT, expr, settings.no_data_for, label_set(rule_labels), label_set(annotations)
    )


def slo_rules(slo: SLO, settings: SloRuleSettings | None = None) -> SloRules:
    """All rules of ``slo``; raises :class:`slo.sli.UnsupportedSLIError` for unknown SLI kinds."""
    settings = settings or SloRuleSettings()
    queries = sli_source(slo)
    labels = label_set(
        {**dict(settings.extra_labels), **dict(slo.labels), "slo": slo.name, "service": slo.service}
    )
    windows = _windows(slo, slo.burn_rate_windows())
    short, long = _ratio_rules(slo, queries, windows, labels)
    prefix = f"slo-{slo.slo_id}"
    groups = [
        RuleGroup(f"{prefix}-sli", tuple(short), settings.interval),
        RuleGroup(f"{prefix}-budget", (*long, *_budget_rules(slo, labels)), settings.interval),
    ]
    guard = slo.alerting.min_events if slo.alerting.min_events is not None else settings.min_events
    min_events = guard if counts_events(queries) else None
    tiers = _burn_alerts(slo, settings, labels, min_events, queries.group_labels)
    no_data = None
    if slo.alerting.enabled or slo.alerting.alert_when_no_data:
        no_data = _no_data_alert(slo, settings, queries, labels)
    alerts = [rule for _, rule in tiers] + ([no_data] if no_data is not None else [])
    if alerts:
        groups.append(RuleGroup(f"{prefix}-alerts", tuple(alerts), settings.interval))
    return SloRules(
        slo, queries, tuple(groups), tuple(tiers), no_data, labels, min_events, settings.no_data_window
    )
