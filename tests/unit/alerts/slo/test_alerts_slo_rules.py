"""SLO recording and burn-rate rules: names, windows, exact thresholds, labels, guards, no-data alert."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alerts.rules.links import AlertLinks
from alerts.rules.model import AlertingRule, RecordingRule
from alerts.slo.rules import SloRuleSettings, slo_rules
from metrics_adapter.promql import Duration
from slo.burn_rate import BurnRateWindow, Severity
from slo.record_names import BURN_RATE_ALERT, NO_DATA_ALERT
from slo.spec import SLO
from tests.unit.alerts.alerts_slo_builders import availability, latency, make_slo


def _records(slo: SLO, group_suffix: str) -> dict[str, str]:
    groups = {group.name: group for group in slo_rules(slo).groups}
    group = groups[f"slo-{slo.slo_id}-{group_suffix}"]
    return {rule.record: rule.expr.render() for rule in group.rules if isinstance(rule, RecordingRule)}


def test_groups_are_named_after_the_slo_and_ordered_by_dependency() -> None:
    slo = make_slo()
    assert [group.name for group in slo_rules(slo).groups] == [
        "slo-llama-availability-sli",
        "slo-llama-availability-budget",
        "slo-llama-availability-alerts",
    ]


def test_short_windows_come_from_raw_series_and_long_ones_from_summed_5m_increases() -> None:
    slo = make_slo()
    short = _records(slo, "sli")
    long = _records(slo, "budget")
    assert list(short) == [
        "slo:sli_error:increase5m",
        "slo:sli_total:increase5m",
        "slo:sli_error:ratio_rate5m",
        "slo:sli_error:ratio_rate30m",
        "slo:sli_error:ratio_rate1h",
        "slo:sli_error:ratio_rate2h",
        "slo:sli_error:ratio_rate6h",
    ]
    assert "istio_requests_total" in short["slo:sli_error:ratio_rate6h"]
    assert "[6h]" in short["slo:sli_error:ratio_rate6h"]
    # Exactly window/5m blocks: the range is 1 ms short, so Prometheus 2.x's closed ranges add none.
    for window, blocks in (
        ("1d", "23h59m59s999ms"),
        ("3d", "2d23h59m59s999ms"),
        ("30d", "29d23h59m59s999ms"),
    ):
        expr = long[f"slo:sli_error:ratio_rate{window}"]
        assert "istio_requests_total" not in expr
        ids = '{slo="availability", service="llama"}'
        assert expr == (
            f"sum_over_time(slo:sli_error:increase5m{ids}[{blocks}:5m]) / "
            f"(sum_over_time(slo:sli_total:increase5m{ids}[{blocks}:5m]) > 0)"
        )


def test_ratios_are_zero_without_errors_and_absent_without_traffic() -> None:
    short = _records(make_slo(), "sli")
    total = (
        'sum(increase(istio_requests_total{reporter="destination", destination_workload_namespace="ml", '
        'destination_workload="llama-predictor"}[1h]))'
    )
    bad = total.replace('"}[1h]', '", response_code=~"5.."}[1h]')
    assert short["slo:sli_error:ratio_rate1h"] == f"({bad} or (0 * {total})) / ({total} > 0)"
    assert short["slo:sli_error:increase5m"].endswith(f"or (0 * {total.replace('[1h]', '[5m]')})")
    assert short["slo:sli_error:ratio_rate5m"] == (
        'slo:sli_error:increase5m{slo="availability", service="llama"} / '
        '(slo:sli_total:increase5m{slo="availability", service="llama"} > 0)'
    )


def test_budget_records_use_the_exact_error_budget() -> None:
    records = _records(make_slo(percent="99.95"), "budget")
    assert records["slo:objective:ratio"] == "vector(0.9995)"
    assert records["slo:error_budget:ratio"] == "vector(0.0005)"
    assert records["slo:period_burn_rate:ratio"].endswith("/ 0.0005")
    assert records["slo:period_error_budget_remaining:ratio"].startswith("1 - slo:period_burn_rate:ratio{")


@pytest.mark.parametrize(
    ("percent", "days", "expected"),
    [
        pytest.param(
            "99.9", 30, {"1h": "0.0144", "6h": "0.006", "1d": "0.003", "3d": "0.001"}, id="99.9-30d"
        ),
        pytest.param("99.5", 30, {"1h": "0.072", "6h": "0.03", "1d": "0.015", "3d": "0.005"}, id="99.5-30d"),
        pytest.param(
            "99.9", 28, {"1h": "0.01344", "6h": "0.0056", "1d": "0.0028", "3d": "0.0009333"}, id="99.9-28d"
        ),
        pytest.param("99", 7, {"1h": "0.0336", "6h": "0.014", "1d": "0.007", "3d": "0.002333"}, id="99-7d"),
    ],
)
def test_each_tier_compares_both_windows_with_factor_times_budget(
    percent: str, days: int, expected: dict[str, str]
) -> None:
    rules = slo_rules(make_slo(percent=percent, period_days=days))
    got = {tier.long_window_text: rule for tier, rule in rules.tiers}
    assert set(got) == set(expected)
    for tier, rule in rules.tiers:
        threshold = expected[tier.long_window_text]
        ids = '{slo="availability", service="llama"}'
        assert rule.expr.render() == (
            f"(slo:sli_error:ratio_rate{tier.long_window_text}{ids} > {threshold})"
            f" and (slo:sli_error:ratio_rate{tier.short_window_text}{ids} > {threshold})"
        )
        assert Decimal(threshold) == tier.error_ratio_threshold(rules.slo.objective)


def test_alert_labels_identify_the_tier_and_ours_win_over_spec_labels() -> None:
    slo = make_slo(labels=(("team", "ml"),), alert_labels=(("severity", "critical"), ("queue", "ml")))
    rules = slo_rules(slo)
    tier, rule = rules.tiers[0]
    assert dict(rule.labels) == {
        "slo": "availability",
        "service": "llama",
        "team": "ml",
        "queue": "ml",
        "severity": "page",
        "long_window": "1h",
        "short_window": "5m",
        "burn_rate": "14.4",
        "budget_consumed": "0.02",
    }
    assert rule.alert == BURN_RATE_ALERT
    assert tier.severity is Severity.PAGE


def test_annotations_state_threshold_budget_and_links() -> None:
    settings = SloRuleSettings(links=AlertLinks("https://rb/{alert}", "https://g/d/slo?var-slo={slo}"))
    rules = slo_rules(make_slo(alert_name="LlamaBurn", runbook="https://rb/llama"), settings)
    _, page = rules.tiers[0]
    _, ticket = rules.tiers[-1]
    page_notes, ticket_notes = dict(page.annotations), dict(ticket.annotations)
    assert page_notes["runbook_url"] == "https://rb/llama"  # the route's runbook wins
    assert ticket_notes["runbook_url"] == "https://rb/LlamaBurn"
    assert page_notes["dashboard_url"] == "https://g/d/slo?var-slo=availability"
    assert "above 0.0144 over both the last 1h and 5m" in page_notes["description"]
    assert (
        "2% of the 30d error budget is spent within 1h, and all of it within 2d2h"
        in page_notes["description"]
    )
    assert (
        page_notes["summary"] == "SLO llama/availability is burning its error budget 14.4x too fast (page)."
    )


@pytest.mark.parametrize(
    ("page", "ticket", "severities"),
    [
        pytest.param(True, True, ["page", "page", "ticket", "ticket"], id="both"),
        pytest.param(False, True, ["ticket", "ticket"], id="tickets-only"),
        pytest.param(True, False, ["page", "page"], id="pages-only"),
        pytest.param(False, False, [], id="none"),
    ],
)
def test_disabled_routes_drop_their_tiers(page: bool, ticket: bool, severities: list[str]) -> None:
    rules = slo_rules(make_slo(page=page, ticket=ticket))
    assert [str(tier.severity) for tier, _ in rules.tiers] == severities
    assert (rules.no_data is None) == (not page and not ticket)
    assert any(group.name.endswith("-alerts") for group in rules.groups) == bool(severities)


def test_tiers_that_cannot_fire_are_left_out() -> None:
    # 14.4 * 0.1 >= 1: no error ratio exceeds it; 6 * 0.1 still can.
    rules = slo_rules(make_slo(percent="90"))
    assert [tier.long_window_text for tier, _ in rules.tiers] == ["6h", "1d", "3d"]


@pytest.mark.parametrize(
    ("spec_guard", "default_guard", "expected"),
    [
        pytest.param(None, None, None, id="no-guard"),
        pytest.param(50, None, 50, id="spec"),
        pytest.param(None, 200, 200, id="default"),
        pytest.param(50, 200, 50, id="spec-wins"),
    ],
)
def test_min_events_guard_requires_events_in_the_long_window(
    spec_guard: int | None, default_guard: int | None, expected: int | None
) -> None:
    rules = slo_rules(make_slo(min_events=spec_guard), SloRuleSettings(min_events=default_guard))
    assert rules.min_events == expected
    for tier, rule in rules.tiers:
        text = rule.expr.render()
        blocks = Duration(tier.long_window - 0.001).render()
        guard = (
            f'(sum_over_time(slo:sli_total:increase5m{{slo="availability", service="llama"}}'
            f"[{blocks}:5m]) >= {expected})"
        )
        assert text.endswith(guard) == (expected is not None)


def test_explicit_tiers_with_alert_after_become_for() -> None:
    fast = BurnRateWindow.from_factor(
        Severity.PAGE, "14.4", long_window=3600, period=30 * 86_400, alert_after=120
    )
    rules = slo_rules(make_slo(windows=(fast,)))
    [(tier, rule)] = rules.tiers
    assert rule.for_ is not None
    assert rule.for_.render() == "2m"
    assert dict(rule.labels)["budget_consumed"] == "0.02"
    assert tier is fast


def test_no_data_alert_watches_the_source_series() -> None:
    rules = slo_rules(make_slo(sli=latency()), SloRuleSettings(no_data_window=Duration.minutes(15)))
    rule = rules.no_data
    assert isinstance(rule, AlertingRule)
    assert rule.alert == NO_DATA_ALERT
    assert rule.expr.render() == (
        'absent_over_time(istio_request_duration_milliseconds_count{reporter="destination", '
        'destination_workload_namespace="ml", destination_workload="llama-predictor"}[15m])'
    )
    assert dict(rule.labels)["severity"] == "ticket"
    assert rule.for_ is not None


def test_same_slo_gives_identical_rules() -> None:
    first = [group.to_dict() for group in slo_rules(make_slo(sli=availability(bad_codes="5..|429"))).groups]
    second = [group.to_dict() for group in slo_rules(make_slo(sli=availability(bad_codes="5..|429"))).groups]
    assert first == second
